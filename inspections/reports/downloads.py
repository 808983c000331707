"""Exports of implementation tables straight from their query: one values() query for the rows
(and one for their findings' words), no model instance or template per row, so that a national
table of tens of thousands of rows goes out at the database's pace."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from inspections.exports import Field, Sheet
from inspections.models import FINDING_WORDS, ItemState, Source

from .queries import rows

# Rows fetched at a time (a server-side cursor on PostgreSQL): memory stays bounded by this,
# and fewer round trips than the default 2,000 took 25 % off a national export.
CHUNK = 10_000
STATE_LABELS = {state.value: state.label for state in ItemState}


@dataclass(frozen=True)
class Extra:
    """A column worked out from the due date (days overdue, days left)."""

    label: str
    from_due_date: Callable[[datetime.date], int]


SOURCE_LABELS = dict(Source.choices)


def state_label(state: str) -> str:
    """An item's state in words (``ItemState``), read from its kept column."""
    return STATE_LABELS[state]


def implementation_fields(extra: Extra | None, flags: bool = False) -> list[Field]:
    return [
        Field("Force", width=28),
        Field("Region", width=20),
        Field("Inspection", width=36),
        Field("Finding", width=18),
        Field("Number", "number", width=9),
        Field("Short title", width=40),
        Field("Deadline", "date"),
        Field("Falls due", "date"),
        *([Field(extra.label, "number")] if extra else []),
        Field("Status", width=26),
        *([Field("Overdue", width=9), Field("Stale", width=9)] if flags else []),
        Field("Force's target date", "date"),
        Field("Target after it falls due", width=12),
        Field("Latest update", "date"),
        Field("What the force last said", "long"),
        Field("Waiting on", "long"),
        Field("Lead officer", width=24),
        Field("Source", width=24),
    ]


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _rows(queryset: QuerySet[Any], extra: Extra | None, flags: bool) -> Iterator[Sequence[object]]:
    for row in rows.export_rows(queryset, flags=flags, chunk=CHUNK):
        due = row.due_date
        yield (
            row.force_name,
            row.region_name,
            row.inspection_name,
            FINDING_WORDS[row.kind][0],
            row.number,
            row.short_words,
            row.deadline_on,
            due,
            *([extra.from_due_date(due) if due else None] if extra else []),
            state_label(row.state),
            *((yes_no(row.is_overdue), yes_no(row.is_stale)) if flags else ()),
            row.target_date,
            yes_no(row.target_beyond_due),
            row.latest_update_on,
            row.latest_narrative,
            row.waiting_on,
            row.lead_officer,
            SOURCE_LABELS[row.inspection_source],
        )


def implementation_sheet(
    name: str, queryset: QuerySet[Any], extra: Extra | None = None, *, flags: bool = False
) -> Sheet:
    """``queryset`` is a report's (from ``queries.listed``): filtered, annotated and ordered;
    ``flags`` adds its overdue and stale flags, which it must have annotated."""

    class Rows:
        # Iterated once, when the file is written: a CSV of another table never queries.
        def __iter__(self) -> Iterator[Sequence[object]]:
            return _rows(queryset, extra, flags)

    return Sheet(name, implementation_fields(extra, flags), Rows())
