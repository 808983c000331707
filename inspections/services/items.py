"""Writes about one force's items: progress updates (one, several, or the force lead's
review), target dates, agreed dates and the force's plan."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from inspections import clock, reminders
from inspections.history import record_author
from inspections.models import (
    Dependency,
    EvidenceFile,
    ForceImplementation,
    ProgressUpdate,
    Status,
    TargetDateRevision,
    User,
)
from inspections.text import normalise_newlines
from inspections.validation import (
    text_problems,
    validate_agreed_date,
    validate_progress_update,
    validate_target_date_change,
)


@transaction.atomic
def record_progress_update(
    *,
    implementation: ForceImplementation,
    author: User,
    status: str,
    narrative: str,
    as_of: datetime.date,
    evidence_note: str = "",
    internal_note: str = "",
    evidence_files: Sequence[File[bytes]] = (),
    dependencies: Iterable[Dependency] = (),
    today: datetime.date | None = None,
    returned: bool = False,
) -> ProgressUpdate:
    """Append an update, with its evidence files, and make the implementation's status that of
    its latest update. It never touches the target date: that has its own service. ``returned``
    only from the force lead's review (``review_implementation``)."""
    # Lock the implementation so two updates saved together cannot both compute its status
    # from a stale view of the other.
    implementation = (
        ForceImplementation.objects.select_for_update(of=("self",))
        .select_related("force", "recommendation__inspection")
        .get(pk=implementation.pk)
    )
    # Re-read: the caller's objects may be stale, and 'pending' must be true now.
    named = list(Dependency.objects.filter(pk__in=[d.pk for d in dependencies]))
    files = [upload for upload in evidence_files if upload]
    validate_progress_update(
        implementation=implementation,
        author=author,
        status=status,
        narrative=narrative,
        as_of=as_of,
        evidence_note=evidence_note,
        internal_note=internal_note,
        evidence_files=files,
        dependencies=named,
        today=today,
    )
    update = ProgressUpdate(
        implementation=implementation,
        author=author,
        status=status,
        narrative=normalise_newlines(narrative).strip(),
        as_of=as_of,
        evidence_note=normalise_newlines(evidence_note or "").strip(),
        internal_note=normalise_newlines(internal_note or "").strip(),
        returned=returned,
    )
    record_author(update, author)
    update.save()
    for upload in files:
        name = str(upload.name).rsplit("/", 1)[-1]
        stored = EvidenceFile(update=update, name=name, size=upload.size or 0)
        stored.file.save(name, upload, save=False)
        stored.save()
    if named:
        update.dependencies.set(named)
    refresh_current_status(implementation=implementation, changed_by=author)
    return update


def record_update_from(
    *, implementation: ForceImplementation, author: User, data: Mapping[str, Any]
) -> ProgressUpdate:
    """An update from the fields the update forms clean (the admin's and the item page's)."""
    return record_progress_update(
        implementation=implementation,
        author=author,
        status=data["status"],
        narrative=data["narrative"],
        as_of=data["as_of"],
        evidence_note=data.get("evidence_note", ""),
        internal_note=data.get("internal_note", ""),
        evidence_files=data.get("evidence_files") or [],
        dependencies=data.get("dependencies") or [],
    )


def refresh_current_status(*, implementation: ForceImplementation, changed_by: User) -> None:
    """The current status, latest update date and blockers all come from the latest update."""
    latest = implementation.updates.latest_first().prefetch_related("dependencies").first()
    status: str
    if latest is None:
        status, latest_on, blockers = Status.NOT_STARTED, None, []
    else:
        status, latest_on = latest.status, latest.as_of
        blockers = (
            list(latest.dependencies.all()) if latest.status == Status.AWAITING_DEPENDENCY else []
        )
    implementation.status = status
    implementation.latest_update_on = latest_on
    record_author(implementation, changed_by)
    implementation.save(update_fields=["status", "latest_update_on", "updated_at"])
    implementation.blocking_dependencies.set(blockers)
    ForceImplementation.objects.filter(pk=implementation.pk).refresh_kept()
    implementation.refresh_from_db(fields=["next_actor", "state", "due_date", "last_activity"])


@transaction.atomic
def agree_due_date(
    *,
    implementation: ForceImplementation,
    on: datetime.date,
    reason: str,
    agreed_by: User,
) -> ForceImplementation:
    """For a finding the report gave no deadline: the date the office agrees it falls due, with
    the reason (kept in the item's history). From then on it can be overdue, and more time can
    be asked for; the force's target date stays its own plan."""
    locked = ForceImplementation.objects.select_for_update().get(pk=implementation.pk)
    validate_agreed_date(implementation=locked, on=on, reason=reason, agreed_by=agreed_by)
    locked.agreed_due_date = on
    locked.agreed_due_reason = normalise_newlines(reason).strip()
    record_author(locked, agreed_by)
    locked.save(update_fields=["agreed_due_date", "agreed_due_reason", "updated_at"])
    ForceImplementation.objects.filter(pk=locked.pk).refresh_dates()
    locked.refresh_from_db(fields=["due_date"])
    return locked


