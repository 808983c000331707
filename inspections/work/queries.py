"""The questions the daily-work pages ask, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from inspections import permissions
from inspections.models import (
    ForceImplementation,
    LetterSection,
    ProgressUpdate,
    Status,
    TargetDateRevision,
    User,
)


def item_or_404(user: User, force: str, inspection: str, number: int) -> ForceImplementation:
    """One force's implementation of one recommendation; another force's is simply not there."""
    found = (
        permissions.scope_queryset(user, ForceImplementation.objects.all())
        .with_due_date()
        .select_related("force__region", "recommendation__inspection")
        .prefetch_related("blocking_dependencies", "recommendation__dependencies")
        .filter(
            force__slug=force,
            recommendation__inspection__slug=inspection,
            recommendation__number=number,
        )
        .first()
    )
    if found is None:
        raise Http404("No such item is available to you.")
    return found


def timeline(implementation: ForceImplementation) -> QuerySet[ProgressUpdate]:
    return (
        implementation.updates.latest_first()
        .select_related("author")
        .prefetch_related("dependencies", "files")
    )


def target_dates(implementation: ForceImplementation) -> QuerySet[TargetDateRevision]:
    return implementation.target_date_revisions.select_related("changed_by").order_by(
        "changed_at", "id"
    )


def letters_with(implementation: ForceImplementation) -> QuerySet[LetterSection]:
    """The sections of this force's letters that reported on this recommendation."""
    return (
        LetterSection.objects.filter(
            letter__force=implementation.force_id,
            recommendation=implementation.recommendation_id,
        )
        .select_related("letter")
        .order_by("-letter__letter_date", "-letter__id")
    )


def awaiting_sign_off(user: User) -> QuerySet[ForceImplementation]:
    """Items a force lead must sign off or return, each with its latest update and files."""
    latest = (
        ProgressUpdate.objects.latest_first().select_related("author").prefetch_related("files")
    )
    return (
        permissions.scope_queryset(user, ForceImplementation.objects.all())
        .filter(status=Status.IMPLEMENTED)
        .with_due_date()
        .select_related("force", "recommendation__inspection")
        .prefetch_related(Prefetch("updates", queryset=latest, to_attr="latest_updates"))
        .order_by("due_date", "force__name", "recommendation__number")
    )
