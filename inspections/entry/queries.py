"""Reads for the national administrators' entry pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from inspections.models import Dependency, DependencyStatus, Force, ForceImplementation


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
