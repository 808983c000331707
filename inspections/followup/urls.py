from django.urls import path

from inspections import converters  # noqa: F401  (registers <finding:…>)

from . import views

item = "forces/<slug:force>/<slug:inspection>/<finding:ref>/"

urlpatterns = [
    path(f"{item}actions/new/", views.local_action, name="action-new"),
    path(f"{item}actions/<uuid:uuid>/", views.local_action, name="action-edit"),
    path(f"{item}extension/", views.extension_new, name="extension-new"),
    path(f"{item}inspectorate/", views.closure_new, name="closure-new"),
    path(f"{item}inspectorate/<uuid:uuid>/letter/", views.closure_letter, name="closure-letter"),
    path("extensions/<uuid:uuid>/decide/", views.extension_decide, name="extension-decide"),
    path("reports/actions/", views.actions_report, name="actions"),
    path("reports/extensions/", views.extensions_report, name="extensions"),
]
