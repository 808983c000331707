"""Reads for letters, the s.55 response tracker and the chief constable's comments."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.urls import reverse

from inspections import permissions
from inspections.models import (
    ChiefConstableComments,
    Force,
    Inspection,
    LetterPurpose,
    LetterSentElsewhere,
    ProgressLetter,
    User,
    s55_state,
)


def visible_letters(user: User) -> QuerySet[ProgressLetter]:
    return permissions.scope_queryset(user, ProgressLetter.objects.all()).select_related(
        "force", "inspection", "issued_by", "created_by"
    )


def default_response_inspection(today: datetime.date) -> Inspection | None:
    """The latest real inspection whose s.55 deadline has passed, else the latest real one;
    a sample inspection only when there is nothing else."""
    latest_first = Inspection.objects.released().order_by("-published", "title")
    candidates = latest_first.real() if latest_first.real().exists() else latest_first
    # Each report's due date is its source's duty's (``response_due``): read, not restated in
    # SQL. Latest first, the first whose date has passed is usually among the first few.
    for inspection in candidates.iterator(chunk_size=20):
        due = inspection.response_due
        if due is not None and due < today:
            return inspection
    return candidates.first()


@dataclass
class Response:
    force: Force
    due: datetime.date
    issued_on: datetime.date | None
    # The first letter sent: issued here, or recorded as sent elsewhere.
    letter_url: str
    state: str
    words: str


def first_sent(
    issued: tuple[datetime.date | None, object], elsewhere: tuple[datetime.date | None, object]
) -> tuple[datetime.date | None, str]:
    """The earlier of a force's first issued letter and its first letter sent elsewhere."""
    candidates = [
        (on, reverse(name, args=[uuid]))
        for (on, uuid), name in ((issued, "letter"), (elsewhere, "letter-elsewhere"))
        if on is not None
    ]
    return min(candidates, key=lambda pair: pair[0]) if candidates else (None, "")


def sent_responses(
    force: Force | OuterRef, inspection: Inspection | OuterRef
) -> tuple[QuerySet[ProgressLetter], QuerySet[LetterSentElsewhere]]:
    """What counts as a force's s.55 response to a report: its issued letters, and the letters
    it recorded as sent elsewhere that were not withdrawn, whose purpose is the response
    (progress letters never count). The earliest of them is the response. The one definition."""
    return (
        ProgressLetter.objects.issued().filter(
            force=force, inspection=inspection, purpose=LetterPurpose.RESPONSE
        ),
        LetterSentElsewhere.objects.current().filter(
            force=force, inspection=inspection, purpose=LetterPurpose.RESPONSE
        ),
    )


def response_letter(
    force: Force, inspection: Inspection
) -> ProgressLetter | LetterSentElsewhere | None:
    """The letter that is the force's s.55 response to a report: the earliest sent whose
    purpose is the response (``sent_responses``), or None."""
    issued, elsewhere = sent_responses(force, inspection)
    candidates: list[tuple[datetime.date, ProgressLetter | LetterSentElsewhere]] = [
        (letter.issued_on, letter)
        for letter in issued.order_by("issued_on", "issued_at")[:1]
        if letter.issued_on is not None
    ]
    candidates += [
        (sent.sent_on, sent) for sent in elsewhere.order_by("sent_on", "recorded_at")[:1]
    ]
    return min(candidates, key=lambda pair: pair[0])[1] if candidates else None


def latest_letter_sent_on(force: Force, inspection: Inspection) -> datetime.date | None:
    """The date of the latest letter sent on a report, of either purpose (issued here, or
    recorded as sent elsewhere and not withdrawn): what a progress letter reports since."""
    dates = [
        ProgressLetter.objects.issued()
        .filter(force=force, inspection=inspection)
        .aggregate(on=Max("issued_on"))["on"],
        LetterSentElsewhere.objects.current()
        .filter(force=force, inspection=inspection)
        .aggregate(on=Max("sent_on"))["on"],
    ]
    return max((on for on in dates if on is not None), default=None)


