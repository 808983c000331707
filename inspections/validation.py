"""The rules a progress update or target-date change must satisfy. Forms call these to show
messages next to the right field; services call them again inside the transaction, so the
rules hold whatever the entry route (admin, import, command line)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable

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


def validate_progress_update(
    *,
    implementation: ForceImplementation,
    author: User,
    status: str,
    narrative: str,
    as_of: datetime.date | None,
    evidence_note: str = "",
    internal_note: str = "",
    evidence_files: Iterable[File] = (),
    dependencies: Iterable[Dependency] = (),
    today: datetime.date | None = None,
) -> None:
    """Raise a ValidationError keyed by field naming every broken rule at once."""
    today = today or clock.today()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if status not in Status.values:
        add("status", f"'{status}' is not a status. Choose one of: {', '.join(Status.labels)}.")
    if not (narrative or "").strip():
        add("narrative", "Write the narrative: it is what goes into the letter.")
    for name, value, limit in (
        ("narrative", narrative, NARRATIVE_MAX),
        ("evidence_note", evidence_note, NOTE_MAX),
        ("internal_note", internal_note, NOTE_MAX),
    ):
        for problem in text_problems(value or "", limit):
            add(name, problem)
    for upload in evidence_files:
        if file_problem := uploaded_file_problem(upload):
            add("evidence_files", file_problem)
    if as_of is None:
        add("as_of", "Give the date this update describes.")
    else:
        if as_of > today:
            add("as_of", f"The as-of date {as_of:%-d %B %Y} is in the future.")
        published = implementation.recommendation.inspection.published
        if as_of < published:
            add(
                "as_of",
                f"The as-of date {as_of:%-d %B %Y} is before the report was published "
                f"({published:%-d %B %Y}).",
            )

    if not permissions.can_record_update(author, implementation):
        add("__all__", f"You cannot record progress for {implementation.force.name}.")
    if implementation.status == Status.COMPLETE and not permissions.can_sign_off(
        author, implementation
    ):
        # A sign-off is the force lead's decision: only the force lead takes it back.
        add(
            "status",
            f"The force lead signed this off as complete: only the force lead of "
            f"{implementation.force.name} can reopen it.",
        )

    evidence = (evidence_note or "").strip()
    if status == Status.COMPLETE:
        if not permissions.can_sign_off(author, implementation):
            add(
                "status",
                "Only the force lead (chief constable) of "
                f"{implementation.force.name} can mark a recommendation complete.",
            )
        if not evidence:
            add("evidence_note", "Describe the evidence that shows this is complete.")
    elif status == Status.NOT_APPLICABLE and not evidence:
        add("evidence_note", "Say why this recommendation does not apply to the force.")

    named = list(dependencies)
    if status == Status.AWAITING_DEPENDENCY:
        if not named:
            add("dependencies", "Name at least one pending dependency this is waiting on.")
        for dependency in named:
            if dependency.status != DependencyStatus.PENDING:
                add(
                    "dependencies",
                    f"'{dependency.title}' is {dependency.get_status_display().lower()}, "
                    "so it cannot be what this is waiting on.",
                )
    elif named:
        add("dependencies", "Only an 'awaiting dependency' update names dependencies.")

    if errors:
        raise ValidationError(errors)


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
