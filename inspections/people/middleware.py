"""Someone signed in who has no role yet (waiting for their office to approve them) sees one
page saying so, whatever address they open, and can sign out; nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import resolve

from inspections import permissions
from inspections.http import ViewMiddleware

# Pages a person without a role may still open.
OPEN_TO_EVERYONE_SIGNED_IN = {"sign-out", "account", "password-change", "password-change-done"}


class WaitingForApproval(ViewMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or permissions.has_tracker_access(user):
            return None
        # Pages that need no sign-in (public pages, the admin's own sign-in) stay open.
        if not self.needs_sign_in(view_func):
            return None
        if resolve(request.path_info).url_name in OPEN_TO_EVERYONE_SIGNED_IN:
            return None
        return render(request, "people/waiting.html", status=403)
