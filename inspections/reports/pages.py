"""What every report page shares: bad input answered with a 400 page naming the problem,
filters parsed by the filter form, long tables paged, the same table rendered or exported, and
the cells of a row of implementations."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import render

from inspections import exports
from inspections.addresses import address
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    Force,
    Inspection,
    Recommendation,
    User,
)
from inspections.models.attention import ImplementationQuerySet
from inspections.tables import Cell, Column, Table
from inspections.text import is_plain_number

from . import downloads
from .filters import ImplementationFilter, InspectionChoiceForm
from .queries import rows

PER_PAGE = 50


class BadInput(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def handles_bad_input(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(
        request: AuthenticatedHttpRequest, *args: object, **kwargs: object
    ) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except BadInput as error:
            return render(
                request,
                "reports/bad_request.html",
                {"messages_list": error.messages, "back": request.path},
                status=400,
            )

    return wrapper


def page_of(
    request: AuthenticatedHttpRequest,
    table: Table,
    queryset: QuerySet[Any],
    count: int | None = None,
) -> Iterable[Any]:
    """The page of ``queryset`` the address asks for. ``count``: how many rows it has, where the
    page has already counted them, so that they are not counted again."""
    raw = request.GET.get(table.page_parameter, "1").strip()
    if not is_plain_number(raw) or int(raw) < 1:
        raise BadInput(f"The page number must be a whole number from 1, not '{raw}'.")
    paginator = Paginator(queryset, PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached_property: this is the value it would have worked out
    number = int(raw)
    if number > paginator.num_pages:
        raise BadInput(
            f"There are only {paginator.num_pages} pages of '{table.caption}', not {number}."
        )
    table.page = paginator.page(number)
    rows: Iterable[Any] = table.page.object_list
    return rows


def fill_implementations(
    request: AuthenticatedHttpRequest,
    table: Table,
    queryset: QuerySet[Any],
    extra: downloads.Extra | None = None,
    count: int | None = None,
    *,
    ids_first: bool = False,
) -> None:
    """A table of implementations: one page of rows on screen, or, for an export, every row
    streamed from the query in the export's own columns. ``count``: its number of rows, where
    the page knows it without counting them."""
    if export_format(request):
        table.export = downloads.implementation_sheet(table.sheet_name, queryset, extra)
        return
    user = request.user
    # Counted on the model's table alone (no joins), then the page read as plain values (and
    # kept as the page's rows, so that showing the pager does not read them again as models).
    page_of(request, table, queryset, count)
    table.page.object_list = rows.page_rows(table.page.object_list, ids_first=ids_first)
    for row in table.page.object_list:
        extras = (
            [Cell(extra.from_due_date(row.due_date) if row.due_date else None)] if extra else []
        )
        table.add(*implementation_cells(user, row, extras))


def export_format(request: AuthenticatedHttpRequest) -> str | None:
    value = request.GET.get("format")
    if value is None or value == "":
        return None
    if value not in exports.FORMATS:
        raise BadInput(f"'{value}' is not an export format. Choose csv or xlsx.")
    return value


def chosen_inspection(
    request: AuthenticatedHttpRequest, default: Inspection | None
) -> tuple[Inspection | None, InspectionChoiceForm]:
    """The inspection a one-inspection page is about, from ``?inspection=`` (default when not
    given), and the picker to show it in. A name that picks out none is a clear 400."""
    form = InspectionChoiceForm(request.GET)
    if not form.is_valid():
        raise BadInput(*form.problems())
    chosen = form.cleaned_data["inspection"] or default
    picker = InspectionChoiceForm(initial={"inspection": chosen.title if chosen else ""})
    return chosen, picker


def filtered(
    request: AuthenticatedHttpRequest, queryset: ImplementationQuerySet
) -> ImplementationFilter:
    user = request.user
    wanted = request.GET.get("force")
    if wanted and not user.sees_all_forces and wanted != getattr(user.force, "slug", None):
        # Another force's address is simply not there for this user.
        raise Http404("No such force is available to you.")
    filterset = ImplementationFilter(request.GET or None, queryset=queryset, user=request.user)
    if filterset.is_bound and not filterset.is_valid():
        problems = [
            f"{filterset.form.fields[name].label}: {' '.join(errors)}"
            if name in filterset.form.fields
            else " ".join(errors)
            for name, errors in filterset.form.errors.items()
        ]
        raise BadInput(*problems)
    return filterset


def chosen_tables(
    request: AuthenticatedHttpRequest, tables: list[Table], *, every: bool
) -> list[Table]:
    """The table named by ?table=, or (where ``every`` allows it) all of them."""
    key = request.GET.get("table")
    if not key:
        return tables if every else tables[:1]
    matching = [table for table in tables if table.key == key]
    if not matching:
        names = ", ".join(table.key for table in tables)
        raise BadInput(f"There is no table '{key}' on this page. Choose one of: {names}.")
    return matching


def scope_words(request: AuthenticatedHttpRequest, stem: str) -> list[str]:
    """What a file holds, for its name: the force or region it was narrowed to (a force user's
    own force always), so that two downloads of one report do not look alike."""
    user = request.user
    words = [request.GET.get(name, "") for name in ("force", "region", "inspection")]
    if not user.sees_all_forces and user.force is not None:
        words.insert(0, user.force.slug)
    return [w for w in dict.fromkeys(words) if w and w not in stem]


def respond(
    request: AuthenticatedHttpRequest,
    template: str,
    context: dict[str, Any],
    tables: list[Table],
    stem: str,
    today: datetime.date,
) -> HttpResponseBase:
    """The page, or the download it offers: ?format=csv gives one table (?table=, else the
    first), ?format=xlsx the one named by ?table= or every table of the page as one workbook."""
    chosen = export_format(request)
    scope = scope_words(request, stem)
    if chosen == "csv":
        (table,) = chosen_tables(request, tables, every=False)
        which = [table.key] if len(tables) > 1 else []
        name = "-".join([stem, *which, *scope])
        return exports.as_csv(table.as_sheet(), name, today)
    if chosen == "xlsx":
        picked = chosen_tables(request, tables, every=True)
        which = [picked[0].key] if len(picked) == 1 and len(tables) > 1 else []
        name = "-".join([stem, *which, *scope])
        return exports.as_xlsx([table.as_sheet() for table in picked], name, today)
    query = request.GET.urlencode()
    return render(
        request,
        template,
        {
            **context,
            "tables": tables,
            "today": today,
            "query": query,
            "link_query": f"?{query}" if query else "",
        },
    )


# --- shared row building ----------------------------------------------------------------------


def force_url(force: Force) -> str:
    return force_path(force.slug)


def force_path(slug: str) -> str:
    return address("force", slug)


def recommendation_url(recommendation: Recommendation) -> str:
    return address("recommendation", recommendation.inspection.slug, recommendation.ref)


def recommendation_cell(recommendation: Recommendation) -> Cell:
    return Cell(
        f"{recommendation.inspection.title} – {recommendation.reference_in_text}",
        url=recommendation_url(recommendation),
    )


def state_cell(state: str) -> Cell:
    """An item's state (``ItemState``: its status, or 'dependency delivered: review')."""
    return Cell(downloads.state_label(state), status=state)


