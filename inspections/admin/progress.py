"""Entry screens for force implementations, their append-only updates and target-date history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.results import Result

from inspections import clock, permissions, services
from inspections.http import signed_in_user
from inspections.models import (
    ForceImplementation,
    ProgressUpdate,
    TargetDateRevision,
)
from inspections.models.updates import LATEST_FIRST

from .base import GovukDates, ReadOnlyInline, TrackerAdmin
from .filters import (
    AttentionFilter,
    ForceFilter,
    RecommendationFilter,
    RegionFilter,
    UpdateForceFilter,
    UpdateRecommendationFilter,
    UpdateRegionFilter,
)
from .forms import ImplementationForm, ProgressUpdateForm
from .spreadsheets import (
    ImplementationSheetResource,
    SheetCSV,
    SheetXLSX,
    UpdateSheetConfirmForm,
    UpdateSheetImportForm,
    UpdateSheetResource,
    export_filename,
)


def form_for_author(form_class: type[ModelForm[Any]], request: HttpRequest) -> type[ModelForm[Any]]:
    return type(form_class.__name__, (form_class,), {"author": request.user})


def record_from_form(
    form: ModelForm[Any], request: HttpRequest, implementation: ForceImplementation
) -> ProgressUpdate:
    data = form.cleaned_data
    # The admin form takes one file; the service takes several.
    files = [data["evidence_file"]] if data.get("evidence_file") else []
    return services.record_update_from(
        implementation=implementation,
        author=signed_in_user(request),
        data={**data, "evidence_files": files},
    )


TARGET_DATE_REVISION_INLINE_FIELDS = (
    "previous_date",
    "new_date",
    "reason",
    "changed_by",
    "changed_at",
)


class TargetDateRevisionInline(ReadOnlyInline):
    model = TargetDateRevision
    fields = TARGET_DATE_REVISION_INLINE_FIELDS
    readonly_fields = TARGET_DATE_REVISION_INLINE_FIELDS
    verbose_name = "target date change"
    verbose_name_plural = "Target date history (the original date first)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("changed_by")


PROGRESS_HISTORY_INLINE_FIELDS = (
    "as_of",
    "status",
    "narrative",
    "evidence_note",
    "internal_note",
    "evidence",
    "author",
    "waiting",
)


class ProgressHistoryInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = PROGRESS_HISTORY_INLINE_FIELDS
    readonly_fields = PROGRESS_HISTORY_INLINE_FIELDS
    ordering = list(LATEST_FIRST)
    verbose_name = "progress update"
    verbose_name_plural = "Progress updates, latest first (they cannot be edited: correct one by "
    "adding a new update)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .select_related("author")
            .prefetch_related("dependencies", "files")
        )

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # obj is the implementation: every update shown belongs to it.
        hidden = permissions.unreadable_fields(signed_in_user(request), ProgressUpdate, obj)
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        hidden = permissions.unreadable_fields(signed_in_user(request), ProgressUpdate, obj)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    @admin.display(description="Waiting on")
    def waiting(self, obj: ProgressUpdate) -> str:
        return ", ".join(d.title for d in obj.dependencies.all()) or "–"

    @admin.display(description="Evidence file")
    def evidence(self, obj: ProgressUpdate) -> str:
        return evidence_link(obj)


def evidence_link(update: ProgressUpdate) -> str:
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("evidence-file", args=[f.uuid]), f.name) for f in update.files.all()),
    )
    return links or "–"


class NewUpdateFormSet(BaseInlineFormSet[Any, Any, Any]):
    def get_queryset(self) -> QuerySet[Any]:
        return ProgressUpdate.objects.none()


class NewProgressUpdateInline(GovukDates, admin.StackedInline[Any, Any]):
    model = ProgressUpdate
    form = ProgressUpdateForm
    formset = NewUpdateFormSet
    fields = [
        "status",
        "as_of",
        "narrative",
        "evidence_note",
        "internal_note",
        "evidence_file",
        "dependencies",
    ]
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "new progress update"
    verbose_name_plural = "Add a progress update"

    def get_formset(
        self, request: HttpRequest, obj: Model | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
        kwargs["form"] = form_for_author(self.form, request)
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return isinstance(obj, ForceImplementation) and permissions.can_record_update(
            signed_in_user(request), obj
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_add_permission(request, obj)


@admin.register(ForceImplementation)
class ForceImplementationAdmin(ExportMixin, TrackerAdmin):
    form = ImplementationForm
    never_allowed = frozenset({"add", "delete"})
    list_display = [
        "force",
        "recommendation_number",
        "inspection",
        "status",
        "deadline",
        "target_date",
        "latest_update_on",
        "lead_officer",
    ]
    list_display_links = ["force", "recommendation_number"]
    list_select_related = ["force", "recommendation__inspection"]
    search_fields = ["force__name", "recommendation__text", "lead_officer"]
    ordering = ["force__name", "recommendation__inspection__published", "recommendation__number"]
    readonly_fields = [
        "force",
        "recommendation_text",
        "deadline",
        "status",
        "latest_update_on",
        "waiting_on",
    ]
    fieldsets = [
        (None, {"fields": ["force", "recommendation_text", "deadline"]}),
        ("Where it stands", {"fields": ["status", "latest_update_on", "waiting_on"]}),
        (
            "The force's plan",
            {"fields": ["lead_officer", "new_target_date", "target_date_reason", "edit_version"]},
        ),
    ]
    inlines = [NewProgressUpdateInline, ProgressHistoryInline, TargetDateRevisionInline]
    resource_classes = [ImplementationSheetResource]
    formats = [CSV, XLSX]
    # Every column, always: the sheet must go back in through the import unchanged.
    export_form_class = ExportForm

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_export_filename(
        self, request: HttpRequest, queryset: QuerySet[Any], file_format: Any
    ) -> str:
        return export_filename(queryset, file_format.get_extension())

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = [AttentionFilter, "status", "recommendation__inspection"]
        if signed_in_user(request).sees_all_forces:
            filters += [RegionFilter, ForceFilter]
        return [*filters, RecommendationFilter]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request)

    @admin.display(description="Finding", ordering="recommendation__number")
    def recommendation_number(self, obj: ForceImplementation) -> str:
        return obj.recommendation.column_name

    @admin.display(description="Inspection", ordering="recommendation__inspection__published")
    def inspection(self, obj: ForceImplementation) -> str:
        return obj.recommendation.inspection.title

    @admin.display(description="Deadline", ordering="due_date")
    def deadline(self, obj: ForceImplementation) -> str:
        return obj.recommendation.deadline_display

    @admin.display(description="Recommendation")
    def recommendation_text(self, obj: ForceImplementation) -> str:
        rec = obj.recommendation
        return f"{rec.reference} of {rec.inspection.title}: {rec.text}"

    @admin.display(description="Waiting on")
    def waiting_on(self, obj: ForceImplementation) -> str:
        return (
            format_html_join(
                ", ",
                "{} ({})",
                ((d.title, d.get_status_display()) for d in obj.blocking_dependencies.all()),
            )
            or "–"
        )

    def save_model(
        self, request: HttpRequest, obj: ForceImplementation, form: ImplementationForm, change: bool
    ) -> None:
        data = form.cleaned_data
        edited = {"lead_officer", "new_target_date", "target_date_reason"} & set(form.changed_data)
        saved = services.update_implementation_plan(
            implementation=obj,
            lead_officer=data.get("lead_officer", ""),
            target_date=data.get("new_target_date"),
            target_date_reason=data.get("target_date_reason", ""),
            expected_version=data.get("edit_version") if edited else None,
            changed_by=signed_in_user(request),
        )
        form.instance = saved

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not isinstance(formset, NewUpdateFormSet):
            return
        for update_form in formset.forms:
            if update_form.has_changed() and update_form.cleaned_data:
                formset.new_objects.append(record_from_form(update_form, request, form.instance))


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ImportMixin, TrackerAdmin):
    """Every update, newest first; add one here, from its implementation's page, or many at once
    from a spreadsheet (Import)."""

    resource_classes = [UpdateSheetResource]
    import_form_class = UpdateSheetImportForm
    confirm_form_class = UpdateSheetConfirmForm
    formats = [SheetCSV, SheetXLSX]
    skip_admin_log = True

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, "add")

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        # Confirming re-checks the whole file: if any row no longer passes, nothing is recorded.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """A confirmation that is not of a file this page previewed goes back to the import page
        saying why, rather than to an empty page (or a server error)."""
        if request.method != "POST":  # as the library's own view: a confirmation is a POST
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm = self.create_confirm_form(request)
        if not confirm.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in confirm.errors.items()
            )
            messages.error(
                request,
                f"Nothing was recorded: the confirmation did not match a previewed file "
                f"({problems}). Choose the file again.",
            )
            return redirect("admin:inspections_progressupdate_import")
        response: HttpResponse = super().process_import(request, **kwargs)
        return response

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            problems = [
                message for invalid in result.invalid_rows for message in invalid.error.messages
            ] + [str(error.error) for errors in result.row_errors() for error in errors[1]]
            messages.error(
                request,
                "Nothing was recorded: since the preview, the file stopped passing the checks. "
                + " ".join(problems),
            )
            return redirect("admin:inspections_progressupdate_import")
        response: HttpResponse = super().process_result(result, request)
        return response

    form = ProgressUpdateForm
    never_allowed = frozenset({"change", "delete"})
    list_display = ["implementation", "status", "as_of", "author", "created_at"]
    list_select_related = ["implementation__force", "implementation__recommendation", "author"]
    search_fields = ["narrative", "evidence_note", "implementation__force__name"]
    date_hierarchy = "as_of"
    ordering = list(LATEST_FIRST)
    autocomplete_fields = ["implementation"]
    readonly_fields = ["author", "created_at", "evidence"]

    @admin.display(description="Evidence file")
    def evidence(self, obj: ProgressUpdate) -> str:
        return evidence_link(obj)

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = ["status", "implementation__recommendation__inspection"]
        if signed_in_user(request).sees_all_forces:
            filters += [UpdateRegionFilter, UpdateForceFilter]
        return [*filters, UpdateRecommendationFilter]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "implementation":
            # Another force's item is answered as if it did not exist ("not a valid choice"),
            # never with its force's name.
            kwargs["queryset"] = permissions.scope_queryset(
                request.user, ForceImplementation.objects.all()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = [*ProgressUpdateForm.Meta.fields, "evidence_file"]
        if obj is None:
            return fields
        hidden = self._unreadable(request, obj)
        return [
            *(f if f != "evidence_file" else "evidence" for f in fields if f not in hidden),
            "author",
            "created_at",
        ]

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return form_for_author(form, request)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        initial.setdefault("as_of", clock.today())
        return initial

    def save_form(
        self, request: HttpRequest, form: ProgressUpdateForm, change: bool
    ) -> ProgressUpdate:
        return record_from_form(form, request, form.cleaned_data["implementation"])

    def save_model(
        self, request: HttpRequest, obj: ProgressUpdate, form: ModelForm[Any], change: bool
    ) -> None:
        """Already saved by the service in save_form."""

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: list[Any], change: bool
    ) -> None:
        """The service sets the dependencies."""


@admin.register(TargetDateRevision)
class TargetDateRevisionAdmin(TrackerAdmin):
    never_allowed = frozenset({"add", "change", "delete"})
    list_display = [
        "implementation",
        "previous_date",
        "new_date",
        "reason",
        "changed_by",
        "changed_at",
    ]
    list_select_related = ["implementation__force", "implementation__recommendation", "changed_by"]
    search_fields = ["reason", "implementation__force__name"]
    list_filter = ["changed_at", "implementation__recommendation__inspection"]
    date_hierarchy = "changed_at"
