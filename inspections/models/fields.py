"""Text fields that store text one way: line endings normalised once, by the form field or the
service the text comes in through (never on save, so that a restored backup is written back
exactly as it was), control characters refused with a message, and a length limit that forms
and services both enforce."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.expressions import Combinable
from django.utils.deconstruct import deconstructible

from inspections.pictures import image_problem
from inspections.text import (
    evidence_file_problem,
    normalise_newlines,
    validate_one_line,
    validate_plain_text,
)


class PlainTextFormField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_newlines(value) if isinstance(value, str) else value


class PlainTextMixin(models.Field[Any, str]):  # mixed into the Text and Char fields below
    default_validators: list[Callable[[Any], None]] = [validate_plain_text]

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        if getattr(self, "choices", None) is None:
            kwargs.setdefault("form_class", PlainTextFormField)
        return super().formfield(**kwargs)


class PlainTextField(PlainTextMixin, models.TextField[str | Combinable, str]):
    """A TextField whose max_length is a real limit (checked by model validation too)."""

    # What the type checker reads a row's value as (django-stubs' convention for a field).
    _pyi_private_set_type: str | Combinable
    _pyi_private_get_type: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class PlainCharField(PlainTextMixin, models.CharField[str | int | Combinable, str]):
    """A line of text: a name or a title goes into email subjects and headers, where a line
    break would break the message."""

    _pyi_private_set_type: str | int | Combinable
    _pyi_private_get_type: str
    default_validators: list[Callable[[Any], None]] = [validate_plain_text, validate_one_line]


@deconstructible
class EvidenceFileValidator:
    """Size and kind limits read from settings when a file is checked, so they can change
    without a migration."""

    def __call__(self, value: Any) -> None:
        if problem := evidence_file_problem(value.name.rsplit("/", 1)[-1], value.size):
            raise ValidationError(problem, code="evidence_file")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EvidenceFileValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class ImageFileValidator:
    def __call__(self, value: Any) -> None:
        if problem := image_problem(value):
            raise ValidationError(problem, code="image")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImageFileValidator)

    def __hash__(self) -> int:
        return hash(type(self))