def implementation_status_cell(row: rows.ItemRow) -> Cell:
    return state_cell(row.state)


def target_cell(row: rows.ItemRow) -> Cell:
    """The force's target date, flagged when it is after the date the item falls due."""
    return Cell(row.target_date, flag=TARGET_BEYOND_DUE if row.target_beyond_due else "")


TARGET_BEYOND_DUE = "After it falls due"


def implementation_columns(user: User, extra: Column | None = None) -> list[Column]:
    """A force user sees only their own force, so the force column is dropped to keep the table
    inside the page; the latest narrative says why an item stands where it is. (The region is a
    filter, and the dashboard's grouping, rather than a column.)"""
    return [
        *([Column("Force")] if user.sees_all_forces else []),
        Column("Recommendation"),
        Column("Deadline"),
        Column("Falls due"),
        *([extra] if extra else []),
        Column("Status"),
        Column("Force's target date"),
        Column("Latest update"),
        Column("What the force last said"),
        Column("Waiting on"),
    ]


def item_cell(row: rows.ItemRow) -> Cell:
    """The finding, linking to this force's item page, where it is worked on."""
    return Cell(f"{row.inspection_name}: {row.label}", url=row.item_url, returns_here=True)


def implementation_cells(user: User, row: rows.ItemRow, extras: list[Cell]) -> list[Cell]:
    """A row's cells, in ``implementation_columns`` order (``extras`` after the deadline)."""
    return [
        *([Cell(row.force_name, url=force_path(row.force_slug))] if user.sees_all_forces else []),
        item_cell(row),
        Cell(row.deadline_on),
        Cell(row.due_date),
        *extras,
        implementation_status_cell(row),
        target_cell(row),
        Cell(row.latest_update_on),
        Cell(row.latest_narrative, long_text=True),
        Cell(row.waiting_on),
    ]
