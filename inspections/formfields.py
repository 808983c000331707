"""Form fields for the GOV.UK patterns every feature's pages use: the three-field date input
(which never asks a browser to parse a date), an input that takes several files, a plain-text
area, and a service's refusal put beside the fields it names. A neutral home below the
features, so that no feature imports another's forms."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from inspections.models.fields import PlainTextFormField
from inspections.text import is_plain_number, validate_plain_text
from inspections.validation import date_range_problem


class DateParts(forms.MultiWidget):
    template_name = "work/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        part = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(
            [
                forms.TextInput(attrs={**part, "class": "govuk-input govuk-date-input__input"}),
                forms.TextInput(attrs={**part, "class": "govuk-input govuk-date-input__input"}),
                forms.TextInput(attrs={**part, "class": "govuk-input govuk-date-input__input"}),
            ],
            attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(
            context["widget"]["subwidgets"], ("Day", "Month", "Year"), strict=True
        ):
            subwidget["label"] = label
            width = "4" if label == "Year" else "2"
            subwidget["attrs"]["class"] += f" govuk-input--width-{width}"
        return context


class AdminDateParts(DateParts):
    """The same three boxes in the admin's own style. Each box's label names the field
    ("Deadline: day"), so the admin's label is not tied to the first box as well."""

    template_name = "admin/widgets/date_parts.html"

    def __init__(self, label: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.label = label

    def id_for_label(self, id_: str) -> str:
        return ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["field_label"] = self.label
        return context


def admin_date_field(
    label: str, *, required: bool, help_text: str = "", initial: Any = None
) -> GovukDateField:
    """A date in the admin as day, month and year, checked as every service page checks one."""
    return GovukDateField(
        label=label,
        subject=f"the {label[:1].lower()}{label[1:]}",
        required=required,
        help_text=help_text,
        initial=initial,
        widget=AdminDateParts(label=label),
    )


class GovukDateField(forms.MultiValueField):
    """Day, month and year as three boxes, with GOV.UK's error messages."""

    widget = DateParts

    def __init__(self, *, subject: str = "the date", **kwargs: Any) -> None:
        self.subject = subject
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        parts = [str(p or "").strip() for p in (value or [None, None, None])]
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {self.subject}.", code="required")
            return None
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(
                f"{self.subject.capitalize()} must include a {' and a '.join(missing)}.",
                code="incomplete",
            )
        if not all(is_plain_number(part) for part in parts) or len(parts[2]) != 4:
            raise ValidationError(
                f"{self.subject.capitalize()} must be a real date, for example 27 3 2024.",
                code="invalid",
            )
        try:
            day = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError as error:
            raise ValidationError(
                f"{self.subject.capitalize()} must be a real date, for example 27 3 2024.",
                code="invalid",
            ) from error
        if problem := date_range_problem(day, self.subject):
            raise ValidationError(problem, code="range")
        return day

    def compress(self, data_list: list[Any]) -> Any:  # clean() does the whole job
        return data_list


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def text_field(label: str, limit: int, *, required: bool = False, hint: str = "") -> forms.Field:
    return PlainTextFormField(
        label=label,
        required=required,
        max_length=limit,
        help_text=hint,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
    )


def put_errors(
    form: forms.BaseForm,
    error: ValidationError,
    aliases: dict[str, str],
    skip: set[str] | frozenset[str] = frozenset(),
) -> None:
    """A service's refusal put on the page: each message beside the field it names (``aliases``
    maps a model's field to the form's), the rest at the top of the form. The one helper every
    form page uses for that step."""
    if not hasattr(error, "error_dict"):  # a refusal of the whole form, or of its "__all__"
        whole = aliases.get("__all__")
        for message in error.messages:
            form.add_error(whole if whole in form.fields else None, message)
        return
    for field, messages in error.message_dict.items():
        name = aliases.get(field, field)
        if name in skip:
            continue
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


@dataclass(frozen=True)
class Saved[T]:
    """What a form page's write returned: a value that is true even when the write returns
    nothing, so that a page can ask ``if saved := save_posted(...)``."""

    value: T


def save_posted[T](
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], T],
    *,
    aliases: dict[str, str] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Saved[T] | None:
    """The one shape of a form page's POST. When the form was posted and is valid, the write runs
    with its cleaned data and what it returned comes back; a refusal (a ``ValidationError`` from
    the service) goes on the form beside the fields it names (``put_errors``) and nothing comes
    back, so the page is shown again. A GET, or an invalid form, also gives nothing."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Saved(write(form.cleaned_data))
    except ValidationError as error:
        put_errors(form, error, aliases or {}, skip)
        return None


def page_status(form: forms.BaseForm | None) -> int:
    """The status a form page answers with: 400 when what was posted was refused."""
    return 400 if form is not None and form.is_bound and form.errors else 200
