"""Where two-factor authentication is required of national administrators (production), one
who signs in with a password and has not set it up is sent to set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve

from inspections.http import ViewMiddleware
from inspections.models import User
from inspections.signin import has_two_factor

ALLOWED_BEFORE_SET_UP = {"two-factor", "sign-out"}


class TwoFactorRequired(ViewMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not settings.TRACKER_MFA_REQUIRED_FOR_NATIONAL_ADMINS:
            return None
        user = request.user
        if not isinstance(user, User) or not user.is_national_admin:
            return None
        if not user.has_usable_password() or not self.needs_sign_in(view_func):
            return None
        if resolve(request.path_info).url_name in ALLOWED_BEFORE_SET_UP or has_two_factor(user):
            return None
        messages.info(request, "Set up two-factor authentication before you carry on.")
        return redirect("two-factor")
