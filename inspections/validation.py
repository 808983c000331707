"""The rules a progress update or target-date change must satisfy. Forms call these to show
messages next to the right field; services call them again inside the transaction, so the
rules hold whatever the entry route (admin, import, command line)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Q

from . import clock, permissions
from .models import (
    AddressedTo,
    Dependency,
    Force,
    ForceImplementation,
    Inspection,
    Recommendation,
    Scope,
    Status,
    User,
)
from .models.choices import DependencyStatus
from .text import (
    NARRATIVE_MAX,
    NOTE_MAX,
    REASON_MAX,
    control_character_problem,
    length_problem,
    uploaded_file_problem,
)

# No date the tracker records (an as-of, target, extension, meeting, letter or sent date) lies
# before this, or more than this many years after today: a typing slip ('9999', '1023').
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_YEARS_AHEAD = 10


def latest_date(today: datetime.date | None = None) -> datetime.date:
    today = today or clock.today()
    try:
        return today.replace(year=today.year + LATEST_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + LATEST_YEARS_AHEAD, day=28)


def date_range_problem(
    value: datetime.date | None, subject: str, today: datetime.date | None = None
) -> str:
    """What is wrong with a date that is too early or too far ahead to be meant ('' if none)."""
    if value is None:
        return ""
    if value < EARLIEST_DATE:
        return f"{subject.capitalize()} must be on or after {EARLIEST_DATE:%-d %B %Y}."
    latest = latest_date(today)
    if value > latest:
        return (
            f"{subject.capitalize()} must be no more than {LATEST_YEARS_AHEAD} years ahead "
            f"(by {latest:%-d %B %Y})."
        )
    return ""


# One broken rule: the field it belongs to, and what to do about it.
Problem = tuple[str, str]


@dataclass(frozen=True)
class UpdateDraft:
    """A progress update as someone proposes it, before any rule has passed."""

    implementation: ForceImplementation
    author: User
    status: str
    narrative: str
    as_of: datetime.date | None
    evidence_note: str
    internal_note: str
    evidence_files: list[File[bytes]]
    dependencies: list[Dependency]
    today: datetime.date


def validate_progress_update(
    *,
    implementation: ForceImplementation,
    author: User,
    status: str,
    narrative: str,
    as_of: datetime.date | None,
    evidence_note: str = "",
    internal_note: str = "",
    evidence_files: Iterable[File[bytes]] = (),
    dependencies: Iterable[Dependency] = (),
    today: datetime.date | None = None,
) -> None:
    """Raise a ValidationError keyed by field naming every broken rule at once."""
    draft = UpdateDraft(
        implementation=implementation,
        author=author,
        status=status,
        narrative=narrative or "",
        as_of=as_of,
        evidence_note=(evidence_note or "").strip(),
        internal_note=internal_note or "",
        evidence_files=list(evidence_files),
        dependencies=list(dependencies),
        today=today or clock.today(),
    )
    errors: dict[str, list[str]] = {}
    for rule in UPDATE_RULES:
        for field, message in rule(draft):
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def update_text_problems(draft: UpdateDraft) -> list[Problem]:
    problems: list[Problem] = []
    if draft.status not in Status.values:
        problems.append(
            (
                "status",
                f"'{draft.status}' is not a status. Choose one of: {', '.join(Status.labels)}.",
            )
        )
    if not draft.narrative.strip():
        problems.append(("narrative", "Write the narrative: it is what goes into the letter."))
    for name, value, limit in (
        ("narrative", draft.narrative, NARRATIVE_MAX),
        ("evidence_note", draft.evidence_note, NOTE_MAX),
        ("internal_note", draft.internal_note, NOTE_MAX),
    ):
        problems += [(name, problem) for problem in text_problems(value, limit)]
    problems += [
        ("evidence_files", problem)
        for upload in draft.evidence_files
        if (problem := uploaded_file_problem(upload))
    ]
    return problems


def update_date_problems(draft: UpdateDraft) -> list[Problem]:
    if draft.as_of is None:
        return [("as_of", "Give the date this update describes.")]
    problems: list[Problem] = []
    if draft.as_of > draft.today:
        problems.append(("as_of", f"The as-of date {draft.as_of:%-d %B %Y} is in the future."))
    published = draft.implementation.recommendation.inspection.published
    if draft.as_of < published:
        problems.append(
            (
                "as_of",
                f"The as-of date {draft.as_of:%-d %B %Y} is before the report was published "
                f"({published:%-d %B %Y}).",
            )
        )
    return problems


def update_author_problems(draft: UpdateDraft) -> list[Problem]:
    implementation, author = draft.implementation, draft.author
    force = implementation.force.name
    problems: list[Problem] = []
    if not permissions.can_record_update(author, implementation):
        problems.append(("__all__", f"You cannot record progress for {force}."))
    lead = permissions.can_sign_off(author, implementation)
    if implementation.status == Status.COMPLETE and not lead:
        # A sign-off is the force lead's decision: only the force lead takes it back.
        problems.append(
            (
                "status",
                f"The force lead signed this off as complete: only the force lead of {force} "
                "can reopen it.",
            )
        )
    if draft.status == Status.COMPLETE and not lead:
        problems.append(
            (
                "status",
                f"Only the force lead (chief constable) of {force} can mark a recommendation "
                "complete.",
            )
        )
    return problems


def update_evidence_problems(draft: UpdateDraft) -> list[Problem]:
    if draft.evidence_note:
        return []
    if draft.status == Status.COMPLETE:
        return [("evidence_note", "Describe the evidence that shows this is complete.")]
    if draft.status == Status.NOT_APPLICABLE:
        return [("evidence_note", "Say why this recommendation does not apply to the force.")]
    return []


def update_dependency_problems(draft: UpdateDraft) -> list[Problem]:
    if draft.status != Status.AWAITING_DEPENDENCY:
        if draft.dependencies:
            return [("dependencies", "Only an 'awaiting dependency' update names dependencies.")]
        return []
    if not draft.dependencies:
        return [("dependencies", "Name at least one pending dependency this is waiting on.")]
    return [
        (
            "dependencies",
            f"'{dependency.title}' is {dependency.get_status_display().lower()}, so it cannot "
            "be what this is waiting on.",
        )
        for dependency in draft.dependencies
        if dependency.status != DependencyStatus.PENDING
    ]


# Every rule of a progress update, each run on every update; their problems all reported at once.
UPDATE_RULES: tuple[Callable[[UpdateDraft], list[Problem]], ...] = (
    update_text_problems,
    update_date_problems,
    update_author_problems,
    update_evidence_problems,
    update_dependency_problems,
)


def text_problems(value: str, limit: int) -> list[str]:
    """What is wrong with a piece of free text, whatever route it came in by."""
    return [
        problem
        for problem in (control_character_problem(value), length_problem(value, limit))
        if problem
    ]


def validate_agreed_date(
    *, implementation: ForceImplementation, on: datetime.date | None, reason: str, agreed_by: User
) -> None:
    """The office agrees a date only for a finding the report gave no deadline, with a reason."""
    errors: dict[str, list[str]] = {}
    if not permissions.can_agree_due_date(agreed_by, implementation):
        errors.setdefault("__all__", []).append(
            f"Only {implementation.force.name}'s PCC staff agree the date a finding falls due."
        )
    if implementation.recommendation.deadline_on is not None:
        errors.setdefault("on", []).append(
            "The report gives this finding a deadline: ask for more time instead."
        )
    if on is None:
        errors.setdefault("on", []).append("Enter the date it falls due.")
    elif problem := date_range_problem(on, "the date it falls due"):
        errors.setdefault("on", []).append(problem)
    problems = text_problems(reason or "", REASON_MAX)
    if not (reason or "").strip():
        problems.append("Say why this date was agreed: the reason is kept.")
    if problems:
        errors["reason"] = problems
    if errors:
        raise ValidationError(errors)


def validate_target_date_change(
    *,
    implementation: ForceImplementation,
    new_date: datetime.date | None,
    reason: str,
) -> None:
    problems = text_problems(reason or "", REASON_MAX)
    if problems:
        raise ValidationError({"target_date_reason": problems})
    if problem := date_range_problem(new_date, "the target date"):
        raise ValidationError({"target_date": problem})
    previous = implementation.target_date
    if previous is not None and new_date != previous and not (reason or "").strip():
        raise ValidationError(
            {
                "target_date_reason": (
                    f"Say why the target date is changing from {previous:%-d %B %Y}: "
                    "the reason is kept with the original date."
                )
            }
        )
    due = implementation.due_date
    changed = new_date != implementation.target_date
    if changed and new_date and due and new_date > due and not (reason or "").strip():
        raise ValidationError(
            {
                "target_date_reason": (
                    f"The target date is after the date the item falls due "
                    f"({due:%-d %B %Y}): say why, or ask for more time instead."
                )
            }
        )


def work_recorded() -> Q:
    """An implementation someone has recorded something against: removing it would lose that."""
    return (
        Q(updates__isnull=False)
        | Q(target_date_revisions__isnull=False)
        | ~Q(lead_officer="")
        | Q(actions__isnull=False)
        | Q(extension_requests__isnull=False)
        | Q(closures__isnull=False)
    )


def validate_response_dates(*, inspection: Inspection) -> None:
    """The dates a report's response clock counts from, as its source's duty allows: a date
    given for the response only where the recommender may extend it or no period is laid down,
    and an extension never earlier than the period's own last day; a report is not sent before
    it is published."""
    duty = inspection.duty
    if inspection.sent_on and inspection.published and inspection.sent_on < inspection.published:
        raise ValidationError(
            {"sent_on": "The day it was sent cannot be before the day it was published."}
        )
    given = inspection.response_given
    if given is None:
        return
    if not duty.takes_a_given_date:
        raise ValidationError(
            {
                "response_given": f"No one may extend the {duty.name}: it is due "
                f"{duty.period_words} ({duty.law}). Leave the date empty."
            }
        )
    normal = duty.due(published=inspection.published, sent_on=inspection.sent_on)
    if normal is not None and given < normal:
        raise ValidationError(
            {
                "response_given": f"An extension cannot be earlier than the period's own last "
                f"day, {normal:%-d %B %Y}."
            }
        )


def validate_addressees(
    *, inspection: Inspection, addressed_to: str, forces: Collection[Force]
) -> None:
    """A report to chosen forces names at least one; a report to every force names none; and a
    force that has recorded work on the report stays addressed, so that work is not lost."""
    if addressed_to == AddressedTo.CHOSEN_FORCES and not forces:
        raise ValidationError({"forces": "Choose the forces the report is addressed to."})
    if addressed_to == AddressedTo.EVERY_FORCE and forces:
        raise ValidationError(
            {"forces": "Leave the forces empty for a report addressed to every force."}
        )
    if not inspection.pk or addressed_to == AddressedTo.EVERY_FORCE:
        return
    kept = {force.pk for force in forces}
    dropped = (
        Force.objects.filter(
            implementations__recommendation__inspection=inspection,
            implementations__in=ForceImplementation.objects.filter(work_recorded()),
        )
        .exclude(pk__in=kept)
        .distinct()
    )
    names = [force.name for force in dropped]
    if names:
        raise ValidationError(
            {
                "forces": f"{', '.join(names)} {'has' if len(names) == 1 else 'have'} recorded "
                "work on this report, so it must stay addressed to "
                f"{'it' if len(names) == 1 else 'them'}."
            }
        )


def validate_scope_change(*, recommendation: Recommendation, scope: str) -> None:
    """A local recommendation may become national only while no force has recorded anything
    against it: otherwise their work would be lost with its implementations."""
    if scope != Scope.NATIONAL or not recommendation.pk:
        return
    touched = ForceImplementation.objects.filter(recommendation_id=recommendation.pk).filter(
        work_recorded()
    )
    if touched.exists():
        raise ValidationError(
            {
                "scope": "Forces have recorded work on this recommendation, so it cannot become "
                "national: what they recorded would be lost."
            }
        )
