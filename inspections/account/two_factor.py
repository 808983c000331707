"""Two-factor authentication for local accounts (allauth's MFA: TOTP and recovery codes): set it
up or turn it off on your account, and give the code after your password when signing in
(allauth's login stage, on the tracker's page)."""

from __future__ import annotations

from allauth.account.internal.stagekit import stash_login
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import views as mfa_views
from allauth.mfa.totp.internal.auth import clear_totp_secret, get_totp_secret
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from inspections.formfields import save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import AccessEventKind, User
from inspections.services import people as people_services
from inspections.signin import client_ip, has_two_factor

# Wrong codes allowed in one sign-in before the password must be given again (allauth also
# limits codes per account over time).
MAX_TRIES = 5


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        error_messages={"required": "Enter the code from your authenticator app."},
    )


def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up two-factor authentication (a QR code and its secret, then a code to prove it),
    or turn it off (with a code)."""
    user = request.user
    if not user.has_usable_password():
        return render(request, "account/two_factor_sso.html")
    form = CodeForm(request.POST or None)
    if has_two_factor(user):
        if save_posted(
            request,
            form,
            lambda data: people_services.turn_off_two_factor(user=user, code=data["code"]),
        ):
            messages.success(request, "Two-factor authentication is off.")
            return redirect("account")
        return render(request, "account/two_factor_on.html", {"form": form})
    secret = get_totp_secret()
    if saved := save_posted(
        request,
        form,
        lambda data: people_services.turn_on_two_factor(
            user=user, secret=secret, code=data["code"]
        ),
    ):
        clear_totp_secret(request)
        return render(request, "account/two_factor_codes.html", {"codes": saved.value})
    adapter = get_adapter()
    url = adapter.build_totp_url(user, secret)
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            # qrcode's own SVG of the otpauth address: markup it wrote, holding no user text.
            "qr_code": mark_safe(adapter.build_totp_svg(url).partition("?>")[2] or ""),
        },
    )


class SignInCodeView(mfa_views.AuthenticateView):  # type: ignore[misc]
    """allauth's two-factor stage of signing in, on the tracker's page: a wrong code goes into
    the access trail, and after MAX_TRIES of them the password must be given again."""

    template_name = "account/sign_in_code.html"

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        user = self.stage.login.user
        people_services.record_access_event(
            kind=AccessEventKind.TWO_FACTOR_FAILED,
            subject=user if isinstance(user, User) else None,
            ip_address=client_ip(self.request),
        )
        tries = int(self.stage.state.get("wrong_codes", 0)) + 1
        if tries >= MAX_TRIES:
            messages.error(self.request, "Too many wrong codes. Sign in again.")
            response: HttpResponse = self.stage.abort()
            return response
        self.stage.state["wrong_codes"] = tries
        stash_login(self.request, self.stage.login)
        page: HttpResponse = super().form_invalid(form)
        return page


sign_in_code = SignInCodeView.as_view()
