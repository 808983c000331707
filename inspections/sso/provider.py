from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import EntraAdapter


class EntraAccount(ProviderAccount):
    def to_str(self) -> str:
        return str(self.account.extra_data.get("preferred_username") or super().to_str())


class EntraProvider(OAuth2Provider):
    id = "entra"
    name = "Microsoft"
    account_class = EntraAccount
    oauth2_adapter_class = EntraAdapter
    pkce_enabled_default = True

    def get_default_scope(self) -> list[str]:
        return ["openid", "profile", "email"]

    def extract_uid(self, data: dict[str, Any]) -> str:
        # Entra's immutable pair: the tenant, and the person's object id within it.
        return f"{data['tid']}:{data['oid']}"

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "username": shown_username(data),
            "email": data.get("email") or "",
            "first_name": data.get("given_name") or "",
            "last_name": data.get("family_name") or "",
        }


def shown_username(data: dict[str, Any]) -> str:
    return str(data.get("preferred_username") or data.get("upn") or data["oid"])


provider_classes = [EntraProvider]
