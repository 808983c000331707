"""The filters every table page offers, kept in the URL so pages can be bookmarked and shared."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy

from inspections import audit as audit_trail
from inspections import permissions
from inspections.models import (
    Addressee,
    FindingKind,
    Force,
    ForceImplementation,
    Inspection,
    ItemState,
    Region,
    Source,
    User,
)
from inspections.widgets import PlainSelect

SUGGESTIONS = 10


def inspection_matches(words: str) -> QuerySet[Inspection]:
    """Published inspections whose title or short name contains what was typed, latest first
    (a draft being entered is nobody's to report on yet)."""
    return (
        Inspection.objects.released()
        .filter(Q(title__icontains=words) | Q(short_title__icontains=words) | Q(slug__iexact=words))
        .order_by("is_sample", "-published", "title")
    )


class InspectionField(forms.CharField):
    """An inspection named by what a person types: its address name (slug), its title or short
    name, or enough of either to pick out one. A text box, not a list of every inspection: there
    are hundreds. Typing suggests matches where JavaScript runs (see init.mjs)."""

    def clean(self, value: Any) -> Inspection | None:
        words = (super().clean(value) or "").strip()
        if not words:
            return None
        exact = (
            Inspection.objects.released()
            .filter(Q(slug__iexact=words) | Q(title__iexact=words) | Q(short_title__iexact=words))
            .first()
        )
        if exact is not None:
            return exact
        found = list(inspection_matches(words)[: SUGGESTIONS + 1])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(f"No inspection is called or contains '{words}'.")
        names = "; ".join(i.list_name for i in found[:SUGGESTIONS])
        more = " and more" if len(found) > SUGGESTIONS else ""
        raise forms.ValidationError(
            f"'{words}' matches several inspections ({names}{more}): type more of the title."
        )


class InspectionFilter(django_filters.Filter):
    field_class = InspectionField

    def filter(self, qs: QuerySet[Any], value: Inspection | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(recommendation__inspection=value)


def inspection_box() -> forms.TextInput:
    """A text box that suggests inspections as one types (init.mjs), plain without JavaScript."""
    return forms.TextInput(
        attrs={
            "class": "govuk-input",
            "autocomplete": "off",
            "spellcheck": "false",
            "list": "inspection-suggestions",
            "data-tracker-suggest": "inspection-suggestions",
            "data-suggest-url": reverse_lazy("inspection-suggestions"),
        }
    )


INSPECTION_HINT = "Its title or short name: type a few words."


def inspection_field() -> InspectionField:
    """The optional inspection box of a page's filters."""
    return InspectionField(
        label="Inspection",
        help_text=INSPECTION_HINT,
        required=False,
        max_length=300,
        widget=inspection_box(),
    )


class AddressForm(forms.Form):
    """A form that reads a page's query parameters: what is wrong, field by field, for the
    page's clear 400. ``hints`` adds a sentence after a field's messages."""

    hints: dict[str, str] = {}

    def problems(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {' '.join(str(e) for e in errors)}"
            + (f" {self.hints[name]}" if name in self.hints else "")
            for name, errors in self.errors.items()
        ]


# The choice of source, the same in every filter form: the list pages' (``ImplementationFilter``)
# and the other pages' (``source_field``).
SOURCE_LABEL = "Source"
EVERY_SOURCE = "Every source"


def source_field() -> forms.ChoiceField:
    """The optional choice of source (HMICFRS, IOPC, coroners…) of a page's filters."""
    return forms.ChoiceField(
        label=SOURCE_LABEL,
        choices=[("", EVERY_SOURCE), *Source.choices],
        required=False,
        widget=PlainSelect(attrs={"class": "govuk-select"}),
    )


class SourceChoiceForm(AddressForm):
    """Which source's reports a page lists (the force page), from its address."""

    source = source_field()


class InspectionChoiceForm(AddressForm):
    """The one inspection a page is about (the matrix, the s.55 responses), from its address."""

    inspection = inspection_field()


class ImplementationFilter(django_filters.FilterSet):
    inspection = InspectionFilter(
        label="Inspection", help_text=INSPECTION_HINT, max_length=300, widget=inspection_box()
    )
    source = django_filters.ChoiceFilter(
        label=SOURCE_LABEL,
        field_name="recommendation__inspection__source",
        choices=Source.choices,
        empty_label=EVERY_SOURCE,
        widget=PlainSelect,
    )
    # Chosen by address name (slug), from a list read once per page as plain values.
    region = django_filters.ChoiceFilter(
        label="Region",
        field_name="force__region__slug",
        empty_label="All regions",
        widget=PlainSelect,
    )
    force = django_filters.ChoiceFilter(
        label="Force", field_name="force__slug", empty_label="All forces", widget=PlainSelect
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of finding",
        field_name="recommendation__kind",
        choices=FindingKind.choices,
        empty_label="Every kind",
        widget=PlainSelect,
    )
    recommendation = django_filters.NumberFilter(
        field_name="recommendation__number",
        label="Number (within its kind)",
        min_value=1,
        max_value=9999,
    )
    addressee = django_filters.ChoiceFilter(
        label="Addressee",
        field_name="recommendation__addressee",
        choices=Addressee.choices,
        empty_label="All addressees",
        widget=PlainSelect,
    )
    # By the state every page shows (a status, or 'dependency delivered: review').
    status = django_filters.ChoiceFilter(
        label="Status",
        field_name="state",
        choices=ItemState.choices,
        empty_label="All statuses",
        widget=PlainSelect,
    )

    class Meta:
        model = ForceImplementation
        fields: list[str] = []

    def __init__(
        self, data: Any = None, queryset: QuerySet[Any] | None = None, *, user: User, **kwargs: Any
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        if user.sees_all_forces:
            self.filters["region"].extra["choices"] = list(
                Region.objects.order_by("name").values_list("slug", "name")
            )
            self.filters["force"].extra["choices"] = list(
                permissions.scope_queryset(user, Force.objects.order_by("name")).values_list(
                    "slug", "name"
                )
            )
        else:
            # Their own force is the only choice, so it needs no filter of its own.
            del self.filters["region"]
            del self.filters["force"]
        for name, field in self.form.fields.items():
            if name == "inspection":
                continue
            css = "govuk-input govuk-input--width-4" if name == "recommendation" else "govuk-select"
            field.widget.attrs["class"] = css
            if isinstance(field.widget, forms.NumberInput):
                field.widget.attrs["inputmode"] = "numeric"

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.filters)

    def area(self) -> tuple[str, str] | None:
        """(region, force) as address names ("" for none) when those are the only filters set;
        None when any other is. (After validation, as every page does.)"""
        if not self.is_bound:
            return "", ""
        chosen = self.form.cleaned_data
        if any(chosen.get(name) for name in self.filters if name not in ("region", "force")):
            return None
        return chosen.get("region") or "", chosen.get("force") or ""


class AuditFilterForm(AddressForm):
    """The audit trail's filters, parsed from its address."""

    user = forms.CharField(label="Who", required=False, max_length=150, strip=True)
    kind = forms.ChoiceField(
        label="Kind of record",
        required=False,
        choices=[("", "Every kind"), *((kind, kind) for kind in audit_trail.KIND_NAMES)],
    )
    since = forms.DateField(label="From", required=False, input_formats=["%Y-%m-%d"])
    until = forms.DateField(label="To", required=False, input_formats=["%Y-%m-%d"])

    hints = {"since": "Write dates as 2026-11-21.", "until": "Write dates as 2026-11-21."}


class SuggestForm(forms.Form):
    """What the inspection box's suggestions are asked for, from its address."""

    q = forms.CharField(required=False, max_length=300, strip=True)


MAX_WINDOW_DAYS = 366


class WindowForm(forms.Form):
    """The due-soon report's window, from its address (empty: the configured default)."""

    days = forms.IntegerField(required=False, min_value=1, max_value=MAX_WINDOW_DAYS)

    def problems(self) -> list[str]:
        raw = self.data.get("days", "")
        return [
            f"The window must be a whole number of days from 1 to {MAX_WINDOW_DAYS}, not '{raw}'."
        ]
