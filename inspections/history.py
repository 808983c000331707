"""Who simple-history records as the author of a change made outside a request (services,
commands): it reads the ``_history_user`` attribute of the instance being saved."""

from __future__ import annotations

from django.db.models import Model

from inspections.models import User


def record_author(instance: Model, user: User | None) -> None:
    instance._history_user = user  # type: ignore[attr-defined]  # simple-history's own hook
