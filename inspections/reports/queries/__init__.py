"""Every report's questions, asked in a fixed number of SQL queries whatever the data size, and
always through the definitions in ``Attention`` and the scoping in ``permissions``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from inspections import permissions
from inspections.models import (
    ActorTally,
    Dependency,
    DependencyStatus,
    FirearmsStatistic,
    Force,
    ForceImplementation,
    Inspection,
    ItemState,
    OverdueKind,
    ProgressUpdate,
    Recommendation,
    Source,
    Status,
    User,
)
from inspections.models.attention import Attention, ImplementationQuerySet, due_date_expression
from inspections.models.reference import finding_order

COUNT_KEYS = (
    "overdue_within_control",
    "overdue_awaiting_dependency",
    "overdue_awaiting_sign_off",
    "due_soon",
    "awaiting_dependency",
    "needs_review",
    "complete",
    "stale",
    "total",
)


def implementations(user: User) -> ImplementationQuerySet:
    return permissions.scope_queryset(user, ForceImplementation.objects.all())


def attention_aggregates(today: datetime.date, days: int | None = None) -> dict[str, Count]:
    return {
        "overdue_within_control": Count(
            "pk", filter=Attention.overdue_of_kind(today, OverdueKind.WITHIN_CONTROL)
        ),
        "overdue_awaiting_dependency": Count(
            "pk", filter=Attention.overdue_of_kind(today, OverdueKind.AWAITING_DEPENDENCY)
        ),
        "overdue_awaiting_sign_off": Count(
            "pk", filter=Attention.overdue_of_kind(today, OverdueKind.AWAITING_SIGN_OFF)
        ),
        "due_soon": Count("pk", filter=Attention.due_soon(today, days)),
        "awaiting_dependency": Count("pk", filter=Attention.still_blocked()),
        "needs_review": Count("pk", filter=Attention.needs_review()),
        "complete": Count("pk", filter=Attention.complete()),
        "stale": Count("pk", filter=Attention.stale(today)),
        "total": Count("pk"),
    }


def with_overdue_total(counts: dict[str, int]) -> dict[str, int]:
    counts["overdue"] = (
        counts["overdue_within_control"]
        + counts["overdue_awaiting_dependency"]
        + counts["overdue_awaiting_sign_off"]
    )
    return counts


def attention_counts(queryset: ImplementationQuerySet, today: datetime.date) -> dict[str, int]:
    return with_overdue_total(queryset.aggregate(**attention_aggregates(today)))


def attention_counts_by_region(
    queryset: ImplementationQuerySet, today: datetime.date
) -> list[dict[str, Any]]:
    """The counts for each region with items here, by region name: counted for each force on the
    items' table alone, then added up by region (joining every item to its force and region to
    group them cost PostgreSQL a third more: 32 against 22 ms on the benchmark)."""
    per_force = queryset.values("force_id").annotate(**attention_aggregates(today)).order_by()
    regions = {
        force_id: (name, slug)
        for force_id, name, slug in Force.objects.values_list("pk", "region__name", "region__slug")
    }
    by_region: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in per_force:
        by_region[regions[row["force_id"]]].append(dict(row))
    return [
        {"force__region__name": name, "force__region__slug": slug, **sum_counts(rows)}
        for (name, slug), rows in sorted(by_region.items())
    ]


def attention_counts_by_source(
    queryset: ImplementationQuerySet, today: datetime.date
) -> list[dict[str, Any]]:
    """The same counts for each source of report (HMICFRS, IOPC, coroners…) that has items
    here, in the sources' own order; none while every report has the same source, when they
    would only repeat the totals."""
    sources = set(
        Inspection.objects.released().values_list("source", flat=True).distinct().order_by()
    )
    if len(sources) < 2:
        return []
    rows: QuerySet[Any] = (
        queryset.values(source=F("recommendation__inspection__source"))
        .annotate(**attention_aggregates(today))
        .order_by()
    )
    found = {row["source"]: with_overdue_total(dict(row)) for row in rows}
    return [found[code] for code in Source.values if code in found]


def sum_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The national counts as the sum of the regions' (every item is in exactly one region)."""
    totals = {key: sum(int(row[key]) for row in rows) for key in COUNT_KEYS}
    return with_overdue_total(totals)


def with_row_fields(queryset: ImplementationQuerySet) -> ImplementationQuerySet:
    """What a table row of implementations shows, fetched with the rows in one query: the latest
    narrative by a subquery on the latest-update index and what it waits on (its state is a
    kept column)."""
    latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
    return (
        queryset.select_related("force", "recommendation__inspection")
        .with_waiting_on()
        .annotate(
            latest_narrative=Subquery(latest.values("narrative")[:1]),
            deadline_on=due_date_expression(),
            target_beyond_due=Attention.target_beyond_due_flag(),
        )
    )


