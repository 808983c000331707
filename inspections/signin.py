"""Sign-in that slows down password guessing: after repeated failures for a username, or from
one address, further attempts are refused for a while, with a message saying so.

Kept hand-written rather than django-axes: axes 8.3.1 (the newest) declares support up to
Django 6.0, and this is all the tracker needs: counts kept in the database so every app server
agrees, usernames counted in their canonical form, the client address taken only from a trusted
proxy, old failures pruned, and a national administrator able to unlock an account."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from .models import SignInFailure
from .models.users import canonical_username


def valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. X-Forwarded-For is believed only when the request
    arrived from a configured trusted proxy (the load balancer), and then only the address that
    proxy added: anything further left is whatever the client chose to send."""
    if request is None:
        return None
    remote = valid_ip(request.META.get("REMOTE_ADDR") or "")
    trusted = set(settings.TRACKER_TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    forwarded = (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for candidate in reversed(forwarded):
        address = valid_ip(candidate)
        if address is None:
            return remote
        if address not in trusted:
            return address
    return remote


def throttle_key(raw: object) -> str | None:
    """The username as counted: the canonical form the sign-in looks up, so that no variant
    (full-width letters, case, padding) earns fresh guesses. None only for no username."""
    if not isinstance(raw, str) or "\x00" in raw:
        return None
    return canonical_username(raw)[:150] or None


def lockout_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TRACKER_SIGN_IN_LOCKOUT_MINUTES)


def is_locked(username: str, ip: str | None) -> bool:
    recent = SignInFailure.objects.filter(at__gte=timezone.now() - lockout_window())
    if recent.filter(username=username).count() >= settings.TRACKER_SIGN_IN_MAX_FAILURES:
        return True
    return bool(ip and recent.filter(ip_address=ip).count() >= settings.TRACKER_SIGN_IN_MAX_PER_IP)


def record_failure(username: str, ip: str | None) -> None:
    # Failures older than the window count for nothing: prune them as new ones arrive.
    SignInFailure.objects.filter(at__lt=timezone.now() - lockout_window()).delete()
    SignInFailure.objects.create(username=username, ip_address=ip)


def unlock(usernames: Iterable[str]) -> int:
    """Forget the failed sign-ins of these people, so they can try again at once."""
    keys = {canonical_username(name) for name in usernames}
    deleted, _ = SignInFailure.objects.filter(username__in=keys).delete()
    return deleted


class ThrottledSignInMixin:
    request: HttpRequest | None
    cleaned_data: dict

    def clean(self) -> dict:
        # The field has already refused what no username can hold (a NUL byte, say); such a
        # value is neither counted nor looked up.
        username = throttle_key(self.cleaned_data.get("username"))
        ip = client_ip(self.request)
        if username and is_locked(username, ip):
            raise ValidationError(
                "Too many failed attempts to sign in. Wait "
                f"{settings.TRACKER_SIGN_IN_LOCKOUT_MINUTES} minutes and try again, or ask a "
                "national administrator to unlock your account.",
                code="throttled",
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError:
            if username:
                record_failure(username, ip)
            raise
        if username:
            SignInFailure.objects.filter(username=username).delete()
        return cleaned


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass
