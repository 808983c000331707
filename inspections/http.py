"""The request of a page behind the sign-in: LoginRequiredMiddleware lets no anonymous request
through to these views, so their user is always a signed-in ``User`` (as healthchecks types it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from inspections.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that must be signed in (admin hooks, whose signatures are Django's)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("This request must be signed in.")
    return user


class ViewMiddleware:
    """A middleware that decides in ``process_view`` (where it knows whether the view needs a
    sign-in) and otherwise passes the request on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    @staticmethod
    def needs_sign_in(view_func: Callable[..., Any]) -> bool:
        return bool(getattr(view_func, "login_required", True))