def overdue(queryset: ImplementationQuerySet, today: datetime.date) -> dict[str, QuerySet[Any]]:
    """One ordered queryset per kind of overdue item (each paginated or exported whole). The
    row fields and the order are built once and each kind's condition added to a copy: building
    them for each kind was a third of the page's query construction."""
    rows = with_row_fields(queryset).order_by(*overdue_order())
    return {kind.value: rows.overdue_of_kind(today, kind) for kind in OverdueKind}


def pages_by_ids_first() -> bool:
    """Whether an overdue page, or a force's page, finds its ids first (``rows.page_rows``).
    SQLite needs it: it planned the overdue page's joined query from the forces' table and
    sorted every overdue item (99 ms a national page on the benchmark, 37 ms with it), and it
    works out each row's latest narrative and what it waits on for every item of a force before
    sorting them (the force page's rows: 9.9 ms, 2.0 ms with it). PostgreSQL walks the index
    with an incremental sort and works those out for the page's rows alone, and the extra query
    cost it more than it saved (overdue: 50 to 70 ms)."""
    return connection.vendor == "sqlite"


def overdue_order() -> list[Any]:
    """Earliest due first, then by force, report and finding. The force's name and the report's
    address name are read by subqueries rather than joins, so that a page's ids are found on
    the items' table alone: walked in due-date order from its (next_actor, due_date) index,
    stopping at the page's end, where SQLite planned a join from the forces' table and sorted
    every overdue item (``rows.page_rows``; 41 ms to 0.2 ms on the national benchmark)."""
    finding = Recommendation.objects.filter(pk=OuterRef("recommendation_id")).order_by()
    return [
        "due_date",
        Subquery(Force.objects.filter(pk=OuterRef("force_id")).order_by().values("name")[:1]),
        Subquery(finding.values("inspection__slug")[:1]),
        Subquery(finding.values("number")[:1]),
        "pk",
    ]


def overdue_totals(user: User, area: tuple[str, str], today: datetime.date) -> dict[str, int]:
    """How many items are overdue of each kind, for every force the user sees or one region's
    or force's, without counting every overdue item (that grows with the data): the forces' kept
    counts for the months before this one (``ActorTally``: bounded by the calendar), and a count
    of this month's overdue items."""
    region, force = area
    this_month = today.replace(day=1)
    tallies = ActorTally.objects.filter(
        permissions.scope_condition(user, "force"), due_month__lt=this_month
    )
    items = implementations(user).filter(due_date__gte=this_month, due_date__lt=today)
    if region:
        tallies = tallies.filter(force__region__slug=region)
        items = items.filter(force__region__slug=region)
    if force:
        tallies = tallies.filter(force__slug=force)
        items = items.filter(force__slug=force)
    earlier = dict(tallies.values_list("next_actor").annotate(items=Sum("items")).order_by())
    lately = dict(items.values_list("next_actor").annotate(items=Count("pk")).order_by())
    return {
        kind.value: (earlier.get(kind.value) or 0) + lately.get(kind.value, 0)
        for kind in OverdueKind
    }


def due_soon(queryset: ImplementationQuerySet, today: datetime.date, days: int) -> QuerySet[Any]:
    return with_row_fields(queryset.due_soon(today, days)).order_by(
        "due_date", "force__name", "recommendation__number", "pk"
    )


def needs_review(queryset: ImplementationQuerySet) -> QuerySet[Any]:
    return with_row_fields(queryset.needs_review()).order_by(
        "force__name", "recommendation__inspection__slug", "recommendation__number", "pk"
    )


def dependencies(user: User, within: ImplementationQuerySet | None = None) -> QuerySet[Any]:
    """Each dependency with how many of the user's visible forces it blocks, and which
    recommendations wait on it. ``within`` (a report's filtered items) keeps to the dependencies
    those items or their findings wait on, and counts only those items."""
    blocking = Q(blocked_implementations__status=Status.AWAITING_DEPENDENCY) & (
        permissions.scope_condition(user, "blocked_implementations__force")
    )
    listed_dependencies = Dependency.objects.all()
    if within is not None:
        items = within.order_by().values("pk")
        blocking &= Q(blocked_implementations__in=items)
        relevant = Dependency.objects.filter(
            Q(blocked_implementations__in=items) | Q(recommendations__implementations__in=items)
        ).values("pk")
        listed_dependencies = listed_dependencies.filter(pk__in=relevant)
    return (
        listed_dependencies.annotate(
            forces_blocked=Count("blocked_implementations__force", filter=blocking, distinct=True),
            items_blocked=Count("blocked_implementations", filter=blocking, distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("inspection").order_by(
                    "inspection__slug", finding_order(), "number"
                ),
            )
        )
        .order_by("status", "expected_date", "title")
    )


