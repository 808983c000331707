"""The request of a page behind the sign-in: LoginRequiredMiddleware lets no anonymous request
through to these views, so their user is always a signed-in ``User`` (as healthchecks types it)."""

from __future__ import annotations

from django.http import HttpRequest

from inspections.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that must be signed in (admin hooks, whose signatures are Django's)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("This request must be signed in.")
    return user
