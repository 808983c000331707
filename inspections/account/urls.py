from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, path, re_path

from . import two_factor, views


def named(
    route: str, view: Callable[..., HttpResponseBase], name: str, allauth_name: str
) -> list[URLPattern]:
    """One page under the tracker's name and the one allauth reverses for it (the first
    resolves, so the tracker's name is the one a request is known by)."""
    return [path(route, view, name=name), path(route, view, name=allauth_name)]


urlpatterns = [
    *named("sign-in/", views.sign_in, "sign-in", "account_login"),
    *named("sign-out/", views.sign_out, "sign-out", "account_logout"),
    *named("sign-in/code/", two_factor.sign_in_code, "sign-in-code", "mfa_authenticate"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/two-factor/", two_factor.two_factor, name="two-factor"),
    path("account/password/done/", views.password_change_done, name="password-change-done"),
    *named("password-reset/", views.password_reset, "password-reset", "account_reset_password"),
    *named(
        "password-reset/sent/",
        views.password_reset_sent,
        "password-reset-sent",
        "account_reset_password_done",
    ),
    *named(
        "password-reset/complete/",
        views.password_reset_complete,
        "password-reset-complete",
        "account_reset_password_from_key_done",
    ),
    re_path(
        r"^password-reset/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    re_path(
        r"^password-reset/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_confirm,
        name="account_reset_password_from_key",
    ),
]
