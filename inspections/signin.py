"""Sign-in that slows down password guessing: after repeated failures for a username, or from
one address, further attempts are refused for a while, with a message saying so."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from .models import SignInFailure


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ThrottledSignInMixin:
    request: HttpRequest | None

    def clean(self) -> dict:
        username = (self.data.get("username") or "").strip().lower()
        ip = client_ip(self.request)
        window = datetime.timedelta(minutes=settings.TRACKER_SIGN_IN_LOCKOUT_MINUTES)
        recent = SignInFailure.objects.filter(at__gte=timezone.now() - window)
        if username and (
            recent.filter(username=username).count() >= settings.TRACKER_SIGN_IN_MAX_FAILURES
            or (ip and recent.filter(ip_address=ip).count() >= settings.TRACKER_SIGN_IN_MAX_PER_IP)
        ):
            raise ValidationError(
                "Too many failed attempts to sign in. Wait "
                f"{settings.TRACKER_SIGN_IN_LOCKOUT_MINUTES} minutes and try again, or ask your "
                "administrator to reset your password.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                SignInFailure.objects.create(username=username, ip_address=ip)
            raise
        SignInFailure.objects.filter(username=username).delete()
        return cleaned


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass
