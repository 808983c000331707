from django.contrib import admin
from django.urls import include, path

from inspections import views
from inspections.signin import AdminSignInForm

admin.site.login_form = AdminSignInForm

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    path("evidence/<uuid:uuid>/", views.evidence_file, name="evidence-file"),
    path("healthz/", views.healthz, name="healthz"),
    path("", include("inspections.account.urls")),
    path("", include("inspections.people.urls")),
    path("sso/", include("inspections.sso.urls")),
    path("", include("inspections.api.urls")),
    path("", include("inspections.entry.urls")),
    path("", include("inspections.work.urls")),
    path("", include("inspections.followup.urls")),
    path("", include("inspections.meetings.urls")),
    path("", include("inspections.search.urls")),
    path("", include("inspections.letters.urls")),
    path("", include("inspections.public.urls")),
    path("", include("inspections.reports.urls")),
]
