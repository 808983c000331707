"""Your account (reminder frequency, password change), and allauth's sign-in, sign-out and password
reset by email on the tracker's pages."""

from __future__ import annotations

from typing import Any

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from inspections import permissions
from inspections.history import record_author
from inspections.http import AuthenticatedHttpRequest
from inspections.signin import SignInForm, ThrottledPasswordResetForm, has_two_factor
from inspections.sso.config import sso_enabled

from .forms import DigestForm, NewPasswordForm


def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    gets_digests = permissions.gets_digests(request.user)
    form = (
        DigestForm(request.POST if request.method == "POST" else None, instance=request.user)
        if gets_digests
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        record_author(request.user, request.user)
        form.save()
        messages.success(
            request, f"Reminder emails: {request.user.get_digest_frequency_display().lower()}."
        )
        return redirect("account")
    return render(
        request,
        "account/account.html",
        {"form": form, "two_factor": has_two_factor(request.user)},
    )


password_change = auth_views.PasswordChangeView.as_view(
    template_name="account/password_change.html",
    success_url=reverse_lazy("password-change-done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="account/password_change_done.html"
)


class SignInView(allauth_views.LoginView):  # type: ignore[misc]
    """allauth's sign-in: the throttled form, then allauth's two-factor stage where the account
    has a second factor; the adapter records the sign-in in the access trail."""

    template_name = "registration/sign_in.html"
    form_class = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "next": self.get_next_url() or "",
            "sso": sso_enabled(),
            "sso_only": settings.TRACKER_SSO_ONLY,
        }


class SignOutView(allauth_views.LogoutView):  # type: ignore[misc]
    template_name = "account/sign_out.html"


class PasswordResetView(allauth_views.PasswordResetView):  # type: ignore[misc]
    template_name = "account/password_reset.html"
    form_class = ThrottledPasswordResetForm


class PasswordResetSentView(allauth_views.PasswordResetDoneView):  # type: ignore[misc]
    template_name = "account/password_reset_sent.html"


class PasswordResetConfirmView(allauth_views.PasswordResetFromKeyView):  # type: ignore[misc]
    """The link in the email: allauth moves the key into the session and the address to
    .../set-password/, so the key never leaks in a Referer header."""

    template_name = "account/password_reset_confirm.html"
    form_class = NewPasswordForm


class PasswordResetCompleteView(allauth_views.PasswordResetFromKeyDoneView):  # type: ignore[misc]
    template_name = "account/password_reset_complete.html"


sign_in = SignInView.as_view()
sign_out = SignOutView.as_view()
password_reset = PasswordResetView.as_view()
password_reset_sent = PasswordResetSentView.as_view()
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = PasswordResetCompleteView.as_view()
