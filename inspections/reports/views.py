"""The report pages. Thin: questions are asked in queries.py, access decided in permissions.py,
and every table page exports exactly its on-screen rows at ?format=csv or ?format=xlsx (the
shared machinery is in tables_shared.py)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from inspections import audit as audit_trail
from inspections import clock, permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.letters import queries as letter_queries
from inspections.models import (
    Inspection,
    OverdueKind,
    Recommendation,
    Scope,
    Status,
    User,
)
from inspections.models.progress import due_soon_window
from inspections.reminders import item_url

from . import charts, queries, streams
from .filters import (
    SUGGESTIONS,
    AuditFilterForm,
    SuggestForm,
    WindowForm,
    inspection_matches,
)
from .streams import Extra
from .tables import Cell, Column, Table
from .tables_shared import (
    BadInput,
    export_format,
    fill_implementations,
    filtered,
    force_url,
    handles_bad_input,
    implementation_columns,
    page_of,
    recommendation_cell,
    respond,
    status_cell,
)

OVERDUE_SHEETS = {
    OverdueKind.WITHIN_CONTROL: "Overdue - within control",
    OverdueKind.AWAITING_DEPENDENCY: "Overdue - awaiting dependency",
    OverdueKind.AWAITING_SIGN_OFF: "Overdue - awaiting sign-off",
}


# --- pages ------------------------------------------------------------------------------------


@handles_bad_input
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    filterset = filtered(request, queries.implementations(request.user))
    user = request.user
    by_region = (
        queries.attention_counts_by_region(filterset.qs, today) if (user.sees_all_forces) else None
    )
    counts = (
        queries.sum_counts(by_region)
        if by_region is not None
        else queries.attention_counts(filterset.qs, today)
    )
    tables: list[Table] = []
    context: dict = {"filter": filterset, "counts": counts}
    s55_inspection = letter_queries.default_response_inspection(today)
    if s55_inspection is not None:
        context["s55_inspection"] = s55_inspection
        context["s55_counts"] = letter_queries.response_counts(
            letter_queries.responses(request.user, s55_inspection, today)
        )
    if by_region is not None:
        table = Table(
            "regions",
            "Items needing attention by region",
            [
                Column("Region"),
                Column("Overdue: within the force's control", numeric=True),
                Column("Overdue: awaiting a dependency", numeric=True),
                Column("Overdue: awaiting sign-off", numeric=True),
                Column("Due soon", numeric=True),
                Column("Needs review", numeric=True),
                Column("Complete", numeric=True),
                Column("All items", numeric=True),
            ],
        )
        for row in by_region:
            table.add(
                Cell(
                    row["force__region__name"],
                    url=reverse("overdue") + f"?region={row['force__region__slug']}",
                ),
                *(
                    row[key]
                    for key in (
                        "overdue_within_control",
                        "overdue_awaiting_dependency",
                        "overdue_awaiting_sign_off",
                        "due_soon",
                        "needs_review",
                        "complete",
                        "total",
                    )
                ),
            )
        tables.append(table)
    else:
        context["force"] = user.force
        table = Table(
            "needs-review",
            "Your items that need review: everything they waited on has been delivered",
            implementation_columns(user),
            empty_message="Nothing needs review.",
            sheet_name="Needs review",
        )
        fill_implementations(request, table, queries.needs_review(filterset.qs))
        tables.append(table)
    return respond(request, "reports/dashboard.html", context, tables, "dashboard", today)


@handles_bad_input
def overdue(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    filterset = filtered(request, queries.implementations(request.user))
    by_kind = queries.overdue(filterset.qs, today)
    tables = []
    days_overdue = Extra("Days overdue", lambda due: (today - due).days)
    for kind in OverdueKind:
        table = Table(
            kind.value.replace("_", "-"),
            f"Overdue: {kind.label.lower()}",
            implementation_columns(request.user, Column(days_overdue.label, numeric=True)),
            empty_message="No overdue items of this kind.",
            sheet_name=OVERDUE_SHEETS[kind],
        )
        fill_implementations(request, table, by_kind[kind.value], days_overdue)
        tables.append(table)
    context = {"filter": filterset, "total": sum(table.total for table in tables)}
    return respond(request, "reports/overdue.html", context, tables, "overdue", today)


@handles_bad_input
def due_soon(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    window = WindowForm(request.GET)
    if not window.is_valid():
        raise BadInput(*window.problems())
    days = window.cleaned_data["days"] or due_soon_window()
    filterset = filtered(request, queries.implementations(request.user))
    days_left = Extra("Days left", lambda due: (due - today).days)
    table = Table(
        "due-soon",
        f"Due in the next {days} days (to {today + datetime.timedelta(days=days):%-d %B %Y})",
        implementation_columns(request.user, Column(days_left.label, numeric=True)),
        empty_message="Nothing falls due in this window.",
        sheet_name=f"Due in the next {days} days",
    )
    fill_implementations(request, table, queries.due_soon(filterset.qs, today, days), days_left)
    context = {"filter": filterset, "days": days, "extra_fields": [("days", days)]}
    return respond(request, "reports/due_soon.html", context, [table], "due-soon", today)


@handles_bad_input
def dependencies(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    filterset = filtered(request, queries.implementations(request.user))
    dependency_table = Table(
        "dependencies",
        "National and regional work that recommendations wait on",
        sheet_name="Dependencies",
        columns=[
            Column("Dependency"),
            Column("Kind"),
            Column("Owner"),
            Column("Status"),
            Column("Expected"),
            Column("Delivered or withdrawn"),
            Column("Forces waiting", numeric=True),
            Column("Items waiting", numeric=True),
            Column("Recommendations"),
        ],
    )
    for dependency in queries.dependencies(request.user):
        dependency_table.add(
            Cell(dependency.title, url=dependency.url),
            dependency.get_kind_display(),
            dependency.owner,
            dependency.get_status_display(),
            dependency.expected_date,
            dependency.delivered_date,
            dependency.forces_blocked,
            dependency.items_blocked,
            "; ".join(
                f"{rec.inspection.slug} {rec.number}" for rec in dependency.recommendations.all()
            ),
        )
    review_table = Table(
        "needs-review",
        "Needs review: everything these items waited on has been delivered or withdrawn",
        implementation_columns(request.user),
        empty_message="Nothing needs review.",
        sheet_name="Needs review",
    )
    fill_implementations(request, review_table, queries.needs_review(filterset.qs))
    context = {"filter": filterset}
    return respond(
        request,
        "reports/dependencies.html",
        context,
        [dependency_table, review_table],
        "dependencies",
        today,
    )


@handles_bad_input
def matrix(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    inspections = list(Inspection.objects.order_by("is_sample", "-published", "title"))
    default = Inspection.objects.default_choice()
    slug = request.GET.get("inspection") or (default.slug if default else "")
    chosen = next((i for i in inspections if i.slug == slug), None)
    if chosen is None:
        if inspections:
            raise BadInput(f"There is no inspection '{slug}'.")
        return render(request, "reports/matrix.html", {"inspections": [], "today": today})
    grid = queries.matrix(request.user, chosen, today)
    table = matrix_table(chosen, grid)
    context = {"inspections": inspections, "chosen": chosen, "grid": grid}
    return respond(request, "reports/matrix.html", context, [table], f"matrix-{chosen.slug}", today)


def matrix_table(inspection: Inspection, grid: queries.Matrix) -> Table:
    """The grid as one table for the screen and the export alike: a status and its overdue flag
    in each cell, each force's totals at the end of its row, each recommendation's at the foot."""
    columns = [Column("Region"), Column("Force")]
    columns += [Column(f"Rec. {rec.number}") for rec in grid.recommendations]
    columns += [Column("Complete", numeric=True), Column("Overdue", numeric=True)]
    table = Table(
        "matrix",
        f"Status of every force: {inspection.title}",
        columns,
        sheet_name=f"Matrix {inspection.list_name}",
    )
    for region, forces in grid.regions:
        for force, cells, totals in forces:
            table.add(
                region,
                Cell(force.name, url=force_url(force)),
                *(
                    Cell(
                        Status(cell.status).label,
                        status=cell.status,
                        url=item_url(cell),
                        flag="Overdue" if cell.is_overdue else "",
                    )
                    if cell
                    else Cell("–")
                    for cell in cells
                ),
                totals["complete"],
                totals["overdue"],
            )
    for key, label in (("complete", "Complete"), ("overdue", "Overdue")):
        table.add_foot(
            "",
            label,
            *(totals[key] for totals in grid.column_totals),
            Cell(None),
            Cell(None),
        )
    return table


@handles_bad_input
def force_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    today = clock.today()
    force = permissions.visible_force_or_404(request.user, slug)
    table = Table(
        "recommendations",
        f"{force.name}: every recommendation",
        sheet_name=force.name,
        columns=[
            Column("Recommendation"),
            Column("Deadline"),
            Column("Status"),
            Column("Overdue"),
            Column("Stale"),
            Column("Force's target date"),
            Column("Latest update"),
            Column("Lead officer"),
        ],
    )
    rows = []
    if export_format(request):
        table.export = streams.implementation_sheet(
            table.sheet_name,
            queries.listed(queries.force_implementations(force, today, history=False)),
            flags=True,
        )
    else:
        rows = list(page_of(request, table, queries.force_implementations(force, today)))
    for implementation in rows:
        table.add(
            recommendation_cell(implementation.recommendation),
            implementation.due_date,
            status_cell(implementation.status),
            "Yes" if implementation.is_overdue else "No",
            "Yes" if implementation.is_stale else "No",
            implementation.target_date,
            implementation.latest_update_on,
            implementation.lead_officer,
        )
    statistics = queries.force_statistics(force)
    chart = charts.bar_chart(
        "operations-chart",
        f"Firearms operations in {force.name}, by year ending 31 March",
        [
            (f"Year ending March {s.year_ending:%Y}", s.firearms_operations, "value")
            for s in queries.latest_edition_per_year(statistics)
        ],
    )
    counts = queries.attention_counts(
        queries.implementations(request.user).filter(force=force), today
    )
    context = {
        "force": force,
        "rows": rows,
        "statistics": statistics,
        "chart": chart,
        "counts": counts,
        "letters": letter_queries.visible_letters(request.user)
        .filter(force=force)
        .order_by("-letter_date", "-created_at"),
        "can_draft": permissions.can_edit_letters(request.user, force),
        "may_update_several": permissions.can_record_for_force(request.user, force),
        "update_inspection": Inspection.objects.default_choice(),
    }
    return respond(request, "reports/force.html", context, [table], force.slug, today)


@handles_bad_input
def recommendation_page(
    request: AuthenticatedHttpRequest, inspection: str, number: int
) -> HttpResponseBase:
    today = clock.today()
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("inspection").prefetch_related("dependencies"),
        inspection__slug=inspection,
        number=number,
    )
    picture = queries.recommendation_picture(request.user, recommendation)
    table = Table(
        "forces",
        "Forces by status",
        [Column("Status"), Column("Forces", numeric=True), Column("Which forces")],
    )
    for status in Status:
        forces = picture[status.value]
        table.add(status_cell(status.value), len(forces), "; ".join(f.name for f in forces))
    chart = None
    if recommendation.scope == Scope.LOCAL:
        chart = charts.bar_chart(
            "status-chart",
            f"Forces by status for recommendation {recommendation.number}",
            [(status.label, len(picture[status.value]), status.value) for status in Status],
        )
    context = {
        "recommendation": recommendation,
        "picture": picture,
        "chart": chart,
        "local": recommendation.scope == Scope.LOCAL,
    }
    stem = f"{recommendation.inspection.slug}-recommendation-{recommendation.number}"
    return respond(request, "reports/recommendation.html", context, [table], stem, today)


@handles_bad_input
def audit(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Every change, by user and date: national administrators only."""
    if not permissions.can_read_audit_trail(request.user):
        raise PermissionDenied("Only national administrators can read the whole audit trail.")
    today = clock.today()
    choice = AuditFilterForm(request.GET)
    if not choice.is_valid():
        raise BadInput(*choice.problems())
    chosen = choice.cleaned_data
    table = Table(
        "changes",
        "Changes, newest first (up to 200)",
        [
            Column("When"),
            Column("Who"),
            Column("What happened"),
            Column("Kind"),
            Column("Record"),
            Column("Details"),
        ],
        empty_message="No changes match.",
    )
    for change in audit_trail.changes(
        username=chosen["user"],
        kind=chosen["kind"],
        since=chosen["since"],
        until=chosen["until"],
    ):
        table.add(
            f"{timezone.localtime(change.when):%Y-%m-%d %H:%M}",
            change.who,
            change.action,
            change.kind,
            change.record,
            change.details,
        )
    context = {
        "kinds": list(audit_trail.KINDS),
        "users": User.objects.order_by("username").values_list("username", flat=True),
        "chosen": {
            "user": chosen["user"],
            "kind": chosen["kind"],
            **{k: chosen[k].isoformat() for k in ("since", "until") if chosen[k]},
        },
    }
    return respond(request, "reports/audit.html", context, [table], "audit-trail", today)


def inspection_suggestions(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Up to ten inspections matching what was typed in a filter's inspection box (every
    signed-in person may read the list of inspections)."""
    asked = SuggestForm(request.GET)
    words = asked.cleaned_data["q"] if asked.is_valid() else ""
    if len(words) < 2:
        return JsonResponse({"results": []})
    found = inspection_matches(words)[:SUGGESTIONS]
    return JsonResponse(
        {"results": [{"name": i.list_name, "title": i.title, "slug": i.slug} for i in found]}
    )
