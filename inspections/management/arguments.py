"""Argument types shared by the tracker's commands, with messages that name the flag."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.management.base import CommandError


def date_argument(flag: str) -> Callable[[str], datetime.date]:
    """A YYYY-MM-DD date; anything else is a CommandError naming ``flag``."""

    def parse(value: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"{flag} must be a date like 2026-11-21, not {value!r}") from error

    return parse
