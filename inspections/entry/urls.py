from django.urls import path

from . import views

urlpatterns = [
    path("inspections/new/", views.report_new, name="report-new"),
    path("inspections/import/", views.report_import, name="report-import"),
    path("inspections/<slug:inspection>/entry/", views.report_edit, name="report-edit"),
    path("inspections/<slug:inspection>/publish/", views.report_publish, name="report-publish"),
    path(
        "dependencies/<slug:key>/delivered/",
        views.dependency_delivered,
        name="dependency-delivered",
    ),
]
