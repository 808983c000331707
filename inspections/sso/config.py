"""Whether Microsoft sign-in is set up, and where each tenant's endpoints are: read from the
environment's settings at each request, so a test (or an operator) can change them."""

from __future__ import annotations

from django.conf import settings


def sso_enabled() -> bool:
    return bool(settings.TRACKER_SSO_CLIENT_ID and settings.TRACKER_SSO_TENANTS)


def allowed_tenants() -> set[str]:
    return {tenant.lower() for tenant in settings.TRACKER_SSO_TENANTS}


def authority() -> str:
    return str(settings.TRACKER_SSO_AUTHORITY).rstrip("/")


def sign_in_segment() -> str:
    """One tenant: its own endpoints. Several: Entra's ``organizations`` endpoints, and the
    token's own tenant is checked against the list afterwards."""
    tenants = sorted(allowed_tenants())
    return tenants[0] if len(tenants) == 1 else "organizations"


def issuer_of(tenant_id: str) -> str:
    return f"{authority()}/{tenant_id}/v2.0"


def keys_url_of(tenant_id: str) -> str:
    return f"{authority()}/{tenant_id}/discovery/v2.0/keys"
