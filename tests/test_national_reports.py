"""The national picture, built with factories so each figure follows from the data in the test:
three forces in two regions, four recommendations (two overdue, one due in ten days, one later),
and one item in each state. Counts, the split of overdue items by who must act, filters, the
due-soon window and paging are checked against what the scenario says they must be."""

import datetime

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import DependencyStatus, Status
from inspections.reports import pages as report_pages

from .conftest import login, record
from .downloads import csv_rows
from .factories import DependencyFactory, ForceFactory, InspectionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


@pytest.fixture
def picture(cast):
    """North: Alphashire and Gammashire; South: Betashire. Recommendations 1 (due 31 July
    2024) and 2 (31 January 2024) are overdue, 3 falls due in ten days, 4 next June."""
    gammashire = ForceFactory(name="Gammashire Police", region=cast.force_a.region)
    inspection = InspectionFactory(short_title="Thematic")
    deadlines = {
        1: datetime.date(2024, 7, 31),
        2: datetime.date(2024, 1, 31),
        3: TODAY + datetime.timedelta(days=10),
        4: datetime.date(2027, 6, 30),
    }
    recs = {
        n: RecommendationFactory(inspection=inspection, number=n, deadline=d)
        for n, d in deadlines.items()
    }

    def item(force, number):
        return recs[number].implementations.get(force=force)

    pending = DependencyFactory(title="Pending national guidance")
    delivered = DependencyFactory(title="Guidance delivered later")
    for dep in (pending, delivered):
        dep.recommendations.add(recs[2])
    on = datetime.date(2026, 10, 1)
    a, b, lead_a, lead_b = cast.force_a, cast.force_b, cast.lead_a, cast.lead_b
    record(item(a, 1), cast.pcc_a, Status.IN_PROGRESS, as_of=on)
    record(item(a, 2), cast.pcc_a, Status.AWAITING_DEPENDENCY, as_of=on, dependencies=[pending])
    record(item(a, 4), lead_a, Status.COMPLETE, as_of=on, evidence_note="Audited")
    record(item(b, 1), cast.pcc_b, Status.IMPLEMENTED, as_of=on)
    record(item(b, 2), cast.pcc_b, Status.AWAITING_DEPENDENCY, as_of=on, dependencies=[delivered])
    record(item(b, 3), lead_b, Status.COMPLETE, as_of=on, evidence_note="Done")
    record(item(b, 4), cast.pcc_b, Status.IN_PROGRESS, as_of=on)
    services.close_dependency(
        dependency=delivered, status=DependencyStatus.DELIVERED, on=on, changed_by=cast.admin
    )
    return {"inspection": inspection, "gammashire": gammashire}


def rows_of(response, key):
    return next(t for t in response.context["tables"] if t.key == key).rows


def test_dashboard_counts_and_regions(cast, picture):
    response = login(cast.admin).get(reverse("dashboard"))
    counts = response.context["counts"]
    assert {
        key: counts[key]
        for key in (
            "total",
            "overdue_within_control",
            "overdue_awaiting_dependency",
            "overdue_awaiting_sign_off",
            "due_soon",
            "needs_review",
            "complete",
        )
    } == {
        "total": 12,
        # Alphashire 1, Gammashire 1 and 2 (never updated), Betashire 2 (needs review).
        "overdue_within_control": 4,
        "overdue_awaiting_dependency": 1,  # Alphashire 2
        "overdue_awaiting_sign_off": 1,  # Betashire 1
        "due_soon": 2,  # recommendation 3, open at Alphashire and Gammashire
        "needs_review": 1,
        "complete": 2,
    }
    regions = {
        row[0].value: [cell.value for cell in row[1:]] for row in rows_of(response, "regions")
    }
    north, south = cast.force_a.region.name, cast.force_b.region.name
    # within control, awaiting dependency, sign-off, due soon, needs review, complete, all
    assert regions == {north: [3, 1, 0, 2, 0, 1, 8], south: [1, 0, 1, 0, 1, 1, 4]}


