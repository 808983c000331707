from django.urls import path

from . import views

urlpatterns = [
    path("letters/", views.letter_list, name="letters"),
    path("letters/new/", views.letter_new, name="letter-new"),
    path("letters/<uuid:uuid>/", views.letter_detail, name="letter"),
    path("letters/<uuid:uuid>/edit/", views.letter_edit, name="letter-edit"),
    path("letters/<uuid:uuid>/issue/", views.letter_issue, name="letter-issue"),
    path("letters/<uuid:uuid>/discard/", views.letter_discard, name="letter-discard"),
    path("letters/<uuid:uuid>/letter.<str:fmt>", views.letter_download, name="letter-download"),
    path("reports/responses/", views.responses, name="responses"),
]
