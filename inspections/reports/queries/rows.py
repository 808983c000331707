"""Rows of an implementations table, read as plain values rather than model instances: a report
page shows up to 150 rows and an export tens of thousands, and five model instances a row cost
more than the SQL. One list of columns (``FIELDS``) for the screen and the exports.

A page's rows (``page_rows``) carry what they wait on and their finding's words, read with the
rows (a page has few). An export's (``export_rows``) look both up once in bulk instead, so its one
big query stays plain: a subquery per row costs more than the lookups over tens of thousands.

Needs a queryset from ``queries.with_row_fields`` (its latest narrative, whether it needs
review, what it waits on) and, for ``flags``, one annotated ``with_overdue_flag`` and
``with_stale_flag``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from inspections.addresses import address, item_path
from inspections.models import (
    DependencyStatus,
    ForceImplementation,
    ItemState,
    Recommendation,
    Status,
)
from inspections.models.attention import waiting_on_list
from inspections.models.finding_words import FindingReferences, finding_label, finding_short_words

FIELDS = (
    "pk",
    "force__name",
    "force__slug",
    "force__region__name",
    "recommendation__inspection__slug",
    "recommendation__inspection__title",
    "recommendation__inspection__short_title",
    "recommendation__inspection__source",
    "recommendation_id",
    "recommendation__kind",
    "recommendation__number",
    "deadline_on",
    "due_date",
    "status",
    "state",
    "target_date",
    "target_beyond_due",
    "latest_update_on",
    "latest_narrative",
    "lead_officer",
)
# Read with a page's rows: what each waits on, and what its finding's words are made from.
PAGE_FIELDS = ("waiting_on_joined", "recommendation__short_title", "recommendation__text")
FLAGS = ("is_overdue", "is_stale")


# Not frozen: a frozen dataclass sets each field through object.__setattr__.
@dataclass(slots=True)
class ItemRow(FindingReferences):
    pk: int
    force_name: str
    force_slug: str
    region_name: str
    inspection_slug: str
    inspection_title: str
    inspection_short_title: str
    inspection_source: str
    recommendation_id: int
    kind: str
    number: int
    # The inspectorate's deadline as a date (none for a finding without one).
    deadline_on: datetime.date | None
    # When it falls due: after any approved extension, or the date the office agreed.
    due_date: datetime.date | None
    status: str
    # What every view calls its state (ItemState): the status, or 'dependency delivered: review'.
    state: str
    target_date: datetime.date | None
    target_beyond_due: bool
    latest_update_on: datetime.date | None
    latest_narrative: str | None
    lead_officer: str
    # (title, status) of each dependency it waits on, by title.
    waiting: list[tuple[str, str]] = field(default_factory=list)
    short_words: str = ""
    # The finding's whole text.
    text: str = ""
    is_overdue: bool = False
    is_stale: bool = False

    @property
    def inspection_name(self) -> str:
        return self.inspection_short_title or self.inspection_title

    @property
    def waiting_on(self) -> str:
        return "; ".join(title for title, _status in self.waiting)

    @property
    def waiting_on_list(self) -> list[tuple[str, str]]:
        """(title, status in words) of each dependency it waits on."""
        return [(title, DependencyStatus(status).label) for title, status in self.waiting]

    @property
    def status_label(self) -> str:
        return ItemState(self.state).label

    @property
    def label(self) -> str:
        return finding_label(self.kind, self.number, self.short_words)

    @property
    def item_url(self) -> str:
        return item_path(self.force_slug, self.inspection_slug, self.ref)

    @property
    def recommendation_url(self) -> str:
        return address("recommendation", self.inspection_slug, self.ref)


def values(queryset: QuerySet[Any], *, flags: bool = False, page: bool = False) -> QuerySet[Any]:
    """The rows' one query (``make bench`` runs an export's raw as its floor)."""
    return queryset.prefetch_related(None).values_list(
        *FIELDS, *(PAGE_FIELDS if page else ()), *(FLAGS if flags else ())
    )


def page_rows(
    queryset: QuerySet[Any], *, flags: bool = False, ids_first: bool = False
) -> list[ItemRow]:
    """One page's rows (``queryset`` sliced), everything each row shows read with it.
    ``ids_first``: the page's ids found first, in its order and on its own (for an order that
    needs no join: ``queries.overdue_order``), then its rows read by id."""
    if ids_first:
        ids = list(queryset.values_list("pk", flat=True))
        by_id = {
            row.pk: row for row in page_rows(unsliced(queryset).filter(pk__in=ids), flags=flags)
        }
        return [by_id[pk] for pk in ids]
    fixed = len(FIELDS)
    rows = []
    for raw in values(queryset, flags=flags, page=True):
        waiting_on_joined, short_title, text, *flagged = raw[fixed:]
        row = ItemRow(*raw[:fixed])
        row.waiting = waiting_on_list(waiting_on_joined)
        row.short_words = finding_short_words(short_title, text)
        row.text = text
        if flags:
            row.is_overdue, row.is_stale = flagged
        rows.append(row)
    return rows


def unsliced(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same rows without the page's slice and order (read by id, put in order after)."""
    whole = queryset.all()
    whole.query.clear_limits()
    whole.query.clear_ordering(force=True)
    return whole


def export_rows(queryset: QuerySet[Any], *, flags: bool, chunk: int) -> Iterator[ItemRow]:
    """Every row, streamed ``chunk`` at a time; what they wait on and their findings' words
    looked up once each (two more queries) rather than per row."""
    plain = queryset.prefetch_related(None)
    waiting: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    through = ForceImplementation.blocking_dependencies.through
    for implementation_id, title, status in (
        through.objects.filter(
            forceimplementation__in=plain.filter(status=Status.AWAITING_DEPENDENCY).values("pk")
        )
        .order_by("dependency__title")
        .values_list("forceimplementation_id", "dependency__title", "dependency__status")
    ):
        waiting[implementation_id].append((title, status))
    short_words = {
        pk: finding_short_words(short_title, text)
        for pk, short_title, text in Recommendation.objects.filter(
            pk__in=plain.values("recommendation_id")
        ).values_list("pk", "short_title", "text")
    }
    fixed = len(FIELDS)
    raw_rows: Iterable[tuple[Any, ...]] = values(queryset, flags=flags).iterator(chunk_size=chunk)
    for raw in raw_rows:
        row = ItemRow(*raw[:fixed])
        row.waiting = waiting.get(row.pk, [])
        row.short_words = short_words.get(row.recommendation_id, "")
        if flags:
            row.is_overdue, row.is_stale = raw[fixed:]
        yield row
