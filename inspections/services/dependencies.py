"""Writes about national and regional work that items wait on: delivered, withdrawn, corrected,
deleted."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from inspections import reminders
from inspections.history import record_author
from inspections.models import (
    Dependency,
    DependencyStatus,
    ForceImplementation,
    Recommendation,
    User,
)
from inspections.text import REASON_MAX
from inspections.validation import (
    text_problems,
)


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
    transaction.on_commit(lambda: reminders.send_outbox_soon.enqueue(about=topic))
    return moved


@transaction.atomic
def save_dependency(
    *, dependency: Dependency, findings: Iterable[Recommendation], author: User
) -> Dependency:
    """Add national or regional work, or change what it is, who delivers it, when it is
    expected and which findings wait on it. Delivery goes through ``close_dependency``, which
    tells the forces waiting on it."""
    if not dependency.key:
        dependency.key = unique_dependency_key(dependency.title)
    dependency.full_clean()
    record_author(dependency, author)
    dependency.save()
    dependency.recommendations.set(list(findings))
    return dependency


def unique_dependency_key(words: str) -> str:
    base = slugify(words)[:90] or "dependency"
    key, n = base, 1
    while Dependency.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key
