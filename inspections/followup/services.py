"""Writes for local actions, extension requests and the inspectorate's closures. Each runs in
one transaction and re-checks its rules, whichever screen the data came from."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from inspections import clock, services
from inspections.history import record_author
from inspections.models import (
    ActionTally,
    ExtensionRequest,
    ExtensionState,
    ForceImplementation,
    InspectorateClosure,
    LocalAction,
    User,
)
from inspections.text import REASON_MAX, normalise_newlines

from .validation import (
    validate_action,
    validate_closure,
    validate_decision,
    validate_extension_request,
)


class StaleEditError(Exception):
    """Someone else saved the record since this form was opened."""


def tidy(text: str) -> str:
    return normalise_newlines(text or "").strip()


@transaction.atomic
def save_local_action(
    *,
    implementation: ForceImplementation,
    by: User,
    description: str,
    owner: str,
    due_date: datetime.date | None,
    status: str,
    action: LocalAction | None = None,
    version: int | None = None,
) -> LocalAction:
    """Add an action to a finding, or change one. A change names the version it was made from;
    if someone saved in between, nothing is written and StaleEditError says so."""
    validate_action(description=description, owner=owner, status=status)
    if action is None:
        action = LocalAction(
            implementation=implementation, force_id=implementation.force_id, created_by=by
        )
    else:
        action = LocalAction.objects.select_for_update().get(
            pk=action.pk, implementation=implementation
        )
        if version is not None and version != action.version:
            raise StaleEditError(
                "Someone else changed this action while you were editing it. Your changes "
                "were not saved: reload the page to see theirs, then make yours again."
            )
        action.version += 1
    action.description = tidy(description)
    action.owner = owner.strip()
    action.due_date = due_date
    action.status = status
    record_author(action, by)
    action.full_clean(exclude=["implementation", "created_by"])
    action.save()
    ActionTally.objects.refresh([action.force_id])
    return action


@transaction.atomic
def request_extension(
    *,
    implementation: ForceImplementation,
    by: User,
    requested_date: datetime.date,
    reason: str,
) -> ExtensionRequest:
    """A force asks to finish later than the item's deadline. The deadline as it stood is kept
    on the request, so it is never lost, whatever is decided."""
    locked = ForceImplementation.objects.select_for_update().get(pk=implementation.pk)
    validate_extension_request(
        implementation=locked, requested_date=requested_date, reason=reason, today=clock.today()
    )
    request = ExtensionRequest(
        implementation=locked,
        force_id=locked.force_id,
        due_before=locked.due_date,
        requested_date=requested_date,
        reason=tidy(reason),
        requested_by=by,
    )
    record_author(request, by)
    request.save()
    return request


@transaction.atomic
def decide_extension(
    *, request: ExtensionRequest, by: User, approve: bool, note: str
) -> ExtensionRequest:
    """The office approves or refuses. Approval moves the date the item falls due (what counts
    as overdue) and the force's target date to the date asked for; the earlier ones are kept on
    the request and in the target date's history."""
    locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    validate_decision(request=locked, decided_by=by, approve=approve, note=note)
    locked.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = tidy(note)
    record_author(locked, by)
    locked.save()
    if approve:
        implementations = ForceImplementation.objects.filter(pk=locked.implementation_id)
        implementations.refresh_dates()
        services.set_target_date(
            implementation=locked.implementation,
            new_date=locked.requested_date,
            # The request's reason may use the whole limit: the revision keeps what fits.
            reason=Truncator(
                f"Extension approved on {locked.decided_at:%-d %B %Y}: {locked.reason}"
            ).chars(REASON_MAX),
            changed_by=by,
        )
    return locked


@transaction.atomic
def record_closure(
    *,
    implementation: ForceImplementation,
    by: User,
    action: str,
    on: datetime.date,
    letter: UploadedFile[bytes] | None,
    url: str,
    note: str,
) -> InspectorateClosure:
    """HMICFRS closed (or reopened) an item after a revisit: kept with its letter, beside the
    force's own sign-off, never replacing it."""
    locked = ForceImplementation.objects.select_for_update().get(pk=implementation.pk)
    validate_closure(
        implementation=locked,
        action=action,
        on=on,
        has_letter=letter is not None,
        url=url,
        note=note,
        today=clock.today(),
    )
    closure = InspectorateClosure(
        implementation=locked,
        action=action,
        on=on,
        url=url.strip(),
        note=tidy(note),
        recorded_by=by,
    )
    if letter is not None:
        closure.letter_name = (letter.name or "letter")[:255]
        closure.letter.save(letter.name or "letter", letter, save=False)
    try:
        closure.full_clean(exclude=["implementation", "recorded_by", "letter"])
    except ValidationError:
        if closure.letter:
            closure.letter.delete(save=False)
        raise
    record_author(closure, by)
    closure.save()
    return closure
