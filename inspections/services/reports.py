"""Writes about reports: inspections and their findings (drafts, publishing to forces), forces, and
the items every addressed force gets."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from inspections import reminders
from inspections.history import record_author
from inspections.models import (
    ActorTally,
    AddressedTo,
    DeadlineKind,
    FindingKind,
    Force,
    ForceImplementation,
    Inspection,
    Recommendation,
    Scope,
    Source,
    User,
)
from inspections.models.attention import ImplementationQuerySet
from inspections.reader import ReadFinding, Reading
from inspections.validation import (
    validate_addressees,
    validate_response_dates,
    validate_scope_change,
    work_recorded,
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
    publication date or its source's response clock moves, each addressed force's PCC staff are
    told the date the response is due, once the save commits."""
    if forces is not None:
        validate_addressees(
            inspection=inspection, addressed_to=inspection.addressed_to, forces=forces
        )
    validate_response_dates(inspection=inspection)
    previous = None if inspection._state.adding else Inspection.objects.get(pk=inspection.pk)
    before = previous.published if previous else None
    due_before = previous.response_due if previous else None
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
    if inspection.response_due is not None and inspection.response_due != due_before:
        topic = reminders.queue_response_due(inspection)
        transaction.on_commit(lambda: reminders.send_outbox_soon.enqueue(about=topic))
    return inspection


@transaction.atomic
def record_response_date(*, inspection: Inspection, given: datetime.date, by: User) -> Inspection:
    """A date the recommender gave for the response (the IOPC or a coroner extending its
    period, a committee setting one): the response clock moves to it, never a finding's date,
    and the force's people are told the new date (``save_inspection``)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    locked.response_given = given
    record_author(locked, by)
    return save_inspection(inspection=locked)


@transaction.atomic
def save_report(
    *,
    inspection: Inspection,
    forces: Collection[Force],
    findings: Sequence[Recommendation],
    removed: Sequence[Recommendation] = (),
    author: User,
) -> Inspection:
    """Keep a report and all its findings, as entered on one page: every finding checked
    (numbers unique within their kind, deadlines in the report's words, a recommendation under
    a cause of concern of the same report). ``findings`` may name their cause of concern by an
    unsaved finding of the same list.

    A draft stays a draft: nothing reaches forces until ``publish_to_forces``. A published
    report is corrected: each addressed force gets an item for a finding added, every force's
    copy of a changed deadline moves, and a finding is removed, or a force no longer addressed,
    only while no force has recorded work on it, so nothing a force recorded is lost."""
    validate_addressees(
        inspection=inspection, addressed_to=inspection.addressed_to, forces=list(forces)
    )
    published = not inspection.is_draft and bool(inspection.pk)
    record_author(inspection, author)
    save_inspection(inspection=inspection, forces=forces, draft=not published)
    # Causes of concern first, so that the recommendations under them can point at them.
    ordered = sorted(findings, key=lambda f: f.kind != FindingKind.CAUSE_OF_CONCERN)
    for finding in ordered:
        finding.inspection = inspection
        try:
            finding.full_clean()
        except ValidationError as error:
            raise ValidationError(f"{finding.reference}: {' '.join(error.messages)}") from error
        record_author(finding, author)
        if published:
            try:
                save_recommendation(recommendation=finding)
            except ValidationError as error:
                raise ValidationError(f"{finding.reference}: {' '.join(error.messages)}") from error
        else:
            finding.save()
    # Removed last: nothing saved above may still point at them.
    for finding in removed:
        if finding.pk and finding.inspection_id == inspection.pk:
            remove_finding(finding=finding)
    return inspection


def remove_finding(*, finding: Recommendation) -> None:
    """Remove a finding entered by mistake, with its forces' items while nothing is recorded
    against them."""
    items = ForceImplementation.objects.filter(recommendation=finding)
    if items.filter(work_recorded()).exists():
        raise ValidationError(
            f"{finding.reference}: forces have recorded work on it, so it cannot be removed. "
            "Correct its wording instead."
        )
    remove_implementations(implementations=items)
    finding.delete()


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
    transaction.on_commit(lambda: reminders.send_outbox_soon.enqueue(about=topic))
    inspection.released_at = locked.released_at
    return Force.objects.addressed_by(locked).count()


@transaction.atomic
def save_force(*, force: Force) -> Force:
    """Save a force; a new one gets an implementation of every local recommendation."""
    force.full_clean()
    force.save()
    sync_implementations(forces=[force])
    return force


# The reader's deadlines, as the model keeps them.
READ_DEADLINES = {
    "date": DeadlineKind.DATE,
    "immediate": DeadlineKind.IMMEDIATE,
    "within_months": DeadlineKind.WITHIN_MONTHS,
    "none": DeadlineKind.NONE,
}


def finding_from(read: ReadFinding) -> Recommendation:
    deadline = read.deadline
    kind = DeadlineKind.BY_MONTH if read.by_month else READ_DEADLINES[deadline["type"]]
    return Recommendation(
        kind=read.kind,
        number=read.number,
        scope=read.scope,
        addressee=read.addressee,
        deadline_kind=kind,
        deadline=datetime.date.fromisoformat(deadline["date"]) if "date" in deadline else None,
        deadline_months=deadline.get("months"),
        text=read.text,
        read_from=read.source,
        read_notes="\n".join(read.unsure),
    )


def save_read_report(
    *, reading: Reading, author: User, own_force: Force | None, today: datetime.date
) -> Inspection:
    """Keep a report read from its document as a draft, with every finding read, for checking
    on the entry page: nothing reaches a force until it is published. PCC staff import a report
    for their own force alone; otherwise a report naming one force in its title is addressed to
    it, and any other to every force (the check page shows which, and it can be changed)."""
    title = reading.title[:300] or "Report read from a document"
    # Who it is addressed to, by the forces it names: in whom it is sent to (a coroner's
    # report), else in its title; otherwise every force, which the check page shows.
    named_in = " ".join(reading.receivers).lower() or title.lower()
    named = [force for force in Force.objects.all() if force.name.lower() in named_in]
    if own_force is not None:
        addressed_to, forces = AddressedTo.CHOSEN_FORCES, [own_force]
    elif len(named) == 1 or (named and reading.receivers):
        addressed_to, forces = AddressedTo.CHOSEN_FORCES, named
    else:
        addressed_to, forces = AddressedTo.EVERY_FORCE, []
    inspection = Inspection(
        title=title,
        slug=unique_inspection_slug(title),
        published=reading.published or today,
        addressed_to=addressed_to,
        source=reading.source or Source.HMICFRS,
        inspectorate=reading.issued_by[:100],
        sent_on=reading.sent_on,
    )
    findings = [finding_from(read) for read in reading.findings]
    causes = {f.number: f for f in findings if f.kind == FindingKind.CAUSE_OF_CONCERN}
    for read, finding in zip(reading.findings, findings, strict=True):
        if read.parent is not None:
            finding.cause_of_concern = causes.get(read.parent)
    with transaction.atomic():
        return save_report(inspection=inspection, forces=forces, findings=findings, author=author)


def unique_inspection_slug(words: str) -> str:
    base = slugify(words)[:90] or "report"
    slug, n = base, 2
    while Inspection.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
