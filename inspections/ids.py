"""Guards for ids that come from outside (URLs, forms): a number too large for a 64-bit
database column must be 'not found' or 'not a valid choice', never a database error."""

from __future__ import annotations

from typing import Any

from django import forms

MAX_DIGITS = 18  # every 18-digit number fits a signed 64-bit integer


def is_id(value: object) -> bool:
    text = str(value).strip()
    return text.isdigit() and len(text) <= MAX_DIGITS


class IdConverter:
    """<id:name> in URLs: like <int:name> but no longer than a database id can be."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for item in value or ():
            if not is_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)