@dataclass
class Matrix:
    inspection: Inspection
    recommendations: list[Recommendation]
    # Each cell an implementation annotated with is_overdue, or None where there is none.
    regions: list[tuple[str, list[tuple[Force, list[Any], dict[str, int]]]]] = field(
        default_factory=list
    )
    column_totals: list[dict[str, int]] = field(default_factory=list)


def matrix(user: User, inspection: Inspection, today: datetime.date) -> Matrix:
    recommendations = list(inspection.recommendations.local().in_report_order())
    position = {rec.pk: index for index, rec in enumerate(recommendations)}
    rows = (
        implementations(user)
        .filter(recommendation__inspection=inspection)
        .with_overdue_flag(today)
        .select_related("force__region")
        .order_by("force__region__name", "force__name")
    )
    grid: dict[int, list[Any]] = {}
    forces: dict[int, Force] = {}
    for implementation in rows:
        forces[implementation.force_id] = implementation.force
        cells = grid.setdefault(implementation.force_id, [None] * len(recommendations))
        index = position[implementation.recommendation_id]
        implementation.recommendation = recommendations[index]  # no query per cell for links
        cells[index] = implementation
    result = Matrix(inspection=inspection, recommendations=recommendations)
    columns = [{"complete": 0, "overdue": 0} for _ in recommendations]
    by_region: dict[str, list[Any]] = defaultdict(list)
    for force_id, cells in grid.items():
        force = forces[force_id]
        totals = {"complete": 0, "overdue": 0}
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            complete = int(cell.status == Status.COMPLETE)
            totals["complete"] += complete
            totals["overdue"] += int(cell.is_overdue)
            columns[index]["complete"] += complete
            columns[index]["overdue"] += int(cell.is_overdue)
        by_region[force.region.name].append((force, cells, totals))
    result.regions = sorted(by_region.items())
    result.column_totals = columns
    return result


def listed_with_flags(
    queryset: ImplementationQuerySet, today: datetime.date
) -> ImplementationQuerySet:
    """Implementations as a force's table lists them: by report (newest first), then finding,
    each with its overdue and stale flags and what its row shows."""
    return with_row_fields(
        queryset.with_overdue_flag(today)
        .with_stale_flag(today)
        .order_by(
            "-recommendation__inspection__published",
            "recommendation__inspection",
            finding_order("recommendation__"),
            "recommendation__number",
            "pk",
        )
    )


def force_statistics(force: Force) -> list[FirearmsStatistic]:
    return list(
        FirearmsStatistic.objects.filter(force=force)
        .select_related("force")
        .order_by("year_ending", "source")
    )


@dataclass
class YearFigures:
    """One year's figures for a force beside England and Wales's (each its latest edition)."""

    year_ending: datetime.date
    force: FirearmsStatistic
    national: FirearmsStatistic | None

    @property
    def pairs(self) -> list[tuple[str, FirearmsStatistic]]:
        """(area, figures): the force's, then England and Wales's where entered."""
        rows = [(self.force.force.name if self.force.force else "Force", self.force)]
        if self.national is not None:
            rows.append(("England and Wales", self.national))
        return rows


def statistics_beside_national(statistics: list[FirearmsStatistic]) -> list[YearFigures]:
    """Each year of a force's figures (its latest edition) beside the England and Wales figures
    for the same year (their latest edition): one query."""
    years = latest_edition_per_year(statistics)
    national = latest_edition_per_year(
        list(
            FirearmsStatistic.objects.filter(
                force__isnull=True, year_ending__in=[s.year_ending for s in years]
            ).order_by("year_ending", "source")
        )
    )
    by_year = {s.year_ending: s for s in national}
    return [YearFigures(s.year_ending, s, by_year.get(s.year_ending)) for s in years]


def latest_edition_per_year(statistics: list[FirearmsStatistic]) -> list[FirearmsStatistic]:
    """Figures are revised in later editions; a chart shows one value per year, the last given."""
    by_year: dict[datetime.date, FirearmsStatistic] = {}
    for statistic in statistics:
        by_year[statistic.year_ending] = statistic
    return [by_year[year] for year in sorted(by_year)]


def recommendation_items(user: User, recommendation: Recommendation) -> list[ForceImplementation]:
    """Each force's item for one finding, as far as the user may see, by force name."""
    return list(
        implementations(user)
        .filter(recommendation=recommendation)
        .select_related("force")
        .order_by("force__name")
    )


def recommendation_picture(items: list[ForceImplementation]) -> dict[str, list[Force]]:
    """The forces of ``recommendation_items`` by state."""
    picture: dict[str, list[Force]] = {state.value: [] for state in ItemState}
    for implementation in items:
        picture[implementation.state].append(implementation.force)
    return picture


def pending_dependencies() -> QuerySet[Dependency]:
    """National and regional work not yet delivered or withdrawn, by title."""
    return Dependency.objects.filter(status=DependencyStatus.PENDING).order_by("title")
