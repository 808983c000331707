"""A row of an implementations table, read as plain values rather than model instances. A report
page shows up to 150 rows and an export tens of thousands; five model instances a row cost more
than the SQL. The screen's cells and the export's columns are both made from these rows.

Needs a queryset from ``queries.listed`` (its narrative, what it waits on and whether it needs
review) and, for ``flags``, one annotated ``with_overdue_flag`` and ``with_stale_flag``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from inspections.models import DependencyStatus, Recommendation, Status
from inspections.models.progress import waiting_on_list, waiting_on_titles
from inspections.models.reference import (
    finding_label,
    finding_ref,
    finding_reference,
    finding_reference_in_text,
    finding_short_words,
)
from inspections.reminders import item_path

FIELDS = (
    "force__name",
    "force__slug",
    "force__region__name",
    "recommendation__inspection__slug",
    "recommendation__inspection__title",
    "recommendation__inspection__short_title",
    "recommendation_id",
    "recommendation__kind",
    "recommendation__number",
    "due_date",
    "status",
    "needs_review",
    "target_date",
    "latest_update_on",
    "latest_narrative",
    "waiting_on_joined",
    "lead_officer",
)
# What the finding's short words are made from: read with a page's rows (a page has few), but
# once per finding for an export (``short_words_of``: a finding's text is long, and every force
# has a row for it).
WORDS = ("recommendation__short_title", "recommendation__text")
RECOMMENDATION_ID = FIELDS.index("recommendation_id")
FLAGS = ("is_overdue", "is_stale")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and an export
# makes tens of thousands of these.
@dataclass(slots=True)
class ItemRow:
    force_name: str
    force_slug: str
    region_name: str
    inspection_slug: str
    inspection_title: str
    inspection_name: str
    kind: str
    number: int
    due_date: datetime.date | None
    status: str
    needs_review: bool
    target_date: datetime.date | None
    latest_update_on: datetime.date | None
    latest_narrative: str
    waiting_on_joined: str | None
    lead_officer: str
    short_words: str
    # The finding's whole text, when read with ``words``.
    text: str = ""
    is_overdue: bool = False
    is_stale: bool = False

    @property
    def waiting_on(self) -> str:
        return waiting_on_titles(self.waiting_on_joined)

    @property
    def waiting_on_list(self) -> list[tuple[str, str]]:
        """(title, status in words) of each dependency it waits on."""
        return [
            (title, DependencyStatus(status).label)
            for title, status in waiting_on_list(self.waiting_on_joined)
        ]

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def reference(self) -> str:
        return finding_reference(self.kind, self.number)

    @property
    def label(self) -> str:
        return finding_label(self.kind, self.number, self.short_words)

    @property
    def reference_in_text(self) -> str:
        return finding_reference_in_text(self.kind, self.number)

    @property
    def item_url(self) -> str:
        return item_path(self.force_slug, self.inspection_slug, finding_ref(self.kind, self.number))

    @property
    def recommendation_url(self) -> str:
        return reverse(
            "recommendation", args=[self.inspection_slug, finding_ref(self.kind, self.number)]
        )


def values(queryset: QuerySet, *, flags: bool = False, words: bool = False) -> QuerySet:
    """The rows' one query (``make bench`` runs it raw as the page's and the export's limit).
    ``words`` reads what each finding's short words are made from with the rows."""
    return queryset.prefetch_related(None).values_list(
        *FIELDS, *(WORDS if words else ()), *(FLAGS if flags else ())
    )


def short_words_of(recommendations: QuerySet) -> dict[int, str]:
    """Each finding's short words, fetched once per finding rather than once per row."""
    return {
        pk: finding_short_words(short_title, text)
        for pk, short_title, text in Recommendation.objects.filter(
            pk__in=recommendations
        ).values_list("pk", "short_title", "text")
    }


def read(raw: Iterable[tuple], short_words: dict[int, str] | None = None) -> Iterator[ItemRow]:
    """Rows from ``values``: with ``words`` (``short_words`` None), or without, each finding's
    short words then looked up in ``short_words``."""
    known = {} if short_words is None else short_words
    fixed = len(FIELDS)
    text = ""
    for values_of_row in raw:
        recommendation_id = values_of_row[RECOMMENDATION_ID]
        rest = values_of_row[fixed:]
        if short_words is None:
            short_title, text, *flags = rest
            if recommendation_id not in known:
                known[recommendation_id] = finding_short_words(short_title, text)
        else:
            flags = list(rest)
        yield row_of(values_of_row[:fixed], known.get(recommendation_id, ""), text, flags)


def row_of(fixed: Sequence[Any], short_words: str, text: str, flags: list[bool]) -> ItemRow:
    (
        force_name,
        force_slug,
        region_name,
        inspection_slug,
        inspection_title,
        inspection_short_title,
        _recommendation_id,
        kind,
        number,
        due_date,
        status,
        needs_review,
        target_date,
        latest_update_on,
        latest_narrative,
        waiting_on_joined,
        lead_officer,
    ) = fixed
    return ItemRow(
        force_name,
        force_slug,
        region_name,
        inspection_slug,
        inspection_title,
        inspection_short_title or inspection_title,
        kind,
        number,
        due_date,
        status,
        needs_review,
        target_date,
        latest_update_on,
        latest_narrative or "",
        waiting_on_joined,
        lead_officer,
        short_words,
        text,
        *flags,
    )