@transaction.atomic
def set_target_date(
    *,
    implementation: ForceImplementation,
    new_date: datetime.date | None,
    reason: str,
    changed_by: User,
) -> TargetDateRevision | None:
    """Change the force's own target date, keeping the old one and the reason."""
    implementation = ForceImplementation.objects.select_for_update().get(pk=implementation.pk)
    if new_date == implementation.target_date:
        return None
    validate_target_date_change(implementation=implementation, new_date=new_date, reason=reason)
    revision = TargetDateRevision(
        implementation=implementation,
        previous_date=implementation.target_date,
        new_date=new_date,
        reason=normalise_newlines(reason or "").strip(),
        changed_by=changed_by,
    )
    record_author(revision, changed_by)
    revision.save()
    implementation.target_date = new_date
    record_author(implementation, changed_by)
    implementation.save(update_fields=["target_date", "updated_at"])
    return revision


LEAD_OFFICER_MAX = ForceImplementation._meta.get_field("lead_officer").max_length or 200


@dataclass(frozen=True)
class UpdateEntry:
    implementation: ForceImplementation
    status: str
    narrative: str


@transaction.atomic
def record_several_updates(
    *,
    author: User,
    entries: Sequence[UpdateEntry],
    as_of: datetime.date,
    today: datetime.date | None = None,
) -> list[ProgressUpdate]:
    """Several items' updates in one save: every one is checked first, and all are recorded or
    none. A ValidationError carries each failing item's messages under its implementation id."""
    problems: dict[str, list[str]] = {}
    for entry in entries:
        try:
            validate_progress_update(
                implementation=entry.implementation,
                author=author,
                status=entry.status,
                narrative=entry.narrative,
                as_of=as_of,
                today=today,
            )
        except ValidationError as error:
            problems[str(entry.implementation.pk)] = [
                message for messages in error.message_dict.values() for message in messages
            ]
    if problems:
        raise ValidationError(problems)
    return [
        record_progress_update(
            implementation=entry.implementation,
            author=author,
            status=entry.status,
            narrative=entry.narrative,
            as_of=as_of,
            today=today,
        )
        for entry in entries
    ]


@transaction.atomic
def review_implementation(
    *,
    implementation: ForceImplementation,
    reviewer: User,
    sign_off: bool,
    note: str,
    today: datetime.date | None = None,
) -> ProgressUpdate:
    """The force lead's decision on an item awaiting sign-off: sign it off as complete (the note
    is the evidence) or return it to PCC staff (the note is the comment, kept as an internal
    note). Either way the letter keeps the PCC's narrative, and PCC staff are emailed at once."""
    today = today or clock.today()
    locked = ForceImplementation.objects.select_for_update(of=("self",)).get(pk=implementation.pk)
    if locked.status != Status.IMPLEMENTED:
        raise ValidationError(
            {"decision": "This item is no longer awaiting sign-off: someone has updated it."}
        )
    latest = locked.updates.latest_first().first()
    narrative = latest.narrative if latest else ""
    if sign_off:
        update = record_progress_update(
            implementation=locked,
            author=reviewer,
            status=Status.COMPLETE,
            narrative=narrative,
            evidence_note=note,
            as_of=today,
            today=today,
        )
    else:
        if not (note or "").strip():
            raise ValidationError({"comment": "Say what needs to change."})
        update = record_progress_update(
            implementation=locked,
            author=reviewer,
            status=Status.IN_PROGRESS,
            narrative=narrative,
            internal_note=f"Returned by the force lead: {note.strip()}",
            returned=True,
            as_of=today,
            today=today,
        )
    topic = reminders.queue_review_notice(update=update, signed_off=sign_off, note=note)
    transaction.on_commit(lambda: reminders.send_outbox_soon.enqueue(about=topic))
    return update


STALE_EDIT_MESSAGE = (
    "Someone else changed this item while you were editing it. Reload the page to see "
    "their changes, then make yours again."
)


@transaction.atomic
def update_implementation_plan(
    *,
    implementation: ForceImplementation,
    lead_officer: str,
    target_date: datetime.date | None,
    target_date_reason: str,
    expected_version: int | None,
    changed_by: User,
) -> ForceImplementation:
    """Change the force's plan (lead officer, target date) for one implementation.

    Writes only the fields it changes: the status and latest-update date belong to
    record_progress_update, and saving a stale copy of them would contradict the latest update.
    """
    current = ForceImplementation.objects.select_for_update().get(pk=implementation.pk)
    if expected_version is not None and expected_version != current.version:
        raise ValidationError(STALE_EDIT_MESSAGE, code="stale")
    lead_officer = (lead_officer or "").strip()
    if problems := text_problems(lead_officer, LEAD_OFFICER_MAX):
        raise ValidationError({"lead_officer": problems})
    if lead_officer == current.lead_officer and target_date == current.target_date:
        return current
    if target_date != current.target_date:
        set_target_date(
            implementation=current,
            new_date=target_date,
            reason=target_date_reason,
            changed_by=changed_by,
        )
        current.refresh_from_db(fields=["target_date"])
    current.lead_officer = lead_officer
    current.version += 1
    record_author(current, changed_by)
    current.save(update_fields=["lead_officer", "version", "updated_at"])
    return current
