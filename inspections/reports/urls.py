from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/overdue/", views.overdue, name="overdue"),
    path("reports/dependencies/", views.dependencies, name="dependencies"),
    path("reports/due-soon/", views.due_soon, name="due-soon"),
    path("reports/matrix/", views.matrix, name="matrix"),
    path("forces/<slug:slug>/", views.force_page, name="force"),
    path("audit/", views.audit, name="audit"),
    path(
        "reports/inspections/suggest/", views.inspection_suggestions, name="inspection-suggestions"
    ),
    path(
        "inspections/<slug:inspection>/recommendations/<int:number>/",
        views.recommendation_page,
        name="recommendation",
    ),
]
