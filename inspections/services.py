"""Writes that touch several models. Each runs in one transaction and re-checks the domain
rules, whichever route (admin, import, command) the data came in by."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import clock, reminders
from .history import record_author
from .models import (
    ActorTally,
    AddressedTo,
    DeadlineKind,
    Dependency,
    DependencyStatus,
    EvidenceFile,
    FindingKind,
    Force,
    ForceImplementation,
    Inspection,
    ProgressUpdate,
    Recommendation,
    Scope,
    Status,
    TargetDateRevision,
    User,
)
from .models.attention import ImplementationQuerySet
from .text import REASON_MAX, normalise_newlines
from .validation import (
    text_problems,
    validate_addressees,
    validate_agreed_date,
    validate_progress_update,
    validate_scope_change,
    validate_target_date_change,
)


@transaction.atomic
def sync_implementations(
    *,
    recommendations: Iterable[Recommendation] | None = None,
    forces: Iterable[Force] | None = None,
) -> int:
    """Make sure every force has one implementation of every local recommendation.

    Limited to the given recommendations or forces when passed, so that adding one force or one
    recommendation touches only its own rows. Returns how many implementations were created.
    """
    # A draft report has no items until it is published to forces.
    rec_qs = (
        Recommendation.objects.local()
        .filter(inspection__released_at__isnull=False)
        .select_related("inspection")
    )
    force_qs = Force.objects.all()
    if recommendations is not None:
        rec_qs = rec_qs.filter(pk__in=[r.pk for r in recommendations])
    if forces is not None:
        force_qs = force_qs.filter(pk__in=[f.pk for f in forces])
    recs = list(rec_qs)
    force_ids = list(force_qs.values_list("pk", flat=True))
    # Each report's own forces: every force, or the ones it is addressed to.
    addressed: dict[int, list[int]] = {}
    for inspection in {rec.inspection for rec in recs}:
        if inspection.addressed_to == AddressedTo.EVERY_FORCE:
            addressed[inspection.pk] = force_ids
        else:
            named = set(inspection.forces.values_list("pk", flat=True))
            addressed[inspection.pk] = [pk for pk in force_ids if pk in named]
    existing = set(
        ForceImplementation.objects.filter(
            recommendation_id__in=[rec.pk for rec in recs], force_id__in=force_ids
        ).values_list("force_id", "recommendation_id")
    )
    missing = [
        ForceImplementation(
            force_id=force_id,
            recommendation_id=rec.pk,
            due_date=rec.deadline_on,
            last_activity=rec.inspection.published,
        )
        for rec in recs
        for force_id in addressed[rec.inspection_id]
        if (force_id, rec.pk) not in existing
    ]
    if missing:
        bulk_create_with_history(missing, ForceImplementation, batch_size=500)
        ActorTally.objects.refresh(item.force_id for item in missing)
    return len(missing)


def remove_implementations(*, implementations: ImplementationQuerySet) -> None:
    """Delete items nothing was recorded against (the callers check), and count their forces'
    items again."""
    forces = set(implementations.values_list("force_id", flat=True))
    for implementation in implementations:
        implementation.delete()
    ActorTally.objects.refresh(forces)


@transaction.atomic
def save_recommendation(*, recommendation: Recommendation) -> Recommendation:
    """Save a recommendation and keep its implementations in step with its scope.

    A local recommendation gets one implementation per force. Making it national removes the
    implementations only while no force has recorded anything against them; otherwise it is
    refused, because that would lose the forces' updates.
    """
    recommendation.full_clean()
    if recommendation.pk and recommendation.scope == Scope.NATIONAL:
        validate_scope_change(recommendation=recommendation, scope=recommendation.scope)
        # Nothing was recorded against them (checked above), so nothing is lost.
        remove_implementations(
            implementations=ForceImplementation.objects.filter(recommendation=recommendation)
        )
    recommendation.save()
    if recommendation.scope == Scope.LOCAL:
        sync_implementations(recommendations=[recommendation])
        # The deadline may have moved: every force's copy of it moves too.
        ForceImplementation.objects.filter(recommendation=recommendation).refresh_dates()
    return recommendation


@transaction.atomic
def save_inspection(
    *, inspection: Inspection, forces: Collection[Force] | None = None, draft: bool = False
) -> Inspection:
    """Save a report, and who it is addressed to when ``forces`` is given: each addressed force
    gets an implementation of every local finding, and a force no longer addressed loses its
    implementations (refused if it recorded work on them). When the report is new, or its
    publication date (and so its s.55 date) moves, each addressed force's PCC staff are told the
    date their response is due, once the save commits."""
    if forces is not None:
        validate_addressees(
            inspection=inspection, addressed_to=inspection.addressed_to, forces=forces
        )
    before = (
        None
        if inspection._state.adding
        else Inspection.objects.filter(pk=inspection.pk).values_list("published", flat=True).first()
    )
    if inspection._state.adding and not draft:
        inspection.released_at = timezone.now()
    inspection.save()
    if inspection.is_draft:
        # Entered, not yet published to forces: no items, no notices (publish_to_forces).
        if forces is not None:
            inspection.forces.set(forces)
        return inspection
    if forces is not None:
        inspection.forces.set(forces)
        addressed = Force.objects.addressed_by(inspection)
        # validate_addressees made sure nothing was recorded against these.
        remove_implementations(
            implementations=ForceImplementation.objects.filter(
                recommendation__inspection=inspection
            ).exclude(force__in=addressed)
        )
        sync_implementations(recommendations=inspection.recommendations.all())
    if before is not None and inspection.published != before:
        # 'With immediate effect' falls due on publication day and 'within N months' is counted
        # from it: those deadlines, and every force's copy of them, move with it.
        for finding in inspection.recommendations.filter(deadline_kind=DeadlineKind.WITHIN_MONTHS):
            finding.resolve_deadline()
            finding.save(update_fields=["deadline"])
        ForceImplementation.objects.filter(recommendation__inspection=inspection).refresh_dates()
    if inspection.published is not None and inspection.published != before:
        topic = reminders.queue_response_due(inspection)
        transaction.on_commit(lambda: reminders.send_outbox(about=topic))
    return inspection


@transaction.atomic
def save_draft_report(
    *,
    inspection: Inspection,
    forces: Collection[Force],
    findings: Sequence[Recommendation],
    removed: Sequence[Recommendation] = (),
    author: User,
) -> Inspection:
    """Keep a report being entered, with all its findings, as a draft: every finding checked
    (numbers unique within their kind, deadlines in the report's words, a recommendation under
    a cause of concern of the same report), nothing released to forces. ``findings`` may name
    their cause of concern by an unsaved finding of the same list."""
    if not inspection.is_draft and inspection.pk:
        raise ValidationError("This report has been published to forces: change it in the admin.")
    validate_addressees(
        inspection=inspection, addressed_to=inspection.addressed_to, forces=list(forces)
    )
    record_author(inspection, author)
    save_inspection(inspection=inspection, forces=forces, draft=True)
    # Causes of concern first, so that the recommendations under them can point at them.
    ordered = sorted(findings, key=lambda f: f.kind != FindingKind.CAUSE_OF_CONCERN)
    for finding in ordered:
        finding.inspection = inspection
        try:
            finding.full_clean()
        except ValidationError as error:
            raise ValidationError(f"{finding.reference}: {' '.join(error.messages)}") from error
        record_author(finding, author)
        finding.save()
    # Removed last: nothing saved above may still point at them.
    for finding in removed:
        if finding.pk and finding.inspection_id == inspection.pk:
            finding.delete()
    return inspection


@transaction.atomic
def publish_to_forces(*, inspection: Inspection, by: User) -> int:
    """Release a draft report: each addressed force gets an item for every local finding, and
    its PCC staff are told the date their s.55 response is due. Returns the forces told."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not locked.is_draft:
        raise ValidationError("This report has already been published to forces.")
    if not locked.recommendations.exists():
        raise ValidationError("Add the report's findings before publishing it to forces.")
    locked.released_at = timezone.now()
    record_author(locked, by)
    locked.save(update_fields=["released_at"])
    sync_implementations(recommendations=locked.recommendations.all())
    topic = reminders.queue_response_due(locked)
    transaction.on_commit(lambda: reminders.send_outbox(about=topic))
    inspection.released_at = locked.released_at
    return Force.objects.addressed_by(locked).count()


