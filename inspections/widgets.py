"""Widgets shared by the admin and the service's own forms."""

from __future__ import annotations

from typing import Any

from django import forms


class BrowserDateInput(forms.DateInput):
    """<input type="date">. Browsers accept only an ISO date as its value; with the site's
    en-GB formats Django would render 31/03/2027, which the browser drops, so the field shows
    empty and the next save clears the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
