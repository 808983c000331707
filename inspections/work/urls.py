from django.urls import path

from inspections import converters  # noqa: F401  (registers <finding:…>)

from . import spreadsheet, views

item = "forces/<slug:force>/<slug:inspection>/<finding:ref>/"

urlpatterns = [
    path(item, views.item, name="item"),
    path(f"{item}update/", views.record_update, name="item-update"),
    path(f"{item}target-date/", views.change_target_date, name="item-target-date"),
    path(f"{item}lead-officer/", views.change_lead_officer, name="item-lead-officer"),
    path(f"{item}falls-due/", views.agree_due_date, name="item-agreed-date"),
    path(f"{item}review/", views.review, name="item-review"),
    path("sign-off/", views.sign_off_queue, name="sign-off"),
    path("forces/<slug:force>/spreadsheet/", spreadsheet.sheet_page, name="force-sheet"),
    path(
        "forces/<slug:force>/spreadsheet/download/",
        spreadsheet.sheet_download,
        name="force-sheet-download",
    ),
    path(
        "forces/<slug:force>/spreadsheet/<uuid:key>/",
        spreadsheet.sheet_check,
        name="force-sheet-check",
    ),
    path(
        "forces/<slug:force>/<slug:inspection>/update-several/",
        views.several_updates,
        name="several-updates",
    ),
]
