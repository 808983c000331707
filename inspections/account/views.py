"""Your account: reminder frequency, password change, and password reset by email."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from inspections import permissions
from inspections.history import record_author
from inspections.http import AuthenticatedHttpRequest
from inspections.models import AccessEventKind, User
from inspections.services.people import record_access_event
from inspections.signin import SignInForm, ThrottledPasswordResetForm, client_ip, has_two_factor
from inspections.sso.config import sso_enabled

from .forms import DigestForm
from .two_factor import start_second_factor


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
password_reset = auth_views.PasswordResetView.as_view(
    template_name="account/password_reset.html",
    form_class=ThrottledPasswordResetForm,
    email_template_name="emails/password_reset.txt",
    subject_template_name="emails/password_reset_subject.txt",
    success_url=reverse_lazy("password-reset-sent"),
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="account/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="account/password_reset_confirm.html",
    success_url=reverse_lazy("password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="account/password_reset_complete.html"
)


class SignInView(auth_views.LoginView):
    """Django's sign-in, throttled by its form, with each sign-in in the access trail."""

    template_name = "registration/sign_in.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "sso": sso_enabled(),
            "sso_only": settings.TRACKER_SSO_ONLY,
        }

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        if has_two_factor(form.get_user()):
            return start_second_factor(self.request, form.get_user(), self.get_success_url())
        response = super().form_valid(form)
        user = self.request.user
        if isinstance(user, User):
            record_access_event(
                kind=AccessEventKind.SIGNED_IN,
                actor=user,
                subject=user,
                detail="With a username and password",
                ip_address=client_ip(self.request),
            )
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            record_access_event(
                kind=AccessEventKind.SIGNED_OUT,
                actor=user,
                subject=user,
                ip_address=client_ip(request),
            )
        return super().post(request, *args, **kwargs)


sign_in = SignInView.as_view()
sign_out = SignOutView.as_view()