def test_overdue_split_and_filters(cast, picture):
    client = login(cast.viewer)
    response = client.get(reverse("overdue"))
    totals = {t.key: t.total for t in response.context["tables"]}
    assert totals == {"within-control": 4, "awaiting-dependency": 1, "awaiting-sign-off": 1}
    south = client.get(reverse("overdue"), {"region": cast.force_b.region.slug})
    assert {row[0].value for row in rows_of(south, "within-control")} == {cast.force_b.name}
    assert not rows_of(south, "awaiting-dependency")
    in_progress = client.get(reverse("overdue"), {"status": "in_progress"})
    only = rows_of(in_progress, "within-control")
    assert [row[0].value for row in only] == [cast.force_a.name]
    assert only[0][1].value.startswith("Thematic: 1. ")
    by_number = client.get(reverse("overdue"), {"recommendation": 2})
    assert {r[0].value for r in rows_of(by_number, "within-control")} == {
        cast.force_b.name,
        "Gammashire Police",
    }


def test_due_soon_window(cast, picture):
    client = login(cast.viewer)

    def total(**query) -> int:
        return client.get(reverse("due-soon"), query).context["tables"][0].total

    # Recommendation 3 falls due in exactly ten days; 4 in 221; closed items never count.
    assert (total(days=9), total(days=10), total(), total(days=221)) == (0, 2, 2, 4)


def test_long_tables_are_paged_and_exports_hold_every_row(cast, picture, monkeypatch):
    monkeypatch.setattr(report_pages, "PER_PAGE", 3)
    client = login(cast.viewer)
    first = client.get(reverse("overdue"))
    second = client.get(reverse("overdue"), {"within-control-page": 2})
    seen = [(r[0].value, r[1].value) for r in rows_of(first, "within-control")]
    rest = [(r[0].value, r[1].value) for r in rows_of(second, "within-control")]
    assert (len(seen), len(rest)) == (3, 1)
    assert not set(seen) & set(rest)
    page = second.content.decode()
    assert "Page 2 of 2" in page
    assert 'rel="prev"' in page
    export = client.get(reverse("overdue"), {"format": "csv", "table": "within-control"})
    assert len(csv_rows(export)) == 1 + 4
    too_far = client.get(reverse("overdue"), {"within-control-page": 3})
    assert too_far.status_code == 400


def test_an_overdue_page_lists_its_rows_in_the_order_its_export_does(cast, settings):
    """A page finds its ids first on SQLite (``queries.pages_by_ids_first``) and in one query on
    PostgreSQL: either way, the order of the page is the export's, ties on the date broken by
    force, report and finding."""
    import datetime as dt

    from inspections import services

    from .downloads import csv_rows
    from .factories import InspectionFactory, RecommendationFactory

    settings.TRACKER_TODAY = "2026-11-21"
    for slug in ("b-report", "a-report"):
        report = InspectionFactory(slug=slug, title=slug, published=dt.date(2026, 1, 5))
        for number in (3, 1, 2):
            RecommendationFactory(inspection=report, number=number, deadline=dt.date(2026, 6, 30))
        services.save_inspection(inspection=report)
    client = login(cast.admin)
    page = client.get(reverse("overdue"), {"table": "within-control"})
    table = next(t for t in page.context["tables"] if t.key == "within-control")
    shown = [(row.force_name, row.inspection_slug, row.number) for row in table.page.object_list]
    header, *rows = csv_rows(
        client.get(reverse("overdue"), {"table": "within-control", "format": "csv"})
    )
    slugs = {"a-report": "a-report", "b-report": "b-report"}
    exported = [
        (
            r[header.index("Force")],
            slugs[r[header.index("Inspection")]],
            int(r[header.index("Number")]),
        )
        for r in rows
    ]
    assert shown == exported[: len(shown)]
    assert shown == sorted(shown, key=lambda row: (row[0], row[1], row[2]))
    assert len(shown) == 12
