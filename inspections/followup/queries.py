"""The questions the follow-up pages ask, scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from inspections import permissions
from inspections.models import (
    ActionStatus,
    ActionTally,
    ExtensionRequest,
    ForceImplementation,
    InspectorateClosure,
    LocalAction,
    User,
)
from inspections.models.findings import LocalActionQuerySet, action_overdue


@dataclass(frozen=True)
class ActionProgress:
    total: int
    closed: int
    overdue: int

    @property
    def words(self) -> str:
        if not self.total:
            return "No local actions"
        late = f", {self.overdue} overdue" if self.overdue else ""
        return f"{self.closed} of {self.total} actions closed{late}"


def action_progress(implementation: ForceImplementation, today: datetime.date) -> ActionProgress:
    counts = LocalAction.objects.filter(implementation=implementation).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=ActionStatus.CLOSED)),
        overdue=Count("pk", filter=action_overdue(today)),
    )
    return ActionProgress(**counts)


def actions_of(implementation: ForceImplementation) -> QuerySet[LocalAction]:
    return implementation.actions.order_by("created_at", "id")


def extensions_of(implementation: ForceImplementation) -> QuerySet[ExtensionRequest]:
    return implementation.extension_requests.select_related("requested_by", "decided_by").order_by(
        "requested_at", "id"
    )


def closures_of(implementation: ForceImplementation) -> list[InspectorateClosure]:
    return list(
        implementation.closures.select_related("recorded_by").order_by("on", "recorded_at", "id")
    )


def action_or_404(implementation: ForceImplementation, uuid: str) -> LocalAction:
    return get_object_or_404(LocalAction, implementation=implementation, uuid=uuid)


def extension_or_404(user: User, uuid: str) -> ExtensionRequest:
    return get_object_or_404(
        permissions.scope_queryset(user, ExtensionRequest.objects.all()).select_related(
            "implementation__force",
            "implementation__recommendation__inspection",
            "requested_by",
            "decided_by",
        ),
        uuid=uuid,
    )


def actions(user: User, today: datetime.date) -> LocalActionQuerySet:
    """Every action the user may see, with what its pages and exports show."""
    return (
        permissions.scope_queryset(user, LocalAction.objects.with_overdue_flag(today))
        .select_related(
            "implementation__force__region", "implementation__recommendation__inspection"
        )
        .order_by("due_date", "force__name", "id")
    )


def action_counts(user: User, rows: LocalActionQuerySet, *, filtered: bool) -> dict[str, int]:
    """The actions report's count by status: of its rows where a filter is set; otherwise
    the kept tallies of every force the user sees (``ActionTally``), which do not grow with
    the number of actions."""
    if filtered:
        return dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    tallies = ActionTally.objects.filter(permissions.scope_condition(user, "force"))
    return {status: int(n) for status, n in tallies.values_list("status").annotate(n=Sum("items"))}


def extensions(user: User) -> QuerySet[ExtensionRequest]:
    return (
        permissions.scope_queryset(user, ExtensionRequest.objects.all())
        .select_related(
            "implementation__force__region",
            "implementation__recommendation__inspection",
            "requested_by",
            "decided_by",
        )
        .order_by("requested_at", "id")
    )
