"""Page addresses: the one place that builds them, for pages, reports and emails.

A report page links every row to its force and its item, and
``reverse`` walks the URL patterns each time (about a third of a millisecond a row, 300 links a
page). An address depends only on the URL configuration, the script prefix and its arguments, so
each is worked out once per process and then remembered."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

if TYPE_CHECKING:
    from inspections.models import ForceImplementation

# Every item of every force at ten times today's data fits; the least recently used goes first.
REMEMBERED = 100_000


@lru_cache(maxsize=REMEMBERED)
def _address(urlconf: str, prefix: str, name: str, args: tuple[str, ...]) -> str:
    # ``prefix`` is part of the key: reverse() reads the same script prefix itself.
    return reverse(name, args=args, urlconf=urlconf)


# Where the read-only API lives (its own URLconf mounts it here): its answers are JSON.
API_PREFIX = "/api/"


def address(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, remembered."""
    return _address(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, args)


def absolute(path: str) -> str:
    """A path as a full address, for emails and anything read outside the service."""
    return f"{settings.TRACKER_BASE_URL}{path}"


def item_path(force_slug: str, inspection_slug: str, ref: str) -> str:
    """The address of a force's item page: where one finding is worked on."""
    return address("item", force_slug, inspection_slug, ref)


def item_url(implementation: ForceImplementation) -> str:
    """``item_path`` of an implementation (its force and finding already loaded, ideally)."""
    recommendation = implementation.recommendation
    return item_path(implementation.force.slug, recommendation.inspection.slug, recommendation.ref)
