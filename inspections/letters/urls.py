from django.urls import path

from . import office, sent, views

urlpatterns = [
    path("letters/", views.letter_list, name="letters"),
    path("letters/new/", views.letter_new, name="letter-new"),
    path("letters/<uuid:uuid>/", views.letter_detail, name="letter"),
    path("letters/<uuid:uuid>/edit/", views.letter_edit, name="letter-edit"),
    path("letters/<uuid:uuid>/issue/", views.letter_issue, name="letter-issue"),
    path("letters/<uuid:uuid>/discard/", views.letter_discard, name="letter-discard"),
    path("letters/<uuid:uuid>/letter.<str:fmt>", views.letter_download, name="letter-download"),
    path("letters/<uuid:uuid>/publish/", sent.letter_publish, name="letter-publish"),
    path("letters/<uuid:uuid>/response/", sent.letter_response, name="letter-response"),
    path(
        "letters/sent-elsewhere/<uuid:uuid>/response/",
        sent.letter_elsewhere_response,
        name="letter-elsewhere-response",
    ),
    path("letters/sent-elsewhere/new/", sent.letter_elsewhere_new, name="letter-elsewhere-new"),
    path("letters/sent-elsewhere/<uuid:uuid>/", sent.letter_elsewhere, name="letter-elsewhere"),
    path(
        "letters/sent-elsewhere/<uuid:uuid>/file",
        sent.letter_elsewhere_file,
        name="letter-elsewhere-file",
    ),
    path(
        "letters/sent-elsewhere/<uuid:uuid>/withdraw/",
        sent.letter_elsewhere_withdraw,
        name="letter-elsewhere-withdraw",
    ),
    path(
        "letters/sent-elsewhere/<uuid:uuid>/publish/",
        sent.letter_elsewhere_publish,
        name="letter-elsewhere-publish",
    ),
    path(
        "forces/<slug:force>/<slug:inspection>/chief-constable/",
        sent.chief_comments,
        name="chief-comments",
    ),
    path(
        "publications/<uuid:uuid>/comments/",
        sent.republish_comments,
        name="publication-comments",
    ),
    path(
        "forces/<slug:force>/<slug:inspection>/chief-constable/file",
        sent.chief_comments_file,
        name="chief-comments-file",
    ),
    path("forces/<slug:force>/letter-template/", office.letter_template, name="letter-template"),
    path(
        "forces/<slug:force>/letter-template/force/",
        office.letter_template,
        {"writer": "force"},
        name="force-letter-template",
    ),
    path("reports/responses/", views.responses, name="responses"),
    path(
        "inspections/<slug:inspection>/response-date/",
        views.response_date,
        name="response-date",
    ),
]
