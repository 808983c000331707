"""What every admin screen shares: access decided by the permissions module and rows scoped to
the user's force in the SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import DataError, transaction
from django.db.models import (
    DateField,
    DateTimeField,
    Field,
    ForeignKey,
    ManyToManyField,
    Model,
    QuerySet,
)
from django.forms import (
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    modelform_factory,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from inspections import ids, permissions
from inspections.formfields import admin_date_field
from inspections.http import signed_in_user

admin.site.site_header = "Inspection recommendation tracker"
admin.site.site_title = "Recommendation tracker"
admin.site.index_title = "Enter and review progress"


def may_use_admin(request: HttpRequest) -> bool:
    return permissions.may_use_admin(request.user)


# Who may open the admin at all is the permissions module's decision, not ``is_staff``'s.
admin.site.has_permission = may_use_admin  # type: ignore[method-assign]


# Set on a request for a past version's page, which shows every stored field read-only.
VERSION_PAGE = "_tracker_version_page"


# ModelAdmin is generic only in the type stubs.
if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = admin.ModelAdmin


class ScopedAdminMixin(ModelAdminBase):
    """Ask the permissions module, with the object, for every action; never the stock tables."""

    # Actions no one may take on this model through the admin, whatever their role.
    never_allowed: frozenset[str] = frozenset()

    def _allowed(self, request: HttpRequest, action: str, obj: Model | None = None) -> bool:
        if action in self.never_allowed:
            return False
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}", obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return permissions.scope_queryset(request.user, super().get_queryset(request))

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"], "History is read-only.")
        return super().history_view(request, object_id, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A filter value in the address that no date or number can hold (year 99999999, a
        # 30-digit id) must be a clear 400, not a server error while the list is queried.
        try:
            with transaction.atomic():
                response = super().changelist_view(request, extra_context)
                if isinstance(response, TemplateResponse):
                    response.render()
        except (ValueError, OverflowError, DataError) as error:
            return TemplateResponse(
                request,
                "admin/inspections/bad_filter.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "That filter cannot be used",
                    "opts": self.opts,
                    "problem": str(error),
                    "clear_url": request.path,
                },
                status=400,
            )
        return response

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # simple-history's version page saves whatever is posted to it, for anyone who may view
        # the record, through an add-style form. A correction is a new update or an ordinary,
        # rule-checked edit, so here history is only ever read.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(
                ["GET", "HEAD"], "Past versions are read-only: nothing was changed."
            )
        setattr(request, VERSION_PAGE, True)
        response: HttpResponse = super().history_form_view(  # type: ignore[misc]  # simple-history's
            request, object_id, version_id, extra_context
        )
        return response

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def _is_version_page(self, request: HttpRequest) -> bool:
        return getattr(request, VERSION_PAGE, False)

    def _stored_field_names(self, request: HttpRequest, obj: Model | None) -> list[str]:
        hidden = self._unreadable(request, obj)
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name != "password" and f.name not in hidden
        ]

    def _unreadable(self, request: HttpRequest, obj: Model | None) -> set[str]:
        """Fields this person may not read on this record (none on an empty add form)."""
        if obj is None:
            return set()
        return permissions.unreadable_fields(signed_in_user(request), self.model, obj)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        hidden = self._unreadable(request, obj)
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        if self._is_version_page(request):
            # No fields: the page shows the stored values as text and has nothing to submit.
            return modelform_factory(self.model, fields=[])
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if self._is_version_page(request):
            return [(None, {"fields": self._stored_field_names(request, obj)})]
        hidden = self._unreadable(request, obj)
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        if self._is_version_page(request):
            return self._stored_field_names(request, obj)
        return list(self.readonly_fields_for(request, obj))

    def readonly_fields_for(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        """What an admin makes read-only on its ordinary pages (override this, not
        get_readonly_fields, which also serves the read-only version page)."""
        return list(super().get_readonly_fields(request, obj))

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: object, object_id: str
    ) -> HttpResponse:
        # Stock admin redirects with "doesn't exist"; another force's row is simply not found.
        raise Http404(f"No {self.opts.verbose_name} with that ID is available to you.")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.has_tracker_access(request.user) and self._allowed(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "view", obj) or self._allowed(request, "change", obj)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "delete", obj)


class IdSafeAutocomplete:
    """Autocomplete widgets look up the chosen value to show its label when a form is shown
    again with its errors: an id no database column can hold is left out, not looked up (SQLite
    raises OverflowError on it)."""

    def format_value(self, value: Any) -> list[str]:
        chosen: list[str] = super().format_value(value)  # type: ignore[misc]  # Django's widget
        return [item for item in chosen if item == "" or ids.is_id(item)]


class IdSafeAutocompleteSelect(IdSafeAutocomplete, AutocompleteSelect):
    pass


class AccessibleAutocompleteSelectMultiple(IdSafeAutocomplete, AutocompleteSelectMultiple):
    def build_attrs(
        self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # select2's "clear all" is a <span> inside the <ul> of choices, which breaks the list's
        # structure for screen readers (axe: list). Each choice keeps its own remove control.
        attrs["data-allow-clear"] = "false"
        return attrs


class GovukDates:
    """Every date in the admin as day, month and year, as on the service's own pages: never a
    browser's date picker, whose format follows the browser's language."""

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if isinstance(db_field, DateField) and not isinstance(db_field, DateTimeField):
            return admin_date_field(
                capfirst(str(db_field.verbose_name)),
                required=not db_field.blank,
                help_text=str(db_field.help_text),
                initial=db_field.get_default() if db_field.has_default() else None,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class TrackerAdmin(GovukDates, ScopedAdminMixin, SimpleHistoryAdmin):
    list_per_page = 50
    show_full_result_count = False
    # Fields filled in from others as a national administrator types (slugs). Not the stock
    # prepopulated_fields: simple-history's version page reads that attribute even for people
    # who cannot edit, where the slug is read-only and the page would fail.
    slug_from: dict[str, list[str]] = {}

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Model | None = None
    ) -> dict[str, Any]:
        return self.slug_from if signed_in_user(request).is_national_admin else {}

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = IdSafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AccessibleAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """Rows shown for reference inside a parent form: never added, changed or deleted there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None or request.user.has_perm("inspections.view_forceimplementation", obj)
