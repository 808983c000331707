from django.urls import path

from inspections import converters  # noqa: F401  (registers <finding:…>)

from . import audit_trail, force, lists, national

urlpatterns = [
    path("", lists.dashboard, name="dashboard"),
    path("reports/", lists.report_index, name="reports"),
    path("reports/overdue/", lists.overdue, name="overdue"),
    path("reports/dependencies/", lists.dependencies, name="dependencies"),
    path("reports/due-soon/", lists.due_soon, name="due-soon"),
    path("reports/matrix/", national.matrix, name="matrix"),
    path("forces/<slug:slug>/", force.force_page, name="force"),
    path("audit/", audit_trail.audit, name="audit"),
    path(
        "reports/inspections/suggest/", lists.inspection_suggestions, name="inspection-suggestions"
    ),
    path(
        "inspections/<slug:inspection>/recommendations/<finding:ref>/",
        national.recommendation_page,
        name="recommendation",
    ),
]
