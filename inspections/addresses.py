"""Page addresses for long lists. A report page links every row to its force and its item, and
``reverse`` walks the URL patterns each time (about a third of a millisecond a row, 300 links a
page). An address depends only on the URL configuration, the script prefix and its arguments, so
each is worked out once per process and then remembered."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Every item of every force at ten times today's data fits; the least recently used goes first.
REMEMBERED = 100_000


@lru_cache(maxsize=REMEMBERED)
def _address(urlconf: str, prefix: str, name: str, args: tuple[str, ...]) -> str:
    # ``prefix`` is part of the key: reverse() reads the same script prefix itself.
    return reverse(name, args=args, urlconf=urlconf)


def address(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, remembered."""
    return _address(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, args)