def responses(user: User, inspection: Inspection, today: datetime.date) -> list[Response]:
    """Each visible force's first letter on a report addressed to it (issued here or sent
    elsewhere): on time, late or not yet."""
    issued, elsewhere = sent_responses(OuterRef("pk"), inspection)
    first_issued = issued.order_by("issued_on", "issued_at")
    first_elsewhere = elsewhere.order_by("sent_on", "recorded_at")
    # Each force with the dates of its first response, as annotations.
    forces: QuerySet[Any] = (
        permissions.scope_queryset(user, Force.objects.addressed_by(inspection))
        .select_related("region")
        .annotate(
            first_issued_on=Subquery(first_issued.values("issued_on")[:1]),
            first_letter=Subquery(first_issued.values("uuid")[:1]),
            first_elsewhere_on=Subquery(first_elsewhere.values("sent_on")[:1]),
            first_elsewhere=Subquery(first_elsewhere.values("uuid")[:1]),
        )
        .order_by("region__name", "name")
    )
    due = inspection.response_due
    if due is None:  # an inspection not yet saved with its publication date
        return []
    result = []
    for force in forces:
        sent_on, url = first_sent(
            (force.first_issued_on, force.first_letter),
            (force.first_elsewhere_on, force.first_elsewhere),
        )
        state, words = s55_state(sent_on, due, today)
        result.append(Response(force, due, sent_on, url, state, words))
    return result


def response_counts(rows: list[Response]) -> Counter[str]:
    return Counter(row.state for row in rows)


# The points at which a force or office that has not responded is reminded, in days from the
# response's due date (``Inspection.response_due``, from its source's duty).
REMINDER_MARKS = {"28_days_left": -28, "7_days_left": -7, "late": 1}


@dataclass
class ResponseReminder:
    inspection: Inspection
    due: datetime.date
    kind: str

    @property
    def label(self) -> str:
        """The report's title, and which response it is where it is not the s.55 one."""
        report = self.inspection
        return f"{report.title} ({report.duty.name})" if report.duty.named else report.title

    @property
    def words(self) -> str:
        if self.kind == "late":
            return f"not yet sent: it was due by {self.due:%-d %B %Y}"
        days = 28 if self.kind == "28_days_left" else 7
        return f"due by {self.due:%-d %B %Y}, in {days} days"


def response_reminders(
    force: Force, today: datetime.date, since: datetime.date
) -> list[ResponseReminder]:
    """Each inspection whose 28-days-left, 7-days-left or late mark falls in (since, today] and
    to which the force has sent nothing (issued here or recorded as sent elsewhere)."""
    answered, sent_elsewhere = sent_responses(force, OuterRef("pk"))
    inspections = (
        Inspection.objects.addressed_to(force)
        .filter(is_sample=False, published__lte=today)
        .exclude(Exists(answered))
        .exclude(Exists(sent_elsewhere))
        .order_by("published", "title")
    )
    reminders = []
    for inspection in inspections:
        due = inspection.response_due
        if due is None:
            continue
        for kind, offset in REMINDER_MARKS.items():
            if since < due + datetime.timedelta(days=offset) <= today:
                reminders.append(ResponseReminder(inspection, due, kind))
    return reminders


def chief_comments_on(force_id: int, inspection_id: int) -> ChiefConstableComments | None:
    """The chief constable's comments on one report of the force, if the office recorded them."""
    return ChiefConstableComments.objects.filter(
        force_id=force_id, inspection_id=inspection_id
    ).first()


def chief_comments_received(
    force: Force, reports: Iterable[Inspection] | None = None
) -> dict[int, datetime.date]:
    """When the chief constable's comments on each report (or on these reports) reached the
    office, by report."""
    received = ChiefConstableComments.objects.filter(force=force)
    if reports is not None:
        received = received.filter(inspection__in=[report.pk for report in reports])
    return dict(received.values_list("inspection_id", "received_on"))
