"""The provider's two pages (start, and Microsoft's answer), and accepting an invitation with a
Microsoft account. The ID token is checked here, whatever route it came by: signed by a key of
the tenant it names, that tenant one of ours, issued by that tenant's own issuer, for us, and
not expired."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from inspections.people.pages import invitation_gone
from inspections.services import people as people_services

from .config import (
    allowed_tenants,
    authority,
    issuer_of,
    keys_url_of,
    sign_in_segment,
    sso_enabled,
)

# Where the invitation being accepted waits while its reader signs in at Microsoft.
INVITATION_SESSION_KEY = "tracker_invitation"


class TenantRefused(OAuth2Error):
    """A token from a tenant that is not one of the tracker's."""


def verified_claims(id_token: str, *, audience: str) -> dict[str, Any]:
    if not id_token:
        raise OAuth2Error("Microsoft sent no ID token.")
    try:
        header = jwt.get_unverified_header(id_token)
        unverified = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise OAuth2Error("The ID token cannot be read.") from error
    tenant = str(unverified.get("tid") or "").lower()
    if tenant not in allowed_tenants():
        raise TenantRefused(f"tenant {tenant or 'not named'} is not one of the tracker's")
    with get_adapter().get_requests_session() as session:
        response = session.get(keys_url_of(tenant))
        response.raise_for_status()
        keys = response.json()
    key = jwtkit.lookup_kid_jwk(keys, header.get("kid"))
    if key is None:
        raise OAuth2Error("The ID token was signed with a key its tenant does not publish.")
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key=key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer_of(tenant),
            options={"require": ["exp", "iat", "iss", "aud", "tid", "oid"]},
        )
    except jwt.PyJWTError as error:
        raise OAuth2Error(f"The ID token was refused: {error}") from error
    return claims


class EntraAdapter(OAuth2Adapter):
    provider_id = "entra"

    @property
    def authorize_url(self) -> str:
        return f"{authority()}/{sign_in_segment()}/oauth2/v2.0/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{authority()}/{sign_in_segment()}/oauth2/v2.0/token"

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        # Always verified, even though the token came straight from the token endpoint:
        # the tenant, its issuer and its keys are ours to check, not Entra's discovery's.
        claims = verified_claims(kwargs["response"].get("id_token") or "", audience=app.client_id)
        return self.get_provider().sociallogin_from_response(request, claims)


def only_when_enabled(view: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    @login_not_required
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Microsoft sign-in is not set up.")
        return view(request)

    return wrapped


oauth2_login = only_when_enabled(OAuth2LoginView.adapter_view(EntraAdapter))
oauth2_callback = only_when_enabled(OAuth2CallbackView.adapter_view(EntraAdapter))


@login_not_required
@require_POST
def accept_with_microsoft(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation by signing in with Microsoft: the invitation waits in the session
    and the first sign-in that comes back binds that person's tid + oid to it."""
    if not sso_enabled():
        raise Http404("Microsoft sign-in is not set up.")
    invitation = people_services.invitation_for(token)
    if (gone := invitation_gone(request, invitation)) is not None or invitation is None:
        return gone or HttpResponse(status=404)
    request.session[INVITATION_SESSION_KEY] = invitation.pk
    return oauth2_login(request)
