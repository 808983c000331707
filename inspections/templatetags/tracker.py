"""Presentation helpers for report templates."""

from __future__ import annotations

import datetime
from html import escape as html_escape
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from inspections.addresses import absolute, item_url
from inspections.models import ItemState
from inspections.tables import Cell, Table

register = template.Library()

# How much of a long narrative a table shows before "more".
SHORT_WORDS = 10

# Colour only repeats the status's words: the label is always shown.
STATUS_TAGS: dict[str, str] = {
    ItemState.NOT_STARTED: "govuk-tag--grey",
    ItemState.IN_PROGRESS: "govuk-tag--turquoise",
    ItemState.RETURNED: "govuk-tag--red",
    ItemState.AWAITING_DEPENDENCY: "govuk-tag--yellow",
    ItemState.NEEDS_REVIEW: "govuk-tag--pink",
    ItemState.IMPLEMENTED: "govuk-tag--purple",
    ItemState.COMPLETE: "govuk-tag--green",
    ItemState.NOT_APPLICABLE: "govuk-tag--orange",
}


@register.simple_tag
def status_tag(status: str, label: str = "") -> SafeString:
    """A state's tag (``ItemState``: a status, or 'dependency delivered: review')."""
    css = STATUS_TAGS.get(status, "govuk-tag--grey")
    words = html_escape(str(label or ItemState(status).label))
    return SafeString(f'<strong class="govuk-tag tracker-status {css}">{words}</strong>')


@register.filter
def thousands(value: int | None) -> str:
    """A count with thousands separators ('2,796'), or a dash when there is none."""
    return "–" if value is None else f"{value:,}"


def cell_html(cell: Cell, back_query: str = "") -> SafeString:
    """One cell's content. ``back_query`` is ``next=<this page>``, added to links to task pages
    so that work done there comes back here, filters and all. (The standard library's escape,
    as Django's escape uses, and SafeString rather than mark_safe: neither wraps lazy strings,
    and a page has a thousand cells.)"""
    if cell.status:
        return status_tag(cell.status, cell.value if isinstance(cell.value, str) else "")
    if cell.flag:
        plain = Cell(cell.value, url=cell.url, returns_here=cell.returns_here)
        return SafeString(
            f'{cell_html(plain, back_query)}<br><strong class="govuk-tag govuk-tag--red '
            f'tracker-flag">{html_escape(cell.flag)}</strong>'
        )
    value = cell.value
    if value is None or value == "":
        return SafeString("–")
    text = f"{value:%-d %b %Y}" if isinstance(value, datetime.date) else str(value)
    if cell.long_text:
        words = text.split()
        if len(words) <= SHORT_WORDS:
            return SafeString(html_escape(text))
        return SafeString(
            '<details class="govuk-details tracker-more"><summary class="govuk-details__summary">'
            '<span class="govuk-details__summary-text">'
            f"{html_escape(' '.join(words[:SHORT_WORDS]))}…"
            '</span></summary><div class="govuk-details__text tracker-narrative">'
            f"{html_escape(text)}</div></details>"
        )
    if cell.url:
        url = f"{cell.url}?{back_query}" if cell.returns_here and back_query else cell.url
        return SafeString(
            f'<a class="govuk-link" href="{html_escape(url)}">{html_escape(text)}</a>'
        )
    return SafeString(html_escape(text))


def back_query_of(context: template.Context) -> str:
    request = context.get("request")
    return urlencode({"next": request.get_full_path()}) if request is not None else ""


@register.simple_tag(takes_context=True)
def render_cell(context: template.Context, cell: Cell) -> SafeString:
    return cell_html(cell, back_query_of(context))


@register.simple_tag(takes_context=True)
def table_body(context: template.Context, table: Table) -> SafeString:
    """A table's rows as HTML, built here rather than node by node in a template: a national
    report's 150 rows of 9 cells cost more in template rendering than in SQL."""
    back = back_query_of(context)
    rows = []
    for row in table.rows:
        cells = []
        for index, (cell, column) in enumerate(zip(row, table.columns, strict=True)):
            content = cell_html(cell, back)
            if index == 0:
                cells.append(f'<th scope="row" class="govuk-table__header">{content}</th>')
            elif column.numeric:
                cells.append(
                    f'<td class="govuk-table__cell govuk-table__cell--numeric">{content}</td>'
                )
            else:
                cells.append(f'<td class="govuk-table__cell">{content}</td>')
        rows.append(f'<tr class="govuk-table__row">{"".join(cells)}</tr>')
    if not rows:
        rows.append(
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" '
            f'colspan="{len(table.columns)}">{escape(table.empty_message)}</td></tr>'
        )
    return mark_safe("".join(rows))  # every value above was escaped


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
def error_target(field: Any) -> str:
    """The id an error summary links to: the field's own, or for radios, checkboxes and the
    three boxes of a date (which have no single id) their first input."""
    return str(field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else ""))


@register.filter
def item_link(implementation: object) -> str:
    """The full address of an implementation's item page, for emails."""
    return absolute(item_url(implementation))  # type: ignore[arg-type]


@register.filter
def long_date(iso: str | None) -> str:
    """'2026-12-10' (as a kept snapshot holds dates) as '10 December 2026'."""
    if not iso:
        return ""
    return f"{datetime.date.fromisoformat(iso):%-d %B %Y}"
