"""Sign-in that slows down password guessing: after repeated failures for a username, or from
one address, further attempts are refused for a while, with a message saying so.

The sign-in itself is allauth's (its login view, its two-factor stage, its password reset);
this module is the throttle its forms run under, and the admin's sign-in too. Every attempt is
stored before the counts are read (count, then check), so simultaneous guesses cannot all slip
under the limit; failures on usernames that do not exist never lock out real accounts at the
same address; password-reset emails are limited per address and per client.

Kept rather than allauth's cache-based login limit, which the account adapter turns off for
passwords (allauth still limits two-factor codes): the counts are kept in the database so every
app server agrees, usernames are counted in their canonical form, the client address is taken
only from a trusted proxy, old failures are pruned, and a national administrator can unlock an
account (axes 8.3.1, the newest, declares support up to Django 6.0 only)."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import LoginForm, ResetPasswordForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from .models import PasswordResetRequest, SignInFailure, User
from .models.users import canonical_username


def has_two_factor(user: object) -> bool:
    """Whether a local account has turned on two-factor authentication (allauth's TOTP)."""
    return bool(
        Authenticator.objects.filter(
            user_id=getattr(user, "pk", None), type=Authenticator.Type.TOTP
        ).exists()
    )


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


def account_exists(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, already counted as a failure before its password is checked."""

    row: SignInFailure
    # Refused unchecked: too many failures for this username, or against real accounts from
    # this address.
    locked: bool
    # This address has made too many attempts on usernames that do not exist: a wrong password
    # is answered like a locked account, so that nobody can tell which usernames exist, while a
    # right one still signs in (unknown usernames never lock out colleagues at one address).
    guessing_names: bool


def begin_attempt(username: str, ip: str | None) -> Attempt:
    """Count first, then check: the attempt is stored before the counts are read, so of several
    guesses made at the same moment only those within the limit see a count that lets them on
    (each sees the others that were stored before it counted)."""
    since = timezone.now() - lockout_window()
    # Failures older than the window count for nothing: prune them as new ones arrive.
    SignInFailure.objects.filter(at__lt=since).delete()
    row = SignInFailure.objects.create(
        username=username, ip_address=ip, known_account=account_exists(username)
    )
    recent = SignInFailure.objects.filter(at__gte=since)
    locked = recent.filter(username=username).count() > settings.TRACKER_SIGN_IN_MAX_FAILURES
    guessing_names = False
    if ip:
        from_here = recent.filter(ip_address=ip)
        limit = settings.TRACKER_SIGN_IN_MAX_PER_IP
        locked = locked or from_here.filter(known_account=True).count() > limit
        guessing_names = from_here.filter(known_account=False).count() > limit
    return Attempt(row=row, locked=locked, guessing_names=guessing_names)


def unlock(usernames: Iterable[str]) -> int:
    """Forget the failed sign-ins of these people, so they can try again at once."""
    keys = {canonical_username(name) for name in usernames}
    deleted, _ = SignInFailure.objects.filter(username__in=keys).delete()
    return deleted


def too_many_attempts() -> ValidationError:
    return ValidationError(
        "Too many failed attempts to sign in. Wait "
        f"{settings.TRACKER_SIGN_IN_LOCKOUT_MINUTES} minutes and try again, or ask a "
        "national administrator to unlock your account.",
        code="throttled",
    )


def sso_only_refusal(user: Any) -> ValidationError | None:
    """Where Microsoft sign-in is the only way in, a password opens only the national
    administrators' break-glass accounts."""
    if settings.TRACKER_SSO_ONLY and not getattr(user, "is_national_admin", False):
        return ValidationError(
            "Sign in with your organisation's Microsoft account: passwords are kept for "
            "national administrators only.",
            code="sso_only",
        )
    return None


def throttled(
    raw_username: object,
    request: HttpRequest | None,
    check: Callable[[], dict[str, Any]],
    signed_in: Callable[[], object],
) -> dict[str, Any]:
    """Run a sign-in form's password check under the throttle. `check` is the form's own clean
    (it raises for a wrong password); `signed_in` says whether it found the account, since a
    form with a missing field returns without checking anything and must not count as a
    success (that would wipe the failures counted so far)."""
    # The field has already refused what no username can hold (a NUL byte, say); such a value
    # is neither counted nor looked up.
    username = throttle_key(raw_username)
    if not username:
        return check()
    attempt = begin_attempt(username, client_ip(request))
    if attempt.locked:
        # A refused attempt was never checked, so it is not a failure: the lock lasts its
        # window from the last real one, however often a locked account is tried.
        attempt.row.delete()
        raise too_many_attempts()
    try:
        cleaned = check()
    except ValidationError:
        if attempt.guessing_names:
            raise too_many_attempts() from None
        raise
    if signed_in():
        SignInFailure.objects.filter(username=username).delete()
    else:
        # No password was given to check: neither a failure nor a success.
        attempt.row.delete()
    return cleaned


class SignInForm(LoginForm):  # type: ignore[misc]
    """allauth's sign-in form (a username and a password; no "remember me": sessions end with
    the browser or the working day), counted by the tracker's throttle."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username"
        self.fields["login"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."

    def clean(self) -> dict[str, Any]:
        return throttled(
            self.cleaned_data.get("login"),
            self.request,
            self._checked,
            lambda: getattr(self, "user", None),
        )

    def _checked(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        user = getattr(self, "user", None)
        if user is not None and (refusal := sso_only_refusal(user)):
            self.user = None
            raise refusal
        return cleaned


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's own sign-in page (Django's form), under the same throttle."""

    def clean(self) -> dict[str, Any]:
        return throttled(
            self.cleaned_data.get("username"),
            self.request,
            super().clean,
            lambda: self.user_cache,
        )

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if refusal := sso_only_refusal(user):
            raise refusal
        # The admin's own sign-in asks for no second factor: such accounts use the service's.
        if has_two_factor(user):
            raise ValidationError(
                "Sign in on the service's sign-in page (/sign-in/), which asks for your "
                "two-factor code.",
                code="two_factor",
            )


def reset_email_allowed(email: str, ip: str | None) -> bool:
    """Whether to send the password-reset email asked for now. Stored before counting, like a
    sign-in attempt, so that requests at the same moment cannot all slip under the limit."""
    since = timezone.now() - datetime.timedelta(minutes=settings.TRACKER_PASSWORD_RESET_MINUTES)
    PasswordResetRequest.objects.filter(at__lt=since).delete()
    address = canonical_username(email)[:254]
    PasswordResetRequest.objects.create(email=address, ip_address=ip)
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    if recent.filter(email=address).count() > settings.TRACKER_PASSWORD_RESET_MAX_PER_ADDRESS:
        return False
    return not (
        ip and recent.filter(ip_address=ip).count() > settings.TRACKER_PASSWORD_RESET_MAX_PER_CLIENT
    )


class ThrottledPasswordResetForm(ResetPasswordForm):  # type: ignore[misc]
    """allauth's password-reset form, sending at most a few reset emails an hour to one address
    and to one client, and answering every request with the same page whether or not an email
    went (nobody learns whether an address has an account, or whether they were limited)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter the email address your account uses.",
                "invalid": "Enter an email address in the correct format, like name@example.org.",
            }
        )

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        email: str = self.cleaned_data["email"]
        if reset_email_allowed(email, client_ip(request)):
            return str(super().save(request, **kwargs))
        return email
