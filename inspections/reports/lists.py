"""The attention lists: the dashboard, overdue, due soon and dependencies, and the suggestions
of the inspection box that filters them. Thin: questions are asked in queries.py, access decided
in permissions.py, and every table exports exactly its on-screen rows (pages.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from inspections import clock, permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import Inspection, OverdueKind, Source
from inspections.models.attention import due_soon_window
from inspections.responses import queries as letter_queries
from inspections.tables import Cell, Column, Table

from . import queries
from .downloads import Extra
from .filters import (
    SUGGESTIONS,
    SuggestForm,
    WindowForm,
    inspection_matches,
)
from .pages import (
    BadInput,
    fill_implementations,
    filtered,
    handles_bad_input,
    implementation_columns,
    respond,
)

OVERDUE_SHEETS = {
    OverdueKind.WITHIN_CONTROL: "Overdue - within control",
    OverdueKind.AWAITING_DEPENDENCY: "Overdue - awaiting dependency",
    OverdueKind.AWAITING_SIGN_OFF: "Overdue - awaiting sign-off",
}


def report_index(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Every report, with what each answers: one navigation item instead of eight."""
    user = request.user
    drafts = [
        report
        for report in Inspection.objects.drafts().prefetch_related("forces")
        if permissions.can_enter_report(user, report)
    ]
    return render(
        request,
        "reports/index.html",
        {
            "may_audit": permissions.can_read_audit_trail(user),
            "may_enter": permissions.can_enter_reports(user),
            "drafts": drafts,
        },
    )


# The dashboard's count columns, by the key each count has in ``queries.attention_aggregates``.
COUNT_COLUMNS = {
    "overdue_within_control": "Overdue: within the force's control",
    "overdue_awaiting_dependency": "Overdue: awaiting a dependency",
    "overdue_awaiting_sign_off": "Overdue: awaiting sign-off",
    "due_soon": "Due soon",
    "needs_review": "Needs review",
    "complete": "Complete",
    "total": "All items",
}


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
    context: dict[str, Any] = {"filter": filterset, "counts": counts}
    s55_inspection = letter_queries.default_response_inspection(today)
    if s55_inspection is not None:
        context["s55_inspection"] = s55_inspection
        context["s55_counts"] = letter_queries.response_counts(
            letter_queries.responses(request.user, s55_inspection, today)
        )
    if by_source := queries.attention_counts_by_source(filterset.qs, today):
        tables.append(counts_table("sources", "Items by source", "Source", by_source))
    if by_region is not None:
        table = Table(
            "regions",
            "Items needing attention by region",
            [Column("Region"), *(Column(words, numeric=True) for words in COUNT_COLUMNS.values())],
        )
        for row in by_region:
            table.add(
                Cell(
                    row["force__region__name"],
                    url=reverse("overdue") + f"?region={row['force__region__slug']}",
                ),
                *(row[name] for name in COUNT_COLUMNS),
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


def counts_table(key: str, title: str, first: str, rows: list[dict[str, Any]]) -> Table:
    """The dashboard's counts for each source of report, each row linking to its overdue list."""
    table = Table(
        key,
        title,
        [Column(first), *(Column(words, numeric=True) for words in COUNT_COLUMNS.values())],
    )
    for row in rows:
        table.add(
            Cell(Source(row["source"]).label, url=reverse("overdue") + f"?source={row['source']}"),
            *(row[name] for name in COUNT_COLUMNS),
        )
    return table


@handles_bad_input
def overdue(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    filterset = filtered(request, queries.implementations(request.user))
    by_kind = queries.overdue(filterset.qs, today)
    area = filterset.area()
    # Other filters than region and force: each table counts its own rows.
    totals = {} if area is None else queries.overdue_totals(request.user, area, today)
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
        fill_implementations(
            request,
            table,
            by_kind[kind.value],
            days_overdue,
            count=totals.get(kind.value),
            ids_first=queries.pages_by_ids_first(),
        )
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
    chosen = filterset.is_bound and any(filterset.form.cleaned_data.values())
    for dependency in queries.dependencies(request.user, filterset.qs if chosen else None):
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
    context = {
        "filter": filterset,
        # National administrators record national work delivered, from here (the whole list,
        # so only on the unfiltered page: a filtered one shows what the filters choose).
        "pending_to_record": (
            queries.pending_dependencies()
            if permissions.is_national_admin(request.user) and not chosen
            else []
        ),
    }
    return respond(
        request,
        "reports/dependencies.html",
        context,
        [dependency_table, review_table],
        "dependencies",
        today,
    )


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
