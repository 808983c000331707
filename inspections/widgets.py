"""Widgets shared by the admin and the service's own forms."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A <select> of plain choices written here rather than through the form renderer's
    templates, one per option: a report's filters list every force and region on every page
    view, and the templates cost more than the rest of the form."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise TypeError("PlainSelect has no option groups.")
            key = "" if option_value is None else str(option_value)
            selected = " selected" if key in chosen else ""
            words = escape(str(label))
            options.append(f'<option value="{escape(key)}"{selected}>{words}</option>')
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return SafeString(f'<select name="{escape(name)}"{attributes}>{"".join(options)}</select>')
