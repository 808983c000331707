"""Guards for ids posted in forms: a number too large for a 64-bit database column must be
'not a valid choice', never a database error. Django 6 already answers such ids in URLs and
admin object pages as 'not found' on both engines, but a model choice field still passes them to
SQLite, which raises OverflowError (tests/test_admin_entry.py keeps both behaviours tested)."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.text import is_plain_number

MAX_DIGITS = 18  # every 18-digit number fits a signed 64-bit integer


def is_id(value: object) -> bool:
    text = str(value).strip()
    return is_plain_number(text) and len(text) <= MAX_DIGITS


class SafeModelChoiceField(forms.ModelChoiceField[Any]):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField[Any]):
    def _check_values(self, value: Any) -> Any:
        for item in value or ():
            if not is_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's own, not in stubs
