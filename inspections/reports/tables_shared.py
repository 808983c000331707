"""What every report page shares: bad input answered with a 400 page naming the problem,
filters parsed by the filter form, long tables paged, the same table rendered or exported, and
the cells of a row of implementations."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from functools import wraps

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from inspections.models import (
    Recommendation,
    Status,
    User,
)
from inspections.reminders import item_url

from . import exports
from .filters import ImplementationFilter
from .tables import Cell, Column, Table

PER_PAGE = 50


class BadInput(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def handles_bad_input(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
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


def rows_for(request: HttpRequest, table: Table, queryset: QuerySet) -> Iterable:
    """Every row for an export; otherwise the requested page, which the table remembers."""
    chosen = export_format(request)
    if chosen == "csv" and request.GET.get("table", table.key) != table.key:
        return []  # a CSV holds one table: the others need not be fetched
    if chosen:
        return queryset
    raw = request.GET.get(table.page_parameter, "1").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise BadInput(f"The page number must be a whole number from 1, not '{raw}'.")
    paginator = Paginator(queryset, PER_PAGE)
    number = int(raw)
    if number > paginator.num_pages:
        raise BadInput(
            f"There are only {paginator.num_pages} pages of '{table.caption}', not {number}."
        )
    table.page = paginator.page(number)
    return table.page.object_list


def export_format(request: HttpRequest) -> str | None:
    value = request.GET.get("format")
    if value is None or value == "":
        return None
    if value not in exports.FORMATS:
        raise BadInput(f"'{value}' is not an export format. Choose csv or xlsx.")
    return value


def filtered(request: HttpRequest, queryset: object) -> ImplementationFilter:
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


def respond(
    request: HttpRequest,
    template: str,
    context: dict,
    tables: list[Table],
    stem: str,
    today: datetime.date,
) -> HttpResponse:
    chosen = export_format(request)
    if chosen == "csv":
        key = request.GET.get("table") or tables[0].key
        matching = [table for table in tables if table.key == key]
        if not matching:
            names = ", ".join(table.key for table in tables)
            raise BadInput(f"There is no table '{key}' on this page. Choose one of: {names}.")
        return exports.as_csv(matching[0], stem if len(tables) == 1 else f"{stem}-{key}", today)
    if chosen == "xlsx":
        return exports.as_xlsx(tables, stem, today)
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


def force_url(force: object) -> str:
    return reverse("force", args=[force.slug])


def recommendation_url(recommendation: Recommendation) -> str:
    return reverse("recommendation", args=[recommendation.inspection.slug, recommendation.number])


def recommendation_cell(recommendation: Recommendation) -> Cell:
    return Cell(
        f"{recommendation.inspection.title} – recommendation {recommendation.number}",
        url=recommendation_url(recommendation),
    )


NEEDS_REVIEW_LABEL = "Dependency delivered: review"


def status_cell(status: str) -> Cell:
    return Cell(Status(status).label, status=status)


def implementation_status_cell(implementation: object) -> Cell:
    """The status, except that an item whose dependencies were all delivered is the force's to
    review: it is shown as that, never as still awaiting."""
    if implementation.status == Status.AWAITING_DEPENDENCY and not any(
        d.is_pending for d in implementation.blocking_dependencies.all()
    ):
        return Cell(NEEDS_REVIEW_LABEL, status=implementation.status)
    return status_cell(implementation.status)


def waiting_on(implementation: object) -> str:
    return "; ".join(d.title for d in implementation.blocking_dependencies.all())


def implementation_columns(user: User, extra: Column | None = None) -> list[Column]:
    """A force user sees only their own force, so the force column is dropped to keep the table
    inside the page; the latest narrative says why an item stands where it is. (The region is a
    filter, and the dashboard's grouping, rather than a column.)"""
    return [
        *([Column("Force")] if user.sees_all_forces else []),
        Column("Recommendation"),
        Column("Deadline"),
        *([extra] if extra else []),
        Column("Status"),
        Column("Force's target date"),
        Column("Latest update"),
        Column("What the force last said"),
        Column("Waiting on"),
    ]


def item_cell(implementation: object) -> Cell:
    """The recommendation, linking to this force's item page, where it is worked on."""
    recommendation = implementation.recommendation
    return Cell(
        f"{recommendation.inspection.list_name}: {recommendation.label}",
        url=item_url(implementation),
        returns_here=True,
    )


def implementation_cells(user: User, implementation: object, extra: object = None) -> list[Cell]:
    return [
        *(
            [Cell(implementation.force.name, url=force_url(implementation.force))]
            if user.sees_all_forces
            else []
        ),
        item_cell(implementation),
        Cell(implementation.due_date),
        *([Cell(extra)] if extra is not None else []),
        implementation_status_cell(implementation),
        Cell(implementation.target_date),
        Cell(implementation.latest_update_on),
        Cell(getattr(implementation, "latest_narrative", "") or "", long_text=True),
        Cell(waiting_on(implementation)),
    ]
