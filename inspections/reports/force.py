"""One force's page: every recommendation, its latest updates and its letters."""

from __future__ import annotations

from django.http.response import HttpResponseBase

from inspections import clock, permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    Inspection,
)
from inspections.responses import queries as letter_queries
from inspections.tables import Column, Table

from . import charts, downloads, queries
from .filters import SourceChoiceForm
from .pages import (
    BadInput,
    export_format,
    handles_bad_input,
    implementation_status_cell,
    item_cell,
    page_of,
    respond,
    target_cell,
)
from .queries import rows

# How many of the force's reports and letters its page lists, latest first.
LISTED = 10


@handles_bad_input
def force_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    today = clock.today()
    force = permissions.visible_force_or_404(request.user, slug)
    choice = SourceChoiceForm(request.GET)
    if not choice.is_valid():
        raise BadInput(*choice.problems())
    source = choice.cleaned_data["source"]
    of_source = {"recommendation__inspection__source": source} if source else {}
    table = Table(
        "recommendations",
        f"{force.name}: every recommendation",
        sheet_name=force.name,
        columns=[
            Column("Finding"),
            Column("Deadline"),
            Column("Falls due"),
            Column("Status"),
            Column("Overdue"),
            Column("Stale"),
            Column("Force's target date"),
            Column("Latest update"),
            Column("Lead officer"),
        ],
    )
    # One set of the force's items for its counts and its table, so that the table's length is
    # the counts' total (counted once: at ten times the data each count read 20,000 rows).
    items = queries.implementations(request.user).filter(force=force, **of_source)
    counts = queries.attention_counts(items, today)
    implementations = queries.listed_with_flags(items, today)
    shown: list[rows.ItemRow] = []
    if export_format(request):
        table.export = downloads.implementation_sheet(table.sheet_name, implementations, flags=True)
    else:
        page_of(request, table, implementations, count=counts["total"])
        shown = rows.page_rows(
            table.page.object_list, flags=True, ids_first=queries.pages_by_ids_first()
        )
        table.page.object_list = shown
    for row in shown:
        table.add(
            item_cell(row),
            row.deadline_on,
            row.due_date,
            implementation_status_cell(row),
            downloads.yes_no(row.is_overdue),
            downloads.yes_no(row.is_stale),
            target_cell(row),
            row.latest_update_on,
            row.lead_officer,
        )
    # The latest few of the force's reports and letters: a force of long standing has hundreds
    # (the page took a second at ten times the benchmark's data, listing 4,000 reports twice).
    # Which reports, how many and of which sources come from one reading of the reports the
    # force has items on (a semi-join over its items, the page's costliest query at that size).
    found = list(Inspection.objects.with_items_for(force).values_list("pk", "source"))
    listed_ids = [pk for pk, _source in found[:LISTED]]
    by_id = Inspection.objects.in_bulk(listed_ids)
    reports_of_force = [by_id[pk] for pk in listed_ids]
    reports_total = len(found)
    sources = {source for _pk, source in found}
    received = letter_queries.chief_comments_received(force, reports_of_force)
    statistics = queries.force_statistics(force)
    beside_national = queries.statistics_beside_national(statistics)
    chart = charts.bar_chart(
        "operations-chart",
        f"Firearms operations in {force.name}, by year ending 31 March",
        [
            (f"Year ending March {s.year_ending:%Y}", s.firearms_operations, "value")
            for s in queries.latest_edition_per_year(statistics)
        ],
    )
    letters = (
        letter_queries.visible_letters(request.user)
        .filter(force=force)
        .order_by("-letter_date", "-created_at")
    )
    context = {
        # A choice of source only where the force has reports from more than one, or one is
        # chosen: with one source it would only repeat the page.
        "choice": choice if source or len(sources) > 1 else None,
        "force": force,
        "rows": shown,
        "statistics": statistics,
        "beside_national": beside_national,
        "chart": chart,
        "counts": counts,
        "letters": letters[:LISTED],
        "letters_total": letters.count(),
        "listed": LISTED,
        "reports_total": reports_total,
        "can_draft": permissions.can_edit_letters(request.user, force),
        "may_update_several": permissions.can_record_for_force(request.user, force),
        "update_inspections": reports_of_force,
        "chief_comments": [(report, received.get(report.pk)) for report in reports_of_force],
    }
    return respond(request, "reports/force.html", context, [table], force.slug, today)
