from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from inspections import views
from inspections.signin import AdminSignInForm, SignInForm

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="registration/sign_in.html", authentication_form=SignInForm
        ),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("evidence/<uuid:uuid>/", views.evidence_file, name="evidence-file"),
    path("healthz/", views.healthz, name="healthz"),
    path("", include("inspections.account.urls")),
    path("", include("inspections.entry.urls")),
    path("", include("inspections.work.urls")),
    path("", include("inspections.followup.urls")),
    path("", include("inspections.meetings.urls")),
    path("", include("inspections.search.urls")),
    path("", include("inspections.letters.urls")),
    path("", include("inspections.public.urls")),
    path("", include("inspections.reports.urls")),
]
