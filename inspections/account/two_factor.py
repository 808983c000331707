"""Two-factor authentication for local accounts (allauth's MFA: TOTP and recovery codes): set it
up or turn it off on your account, and give the code after your password when signing in."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.totp.internal.auth import clear_totp_secret, get_totp_secret
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from inspections.backends import PASSWORD_BACKEND
from inspections.formfields import save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import AccessEventKind, User
from inspections.services import people as people_services
from inspections.signin import client_ip, has_two_factor

# A password accepted, waiting for its second factor: whose, since when, where to go next.
PENDING_KEY = "tracker_two_factor_pending"
PENDING_SECONDS = 300
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


def start_second_factor(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Called once the password is right for an account with two-factor authentication: the
    person is not signed in until the code is given."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", PASSWORD_BACKEND),
        "since": time.time(),
        "next": next_url,
        "tries": 0,
    }
    return redirect("sign-in-code")


def pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING_KEY) or {}
    if not pending or time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        return None, {}
    return User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first(), pending


@login_not_required
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user, pending = pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Sign in with your username and password first.")
        return redirect("sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if people_services.second_factor_ok(user=user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend=pending["backend"])
            people_services.record_access_event(
                kind=AccessEventKind.SIGNED_IN,
                actor=user,
                subject=user,
                detail="With a password and a two-factor code",
                ip_address=client_ip(request),
            )
            next_url = str(pending.get("next") or "")
            safe = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(next_url if safe and next_url else "dashboard")
        people_services.record_access_event(
            kind=AccessEventKind.TWO_FACTOR_FAILED,
            subject=user,
            ip_address=client_ip(request),
        )
        pending["tries"] = int(pending.get("tries", 0)) + 1
        if pending["tries"] >= MAX_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("sign-in")
        request.session[PENDING_KEY] = pending
        form.add_error("code", people_services.WRONG_CODE)
    return render(request, "account/sign_in_code.html", {"form": form})
