"""The national picture: every force against one inspection (the matrix), and one
recommendation across every force."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from inspections import clock
from inspections.addresses import item_path, item_url
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    Inspection,
    ItemState,
    Recommendation,
    Scope,
)
from inspections.tables import Cell, Column, Table

from . import charts, downloads, queries
from .pages import (
    chosen_inspection,
    force_url,
    handles_bad_input,
    respond,
    state_cell,
)


@handles_bad_input
def matrix(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    chosen, picker = chosen_inspection(request, Inspection.objects.default_choice())
    if chosen is None:
        return render(request, "reports/matrix.html", {"picker": picker, "today": today})
    grid = queries.matrix(request.user, chosen, today)
    table = matrix_table(chosen, grid)
    context = {"picker": picker, "chosen": chosen, "grid": grid}
    return respond(request, "reports/matrix.html", context, [table], f"matrix-{chosen.slug}", today)


def matrix_table(inspection: Inspection, grid: queries.Matrix) -> Table:
    """The grid as one table for the screen and the export alike: a status and its overdue flag
    in each cell, each force's totals at the end of its row, each recommendation's at the foot."""
    columns = [Column("Region"), Column("Force")]
    columns += [Column(rec.column_name) for rec in grid.recommendations]
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
                        downloads.state_label(cell.state),
                        status=cell.state,
                        url=item_url(cell),
                        flag="Overdue" if cell.is_overdue else "",
                        described=f"{force.name}, {finding.reference_in_text}",
                    )
                    if cell
                    else Cell("–")
                    for cell, finding in zip(cells, grid.recommendations, strict=True)
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
def recommendation_page(
    request: AuthenticatedHttpRequest, inspection: str, ref: str
) -> HttpResponseBase:
    today = clock.today()
    recommendation = get_object_or_404(
        Recommendation.objects.by_reference(ref)
        .select_related("inspection")
        .prefetch_related("dependencies"),
        inspection__slug=inspection,
    )
    items = queries.recommendation_items(request.user, recommendation)
    picture = queries.recommendation_picture(items)
    table = Table(
        "forces",
        "Forces by status",
        [Column("Status"), Column("Forces", numeric=True), Column("Which forces")],
    )
    for state in ItemState:
        forces = picture[state.value]
        table.add(state_cell(state.value), len(forces), "; ".join(f.name for f in forces))
    # Each force's own item, where it is worked on: the way back from the national picture.
    each = Table(
        "items",
        "Each force's item",
        [Column("Force"), Column("Status"), Column("Falls due"), Column("Latest update")],
    )
    for implementation in items:
        each.add(
            Cell(
                implementation.force.name,
                url=item_path(implementation.force.slug, recommendation.inspection.slug, ref),
            ),
            state_cell(implementation.state),
            implementation.due_date,
            implementation.latest_update_on,
        )
    chart = None
    if recommendation.scope == Scope.LOCAL:
        chart = charts.bar_chart(
            "status-chart",
            f"Forces by status for {recommendation.reference_in_text}",
            [(state.label, len(picture[state.value]), state.value) for state in ItemState],
        )
    context = {
        "recommendation": recommendation,
        "picture": picture,
        "chart": chart,
        "local": recommendation.scope == Scope.LOCAL,
    }
    stem = f"{recommendation.inspection.slug}-{slugify(recommendation.reference)}"
    return respond(request, "reports/recommendation.html", context, [table, each], stem, today)
