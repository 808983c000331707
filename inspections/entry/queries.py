"""Reads for the national administrators' entry pages."""

from __future__ import annotations

from django.db.models import Case, Count, QuerySet, When

from inspections import reminders
from inspections.models import (
    Dependency,
    DependencyStatus,
    Force,
    ForceImplementation,
    OutboundEmail,
)


def freed_by(dependency: Dependency) -> QuerySet[Force]:
    """The forces whose items would need review once ``dependency`` is delivered or withdrawn
    (items awaiting it and nothing else still pending), each with how many: who is emailed."""
    waiting = (
        ForceImplementation.objects.filter(blocking_dependencies=dependency)
        .awaiting_dependency()
        .exclude(
            blocking_dependencies__in=Dependency.objects.filter(
                status=DependencyStatus.PENDING
            ).exclude(pk=dependency.pk)
        )
    )
    return (
        Force.objects.filter(implementations__in=waiting)
        .annotate(items=Count("implementations", distinct=True))
        .order_by("name")
    )


def dependencies_to_enter() -> QuerySet[Dependency]:
    """National and regional work, pending first, each with how many findings it holds up."""
    pending_first = Case(When(status=DependencyStatus.PENDING, then=0), default=1)
    return Dependency.objects.annotate(findings=Count("recommendations", distinct=True)).order_by(
        pending_first, "title"
    )


def unsent_notices(dependency: Dependency) -> QuerySet[OutboundEmail]:
    """The emails about ``dependency`` the mail server has not taken yet (kept and retried)."""
    return OutboundEmail.objects.unsent().filter(about=reminders.dependency_topic(dependency))
