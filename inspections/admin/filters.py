"""Changelist filters whose choices are built in one query, and the derived-state filter that
uses the same QuerySet methods as every report."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from inspections import clock
from inspections.models import Force, OverdueKind, Recommendation, Region
from inspections.models.attention import ImplementationQuerySet
from inspections.text import is_plain_number


class AttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            ("overdue", "Overdue (all)"),
            *[(f"overdue-{kind.value}", f"Overdue: {kind.label.lower()}") for kind in OverdueKind],
            ("due-soon", "Due soon"),
            ("needs-review", "Needs review"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        rows = cast(ImplementationQuerySet, queryset)  # this admin's own get_queryset
        value = self.value()
        today = clock.today()
        if value == "overdue":
            return rows.overdue(today)
        if value and value.startswith("overdue-") and value[8:] in OverdueKind.values:
            return rows.overdue_of_kind(today, value[8:])
        if value == "due-soon":
            return rows.due_soon(today)
        if value == "needs-review":
            return rows.needs_review()
        return None


class RegionFilter(admin.SimpleListFilter):
    title = "region"
    parameter_name = "region"
    path = "force__region__slug"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return list(Region.objects.values_list("slug", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        return queryset.filter(**{self.path: self.value()}) if self.value() else None


class UpdateRegionFilter(RegionFilter):
    path = "implementation__force__region__slug"


class ForceFilter(admin.SimpleListFilter):
    """Only offered to people who see more than one force."""

    title = "force"
    parameter_name = "force"
    path = "force__slug"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return list(Force.objects.values_list("slug", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        return queryset.filter(**{self.path: self.value()}) if self.value() else None


class UpdateForceFilter(ForceFilter):
    path = "implementation__force__slug"


class RecommendationFilter(admin.SimpleListFilter):
    title = "recommendation"
    parameter_name = "recommendation"
    path = "recommendation_id"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            (str(rec.pk), f"{rec.inspection.slug} – {rec.reference_in_text}")
            for rec in Recommendation.objects.local().select_related("inspection")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        if value and is_plain_number(value):
            return queryset.filter(**{self.path: int(value)})
        return None


class UpdateRecommendationFilter(RecommendationFilter):
    path = "implementation__recommendation_id"
