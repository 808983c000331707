"""Authentication backends that load the signed-in user with their force in the same query:
every signed-in page shows the force in its header, so this saves a query on each of them."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from .models import User

# The backend a password sign-in (or an accepted invitation) is recorded with.
PASSWORD_BACKEND = "inspections.backends.TrackerModelBackend"


def user_with_force(backend: ModelBackend, user_id: Any) -> User | None:
    try:
        user = User.objects.select_related("force").get(pk=user_id)
    except User.DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class TrackerModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        return user_with_force(self, user_id)


class TrackerAllauthBackend(AuthenticationBackend):
    """allauth's, for Microsoft sign-in (allauth prefers it by type)."""

    def get_user(self, user_id: Any) -> User | None:
        return user_with_force(self, user_id)
