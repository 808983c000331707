"""Entry screens for the national records: regions, forces, inspections, recommendations,
dependencies and firearms statistics."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest

from inspections import services
from inspections.history import record_author
from inspections.http import signed_in_user
from inspections.models import (
    Dependency,
    FirearmsStatistic,
    Force,
    Inspection,
    Recommendation,
    Region,
)

from .base import TrackerAdmin
from .forms import InspectionForm, RecommendationForm


@admin.register(Region)
class RegionAdmin(TrackerAdmin):
    list_display = ["name", "force_count"]
    search_fields = ["name"]
    slug_from = {"slug": ["name"]}
    list_filter = ["forces__governance"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        annotated: QuerySet[Any] = super().get_queryset(request).annotate(n_forces=Count("forces"))
        return annotated

    @admin.display(description="Forces", ordering="n_forces")
    def force_count(self, obj: Any) -> int:  # a Region annotated with n_forces
        return int(obj.n_forces)


@admin.register(Force)
class ForceAdmin(TrackerAdmin):
    list_display = ["name", "region", "governance", "commissioner_name", "chief_constable_name"]
    list_select_related = ["region"]
    list_filter = ["region", "governance"]
    search_fields = ["name", "local_policing_body", "commissioner_name", "chief_constable_name"]
    slug_from = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "region"]}),
        (
            "Local policing body",
            {
                "fields": [
                    "governance",
                    "local_policing_body",
                    "commissioner_name",
                    "commissioner_title",
                ]
            },
        ),
        ("Force", {"fields": ["chief_constable_name"]}),
    ]

    def readonly_fields_for(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # A force's own staff keep its people current; what the force is stays national data.
        if signed_in_user(request).is_national_admin:
            return []
        return ["name", "slug", "region", "governance", "local_policing_body"]

    def save_model(self, request: HttpRequest, obj: Force, form: object, change: bool) -> None:
        record_author(obj, signed_in_user(request))
        services.save_force(force=obj)


RECOMMENDATION_INLINE_FIELDS = (
    "kind",
    "number",
    "scope",
    "addressee",
    "deadline_kind",
    "deadline",
    "deadline_months",
)


class RecommendationInline(admin.TabularInline[Any, Any]):
    model = Recommendation
    fields = RECOMMENDATION_INLINE_FIELDS
    readonly_fields = RECOMMENDATION_INLINE_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(TrackerAdmin):
    list_display = [
        "title",
        "source",
        "inspectorate",
        "published",
        "response_due",
        "recommendation_count",
    ]
    list_filter = ["source", "published"]
    search_fields = ["title", "slug"]
    slug_from = {"slug": ["title"]}
    date_hierarchy = "published"
    # Whose report it is and its response dates are entered on the report's entry page, where
    # the duty's rules are checked beside each field.
    readonly_fields = ["source", "sent_on", "response_given", "response_due"]
    inlines = [RecommendationInline]
    form = InspectionForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "short_title",
                    "slug",
                    "source",
                    "inspectorate",
                    "published",
                    "sent_on",
                    "response_given",
                    "response_due",
                    "url",
                    "summary",
                    "is_sample",
                ]
            },
        ),
        ("Who it is addressed to", {"fields": ["addressed_to", "forces"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # An aggregate drops the model's default order: it is asked for again, for paging.
        annotated: QuerySet[Any] = (
            super()
            .get_queryset(request)
            .annotate(n_recommendations=Count("recommendations"))
            .order_by("-published", "title", "pk")
        )
        return annotated

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A report is added with all its findings on the service's entry page, checked, then
        # published to forces: only then are items made and the s.55 notices sent.
        return False

    def save_model(self, request: HttpRequest, obj: Inspection, form: Any, change: bool) -> None:
        record_author(obj, signed_in_user(request))
        forces = form.cleaned_data.get("forces")
        services.save_inspection(
            inspection=obj, forces=list(forces) if forces is not None else None
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # save_inspection set the forces and made their implementations; saving the form's
        # many-to-many again would only repeat it. The inline findings are read-only here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description="s.55 response due")
    def response_due(self, obj: Inspection) -> str:
        due = obj.response_due
        return f"{due:%-d %B %Y}" if due else "Worked out from the publication date"

    @admin.display(description="Recommendations", ordering="n_recommendations")
    def recommendation_count(self, obj: Any) -> int:  # annotated with n_recommendations
        return int(obj.n_recommendations)


@admin.register(Recommendation)
class RecommendationAdmin(TrackerAdmin):
    form = RecommendationForm
    list_display = [
        "reference",
        "inspection",
        "scope",
        "addressee",
        "deadline_display",
        "wording",
    ]
    list_display_links = ["reference"]
    list_select_related = ["inspection"]
    list_filter = ["kind", "inspection", "scope", "addressee", "deadline_kind"]
    search_fields = ["text", "short_title", "inspection__title"]
    ordering = ["inspection__published", "inspection__title", "kind", "number"]
    # Causes of concern are few: a plain list, limited to them, needs no search box.
    autocomplete_fields = ["inspection"]
    fields = [
        "inspection",
        "kind",
        "number",
        "cause_of_concern",
        "short_title",
        "scope",
        "addressee",
        "deadline_kind",
        "deadline",
        "deadline_months",
        "text",
    ]

    @admin.display(description="Finding", ordering="number")
    def reference(self, obj: Recommendation) -> str:
        return obj.reference

    @admin.display(description="Deadline")
    def deadline_display(self, obj: Recommendation) -> str:
        return obj.deadline_display

    @admin.display(description="Wording")
    def wording(self, obj: Recommendation) -> str:
        return "Entered" if obj.wording_entered else "Not entered yet"

    def save_model(
        self, request: HttpRequest, obj: Recommendation, form: object, change: bool
    ) -> None:
        record_author(obj, signed_in_user(request))
        services.save_recommendation(recommendation=obj)


@admin.register(Dependency)
class DependencyAdmin(TrackerAdmin):
    list_display = [
        "title",
        "kind",
        "owner",
        "status",
        "expected_date",
        "delivered_date",
        "recommendation_count",
    ]
    list_filter = ["status", "kind", "owner"]
    search_fields = ["title", "owner", "key"]
    slug_from = {"key": ["title"]}
    autocomplete_fields = ["recommendations"]
    fieldsets = [
        (None, {"fields": ["title", "key", "kind", "owner", "recommendations"]}),
        ("Delivery", {"fields": ["status", "expected_date", "delivered_date", "url"]}),
    ]

    change_form_template = "admin/inspections/dependency/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        annotated: QuerySet[Any] = (
            super().get_queryset(request).annotate(n_recommendations=Count("recommendations"))
        )
        return annotated

    @admin.display(description="Recommendations", ordering="n_recommendations")
    def recommendation_count(self, obj: Any) -> int:  # annotated with n_recommendations
        return int(obj.n_recommendations)

    def delete_model(self, request: HttpRequest, obj: Dependency) -> None:
        services.delete_dependencies(dependencies=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        services.delete_dependencies(dependencies=list(queryset))

    def readonly_fields_for(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # Delivery is recorded on its service page, which also tells the forces waiting on it,
        # and a mistaken status is corrected there with a reason.
        return ["status", "delivered_date"]


@admin.register(FirearmsStatistic)
class FirearmsStatisticAdmin(TrackerAdmin):
    list_display = [
        "area",
        "year_ending",
        "firearms_operations",
        "arv_operations",
        "authorised_firearms_officers",
        "firearms_discharged",
        "source",
    ]
    list_select_related = ["force"]
    list_filter = ["year_ending", "force__region"]
    search_fields = ["force__name", "source"]
    autocomplete_fields = ["force"]

    @admin.display(description="Area", ordering="force__name")
    def area(self, obj: FirearmsStatistic) -> str:
        return obj.force.name if obj.force is not None else "England and Wales"
