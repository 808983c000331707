"""The questions the daily-work pages ask, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from inspections import permissions
from inspections.models import (
    Force,
    ForceImplementation,
    Inspection,
    LetterSection,
    ProgressUpdate,
    Status,
    TargetDateRevision,
    User,
    parse_reference,
)
from inspections.models.reference import finding_order


def item_or_404(user: User, force: str, inspection: str, ref: str) -> ForceImplementation:
    """One force's implementation of one finding ('3', 'afi-7'); another force's is simply not
    there."""
    kind, number = parse_reference(ref)
    found = (
        permissions.scope_queryset(user, ForceImplementation.objects.all())
        .select_related("force__region", "recommendation__inspection")
        .prefetch_related("blocking_dependencies", "recommendation__dependencies")
        .filter(
            force__slug=force,
            recommendation__inspection__slug=inspection,
            recommendation__kind=kind,
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
        .select_related("force", "recommendation__inspection")
        .prefetch_related(Prefetch("updates", queryset=latest, to_attr="latest_updates"))
        .order_by("due_date", "force__name", "recommendation__kind", "recommendation__number")
    )


def open_items(user: User, force: str, inspection: str) -> tuple[Force, Inspection, list[Any]]:
    """A force's open items on one inspection, each with its latest narrative, or 404."""
    found_force = permissions.scope_queryset(user, Force.objects.all()).filter(slug=force).first()
    found_inspection = Inspection.objects.filter(slug=inspection).first()
    if found_force is None or found_inspection is None:
        raise Http404("No such force or inspection is available to you.")
    latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
    items = list(
        ForceImplementation.objects.filter(
            force=found_force, recommendation__inspection=found_inspection
        )
        .open()
        .select_related("force", "recommendation__inspection")
        .annotate(latest_narrative=Subquery(latest.values("narrative")[:1]))
        .order_by(finding_order("recommendation__"), "recommendation__number")
    )
    return found_force, found_inspection, items


def related_findings(implementation: ForceImplementation) -> list[ForceImplementation]:
    """For a cause of concern, the force's items for the recommendations made under it; for a
    recommendation under one, the force's item for that cause of concern."""
    finding = implementation.recommendation
    mine = ForceImplementation.objects.filter(force=implementation.force_id).select_related(
        "recommendation__inspection", "force"
    )
    if finding.cause_of_concern_id is not None:
        return list(mine.filter(recommendation=finding.cause_of_concern_id))
    return list(
        mine.filter(recommendation__cause_of_concern=finding.pk).order_by("recommendation__number")
    )