@transaction.atomic
def save_force(*, force: Force) -> Force:
    """Save a force; a new one gets an implementation of every local recommendation."""
    force.full_clean()
    force.save()
    sync_implementations(forces=[force])
    return force


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
    evidence_files: Sequence[File] = (),
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
    transaction.on_commit(lambda: reminders.send_outbox(about=topic))
    return update


STALE_EDIT_MESSAGE = (
    "Someone else changed this implementation while you were editing it. Reload the page to see "
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


@transaction.atomic
def delete_dependencies(*, dependencies: Iterable[Dependency]) -> None:
    """Delete dependencies (the admin's delete): items that waited on them wait on them no
    longer, so who must act next on those items is worked out again."""
    ids = [dependency.pk for dependency in dependencies]
    waiting = list(
        ForceImplementation.objects.filter(blocking_dependencies__in=ids)
        .values_list("pk", flat=True)
        .distinct()
    )
    for dependency in Dependency.objects.filter(pk__in=ids):
        dependency.delete()
    ForceImplementation.objects.filter(pk__in=waiting).refresh_next_actors()


@transaction.atomic
def correct_dependency_status(
    *,
    dependency: Dependency,
    status: str,
    on: datetime.date | None,
    reason: str,
    changed_by: User,
) -> list[ForceImplementation]:
    """Put right a delivery or withdrawal recorded by mistake (or a status that should have
    been recorded): the reason is kept in the dependency's history, and every item that names
    it comes back to the state that follows (awaiting it again, or needing review). Returns the
    items whose state changed."""
    if status not in DependencyStatus.values:
        raise ValidationError({"status": "Choose pending, delivered or withdrawn."})
    problems = text_problems(reason or "", REASON_MAX)
    if not (reason or "").strip():
        problems.append("Say why the status is being corrected: the reason is kept.")
    if problems:
        raise ValidationError({"reason": problems})
    dependency = Dependency.objects.select_for_update().get(pk=dependency.pk)
    if status == dependency.status:
        now = dependency.get_status_display().lower()
        raise ValidationError({"status": f"'{dependency.title}' is already {now}."})
    if status != DependencyStatus.PENDING and on is None:
        raise ValidationError({"on": "Give the date it was delivered or withdrawn."})
    dependency.status = status
    dependency.delivered_date = None if status == DependencyStatus.PENDING else on
    dependency.full_clean()
    record_author(dependency, changed_by)
    dependency._change_reason = f"Status corrected: {reason.strip()}"  # type: ignore[attr-defined]
    dependency.save()
    naming = ForceImplementation.objects.filter(blocking_dependencies=dependency).distinct()
    before = dict(naming.values_list("pk", "state"))
    ForceImplementation.objects.filter(pk__in=list(before)).refresh_next_actors()
    return [
        item
        for item in ForceImplementation.objects.filter(pk__in=list(before)).select_related(
            "force", "recommendation__inspection"
        )
        if item.state != before[item.pk]
    ]


@transaction.atomic
def close_dependency(
    *,
    dependency: Dependency,
    status: str,
    on: datetime.date,
    url: str = "",
    changed_by: User,
) -> list[ForceImplementation]:
    """Record that national or regional work was delivered (or withdrawn).

    Implementations waiting only on it become 'needs review' at once by definition (the state is
    derived from the dependencies' statuses). Their forces are emailed once the change commits.
    Returns the implementations that moved into needs review.
    """
    if status not in (DependencyStatus.DELIVERED, DependencyStatus.WITHDRAWN):
        raise ValidationError({"status": "Choose delivered or withdrawn."})
    dependency = Dependency.objects.select_for_update().get(pk=dependency.pk)
    if not dependency.is_pending:
        raise ValidationError(
            {
                "status": f"'{dependency.title}' is already "
                f"{dependency.get_status_display().lower()}."
            }
        )
    dependency.status = status
    dependency.delivered_date = on
    if url:
        dependency.url = url
    dependency.full_clean()
    waiting = set(
        ForceImplementation.objects.filter(blocking_dependencies=dependency)
        .awaiting_dependency()
        .values_list("pk", flat=True)
    )
    record_author(dependency, changed_by)
    dependency.save()
    # Those waiting on nothing else pending are the force's own again.
    ForceImplementation.objects.filter(pk__in=waiting).refresh_next_actors()
    moved = list(
        ForceImplementation.objects.filter(pk__in=waiting)
        .needs_review()
        .select_related("force", "recommendation__inspection")
    )
    # The notices are saved with the change; if the mail server is down they wait for the next
    # send_reminders run instead of being lost.
    reminders.queue_dependency_closed(dependency, moved)
    topic = reminders.dependency_topic(dependency)
    transaction.on_commit(lambda: reminders.send_outbox(about=topic))
    return moved
