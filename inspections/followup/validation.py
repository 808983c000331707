"""The rules for local actions, extension requests and the inspectorate's closures. Forms call
these to put each message beside its field; services call them again inside the transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from inspections.models import (
    ActionStatus,
    ClosureAction,
    ExtensionRequest,
    ForceImplementation,
    InspectorateClosure,
    User,
)
from inspections.text import NOTE_MAX, REASON_MAX
from inspections.validation import text_problems as problems_of


def text_problems(field: str, value: str, limit: int) -> dict[str, str]:
    found = problems_of(value, limit)
    return {field: " ".join(found)} if found else {}


def validate_action(*, description: str, owner: str, status: str) -> None:
    problems: dict[str, str] = {}
    if not description.strip():
        problems["description"] = "Say what will be done."
    problems.update(text_problems("description", description, NOTE_MAX))
    if status not in ActionStatus.values:
        problems["status"] = "Choose where the action stands."
    elif status != ActionStatus.AWAITING_ALLOCATION and not owner.strip():
        problems["owner"] = "Give the owner: only an action awaiting allocation can be without one."
    if problems:
        raise ValidationError(problems)


def validate_extension_request(
    *,
    implementation: ForceImplementation,
    requested_date: datetime.date | None,
    reason: str,
    today: datetime.date,
) -> None:
    problems: dict[str, str] = {}
    if implementation.is_closed:
        problems["requested_date"] = "This item is closed: it needs no more time."
    elif requested_date is None:
        problems["requested_date"] = "Enter the date the force asks to finish by."
    else:
        due = implementation.due_date
        if due is not None and requested_date <= due:
            problems["requested_date"] = (
                f"The date must be after the current deadline, {due:%-d %B %Y}."
            )
        elif requested_date <= today:
            problems["requested_date"] = "The date must be in the future."
    if not reason.strip():
        problems["reason"] = "Say why more time is needed."
    problems.update(text_problems("reason", reason, REASON_MAX))
    if ExtensionRequest.objects.pending().filter(implementation=implementation).exists():
        problems["__all__"] = (
            "This item already has a request awaiting decision: it must be decided first."
        )
    if problems:
        raise ValidationError(problems)


def validate_decision(
    *, request: ExtensionRequest, decided_by: User, approve: bool, note: str
) -> None:
    problems: dict[str, str] = {}
    if not request.is_pending:
        problems["__all__"] = f"This request was already {request.get_state_display().lower()}."
    elif request.requested_by_id == decided_by.pk:
        problems["__all__"] = "Someone other than the person who asked must decide."
    if not approve and not note.strip():
        problems["note"] = "Say why the request is refused: the force will read it."
    problems.update(text_problems("note", note, REASON_MAX))
    if problems:
        raise ValidationError(problems)


def validate_closure(
    *,
    implementation: ForceImplementation,
    action: str,
    on: datetime.date | None,
    has_letter: bool,
    url: str,
    note: str,
    today: datetime.date,
) -> None:
    problems: dict[str, str] = {}
    latest = (
        InspectorateClosure.objects.filter(implementation=implementation)
        .order_by("-on", "-recorded_at", "-id")
        .first()
    )
    closed = latest is not None and latest.is_closed
    if action == ClosureAction.CLOSED and closed:
        problems["action"] = "HMICFRS has already closed this item: record a reopening first."
    elif action == ClosureAction.REOPENED and not closed:
        problems["action"] = "HMICFRS has not closed this item, so it cannot be reopened."
    elif action not in ClosureAction.values:
        problems["action"] = "Choose whether HMICFRS closed or reopened the item."
    if on is None:
        problems["on"] = "Enter the date of the inspectorate's letter."
    elif on > today:
        problems["on"] = "The letter's date cannot be in the future."
    elif latest is not None and on < latest.on:
        problems["on"] = (
            f"The last record is dated {latest.on:%-d %B %Y}: this one cannot be earlier."
        )
    if not has_letter and not url.strip():
        problems["letter"] = "Attach the inspectorate's letter or give the address it is at."
    problems.update(text_problems("note", note, NOTE_MAX))
    if problems:
        raise ValidationError(problems)
