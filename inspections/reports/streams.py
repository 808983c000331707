"""Exports of implementation tables straight from their query: one values() query for the rows
(and one for what the waiting items wait on), no model instance or template per row, so that a
national table of tens of thousands of rows goes out at the database's pace."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from inspections.models import FINDING_WORDS, ForceImplementation, Recommendation, Status
from inspections.models.progress import Attention

from .exports import Field, Sheet

NEEDS_REVIEW_LABEL = "Dependency delivered: review"
# Rows fetched at a time (a server-side cursor on PostgreSQL): memory stays bounded by this,
# and fewer round trips than the default 2,000 took 25 % off a national export.
CHUNK = 10_000
STATUS_LABELS = {status.value: status.label for status in Status}


@dataclass(frozen=True)
class Extra:
    """A column worked out from the due date (days overdue, days left)."""

    label: str
    from_due_date: Callable[[datetime.date], int]


def status_label(status: str, needs_review: bool) -> str:
    """An item whose dependencies were all delivered is the force's to review: never shown as
    still awaiting."""
    return NEEDS_REVIEW_LABEL if needs_review else STATUS_LABELS[status]


def implementation_fields(extra: Extra | None, flags: bool = False) -> list[Field]:
    return [
        Field("Force", width=28),
        Field("Region", width=20),
        Field("Inspection", width=36),
        Field("Finding", width=18),
        Field("Number", "number", width=9),
        Field("Short title", width=40),
        Field("Deadline", "date"),
        *([Field(extra.label, "number")] if extra else []),
        Field("Status", width=26),
        *([Field("Overdue", width=9), Field("Stale", width=9)] if flags else []),
        Field("Force's target date", "date"),
        Field("Latest update", "date"),
        Field("What the force last said", "long"),
        Field("Waiting on", "long"),
        Field("Lead officer", width=24),
    ]


COLUMNS = (
    "pk",
    "force__name",
    "force__region__name",
    "recommendation__inspection__short_title",
    "recommendation__inspection__title",
    "recommendation__kind",
    "recommendation__number",
    "recommendation_id",
    "due_date",
    "status",
    "export_needs_review",
    "target_date",
    "latest_update_on",
    "latest_narrative",
    "lead_officer",
)
# Annotated by ``with_overdue_flag`` and ``with_stale_flag``, where a report shows them.
FLAGS = ("is_overdue", "is_stale")


def plain(queryset: QuerySet) -> QuerySet:
    annotated: QuerySet = queryset.prefetch_related(None).annotate(
        export_needs_review=Attention.needs_review_flag()
    )
    return annotated


def values(queryset: QuerySet, flags: bool = False) -> QuerySet:
    """The rows' one query (``make bench`` runs it raw to set the export's limit)."""
    return plain(queryset).values_list(*COLUMNS, *FLAGS[: 2 if flags else 0])


def _rows(queryset: QuerySet, extra: Extra | None, flags: bool) -> Iterator[Sequence[object]]:
    plain_rows = plain(queryset)
    waiting = plain_rows.filter(status=Status.AWAITING_DEPENDENCY).values("pk")
    waits: dict[int, list[str]] = defaultdict(list)
    through = ForceImplementation.blocking_dependencies.through
    for implementation_id, title in (
        through.objects.filter(forceimplementation__in=waiting)
        .order_by("dependency__title")
        .values_list("forceimplementation_id", "dependency__title")
    ):
        waits[implementation_id].append(title)
    titles = {
        rec.pk: rec.short_words
        for rec in Recommendation.objects.filter(
            pk__in=plain_rows.values("recommendation_id")
        ).only("pk", "short_title", "text")
    }
    for (
        pk,
        force,
        region,
        inspection_short,
        inspection_title,
        kind,
        number,
        recommendation_id,
        due,
        status,
        review,
        target,
        latest,
        narrative,
        lead,
        *flagged,
    ) in values(queryset, flags).iterator(chunk_size=CHUNK):
        yield (
            force,
            region,
            inspection_short or inspection_title,
            FINDING_WORDS[kind][0],
            number,
            titles.get(recommendation_id, ""),
            due,
            *([extra.from_due_date(due) if due else None] if extra else []),
            status_label(status, review),
            *("Yes" if flag else "No" for flag in flagged),
            target,
            latest,
            narrative,
            "; ".join(waits.get(pk, ())),
            lead,
        )


def implementation_sheet(
    name: str, queryset: QuerySet, extra: Extra | None = None, *, flags: bool = False
) -> Sheet:
    """``queryset`` is a report's (from ``queries.listed``): filtered, annotated and ordered;
    ``flags`` adds its overdue and stale flags, which it must have annotated."""

    class Rows:
        # Iterated once, when the file is written: a CSV of another table never queries.
        def __iter__(self) -> Iterator[Sequence[object]]:
            return _rows(queryset, extra, flags)

    return Sheet(name, implementation_fields(extra, flags), Rows())
