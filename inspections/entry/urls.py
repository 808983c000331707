from django.urls import path

from . import views

urlpatterns = [
    path("entry/", views.entry_index, name="entry"),
    path("inspections/new/", views.report_new, name="report-new"),
    path("inspections/import/", views.report_import, name="report-import"),
    path("inspections/<slug:inspection>/entry/", views.report_edit, name="report-edit"),
    path("inspections/<slug:inspection>/publish/", views.report_publish, name="report-publish"),
    path("dependencies/new/", views.dependency_new, name="dependency-new"),
    path("dependencies/<slug:key>/change/", views.dependency_change, name="dependency-change"),
    path("dependencies/<slug:key>/correct/", views.dependency_correct, name="dependency-correct"),
    path(
        "dependencies/<slug:key>/delivered/",
        views.dependency_delivered,
        name="dependency-delivered",
    ),
]
