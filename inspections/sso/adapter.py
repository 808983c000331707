"""Who may come in with a Microsoft account, decided once allauth has checked the sign-in:
someone already linked (on tid + oid, never email) if their access stands; someone holding an
invitation; or someone from a tenant that serves exactly one force, who then waits for that
force's office to approve them. Anyone else is refused with a page saying why."""

from __future__ import annotations

from typing import Any, NoReturn

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from inspections.models import AccessEventKind, User
from inspections.services import people as people_services
from inspections.signin import client_ip

from .provider import shown_username
from .views import INVITATION_SESSION_KEY, TenantRefused


def refuse(request: HttpRequest, reason: str, detail: str) -> NoReturn:
    people_services.record_access_event(
        kind=AccessEventKind.SSO_REFUSED, detail=detail, ip_address=client_ip(request)
    )
    raise ImmediateHttpResponse(render(request, "sso/refused.html", {"reason": reason}, status=403))


class TrackerSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        claims: dict[str, Any] = sociallogin.account.extra_data
        tenant, object_id = str(claims["tid"]).lower(), str(claims["oid"])
        shown = f"{shown_username(claims)} (tenant {tenant})"
        invitation_pk = request.session.pop(INVITATION_SESSION_KEY, None)
        if sociallogin.is_existing:
            user = sociallogin.user
            if not isinstance(user, User) or not user.is_active:
                refuse(
                    request,
                    "Your access to the tracker has been removed. Ask your office "
                    "administrator if you think it should not have been.",
                    f"{shown}: access removed",
                )
        else:
            try:
                user = people_services.admit_from_microsoft(
                    tenant_id=tenant,
                    object_id=object_id,
                    claims=claims,
                    username=shown_username(claims),
                    invitation_pk=invitation_pk,
                    now=timezone.now(),
                )
            except people_services.AccessRefused as refused:
                refuse(request, refused.reason, f"{shown}: {refused.detail}")
            sociallogin.user = user
            sociallogin.account = SocialAccount.objects.get(user=user, provider="entra")
        people_services.record_access_event(
            kind=AccessEventKind.SIGNED_IN,
            actor=user,
            subject=user,
            detail=f"With Microsoft ({shown})",
            ip_address=client_ip(request),
        )

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        if isinstance(exception, TenantRefused):
            reason = (
                "Your organisation's Microsoft account is not one this tracker accepts. If "
                "your office uses the tracker, ask its administrator to invite you."
            )
        else:
            reason = (
                "Microsoft's answer could not be checked, so you were not signed in. Try "
                "again; if it happens again, tell your office administrator."
            )
        refuse(request, reason, f"{error}: {exception}")
