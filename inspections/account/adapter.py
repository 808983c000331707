"""The tracker's side of allauth's sign-in: nobody signs themselves up (accounts come from an
invitation, an approval or a national administrator), client addresses are the throttle's (a
forwarded address believed only from a trusted proxy), passwords are counted by the throttle
rather than by allauth's cache, and every sign-in and sign-out goes into the access trail."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from django.http import HttpRequest

from inspections.models import AccessEventKind, User
from inspections.services.people import record_access_event
from inspections.signin import client_ip

# allauth's chatter ("Successfully signed in as …"): the page a person lands on says enough.
QUIET_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


def sign_in_detail(methods: list[str]) -> str:
    if "mfa" in methods:
        return "With a password and a two-factor code"
    return "With a username and password"


class TrackerAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "The username or password is not right. Check both and try again."
        ),
        # Only two-factor codes reach allauth's own limit (passwords have the throttle's).
        "too_many_login_attempts": (
            "Too many wrong codes for this account. Wait 5 minutes and sign in again."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request) or str(super().get_client_ip(request))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Passwords are counted by inspections.signin's throttle, in the database; allauth's
        # own limit (kept for two-factor codes) would count them a second time.
        return None

    def login(self, request: HttpRequest, user: Any) -> None:
        methods = [
            str(record.get("method")) for record in get_authentication_records(request, user)
        ]
        super().login(request, user)
        # A Microsoft sign-in is recorded by the social account adapter, with its tenant.
        if isinstance(user, User) and "socialaccount" not in methods:
            record_access_event(
                kind=AccessEventKind.SIGNED_IN,
                actor=user,
                subject=user,
                detail=sign_in_detail(methods),
                ip_address=client_ip(request),
            )

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if isinstance(user, User):
            record_access_event(
                kind=AccessEventKind.SIGNED_OUT,
                actor=user,
                subject=user,
                ip_address=client_ip(request),
            )
        super().logout(request)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )
