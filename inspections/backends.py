"""Authentication backends that load the signed-in user with their force in the same query:
every signed-in page shows the force in its header, so this saves a query on each of them.
They sign people in and grant nothing: every permission is permissions.py's rule (through
rules' backend), never a row of Django's permission tables (which also cost two queries on each
request that was refused something)."""

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


class GrantsNothing(ModelBackend):
    """A sign-in backend that grants no permission (see the module's docstring)."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()


class TrackerModelBackend(GrantsNothing):
    def get_user(self, user_id: Any) -> User | None:
        return user_with_force(self, user_id)


class TrackerAllauthBackend(GrantsNothing, AuthenticationBackend):
    """allauth's, for Microsoft sign-in (allauth prefers it by type)."""

    def get_user(self, user_id: Any) -> User | None:
        return user_with_force(self, user_id)
