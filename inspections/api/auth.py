"""An API key in the ``Authorization: Bearer …`` header, or in the ``key`` query parameter
(Power BI's Web API credential sends it so). The key is never logged: its use is recorded with
the key's name and the path asked for, without the query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyQuery, HttpBearer

from inspections import permissions
from inspections.models import User
from inspections.services import people as people_services


def reader_for(request: HttpRequest, secret: str) -> User | None:
    key = people_services.key_for(secret)
    if key is None:
        return None
    people_services.record_api_use(key=key, path=request.path, now=timezone.now())
    return permissions.api_reader(key)


class BearerKey(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # As HttpBearer, without logging what an unexpected Authorization header held.
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return reader_for(request, token)


class QueryKey(APIKeyQuery):
    param_name = "key"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return reader_for(request, key or "")
