"""Presentation helpers for report templates."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.html import format_html

from inspections.models import Status
from inspections.reports.tables import Cell

register = template.Library()

# How much of a long narrative a table shows before "more".
SHORT_WORDS = 10

# Colour only repeats the status's words: the label is always shown.
STATUS_TAGS: dict[str, str] = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.IN_PROGRESS: "govuk-tag--turquoise",
    Status.AWAITING_DEPENDENCY: "govuk-tag--yellow",
    Status.IMPLEMENTED: "govuk-tag--purple",
    Status.COMPLETE: "govuk-tag--green",
    Status.NOT_APPLICABLE: "govuk-tag--orange",
}


@register.simple_tag
def status_tag(status: str, label: str = "") -> str:
    return format_html(
        '<strong class="govuk-tag tracker-status {}">{}</strong>',
        STATUS_TAGS.get(status, "govuk-tag--grey"),
        label or Status(status).label,
    )


@register.filter
def date_or_dash(value: datetime.date | None) -> str:
    return f"{value:%-d %b %Y}" if value else "–"


@register.simple_tag(takes_context=True)
def render_cell(context: template.Context, cell: Cell) -> str:
    if cell.status:
        return status_tag(cell.status, cell.value if isinstance(cell.value, str) else "")
    value = cell.value
    if value is None or value == "":
        text = "–"
    elif isinstance(value, datetime.date):
        text = f"{value:%-d %b %Y}"
    else:
        text = str(value)
    if cell.long_text and text != "–":
        words = text.split()
        if len(words) <= SHORT_WORDS:
            return text
        return format_html(
            '<details class="govuk-details tracker-more"><summary class="govuk-details__summary">'
            '<span class="govuk-details__summary-text">{}…</span></summary>'
            '<div class="govuk-details__text tracker-narrative">{}</div></details>',
            " ".join(words[:SHORT_WORDS]),
            text,
        )
    if cell.url and text != "–":
        url = cell.url
        request = context.get("request")
        if cell.returns_here and request is not None:
            # Work done from the linked page comes back to this report, filters and all.
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)
    return text


@register.simple_tag
def with_query(query: str, **changes: str) -> str:
    """The current filters plus changes (an empty value drops the parameter), for export links
    that keep what is on screen."""
    params = QueryDict(query, mutable=True)
    for key, value in changes.items():
        if value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


@register.simple_tag
def page_link(query: str, parameter: str, number: int) -> str:
    """The current address with one table's page changed."""
    params = QueryDict(query, mutable=True)
    params[parameter] = str(number)
    return "?" + params.urlencode()


@register.filter
def item_link(implementation: object) -> str:
    """The full address of an implementation's item page, for emails."""
    from inspections.reminders import absolute, item_url

    return absolute(item_url(implementation))  # type: ignore[arg-type]
