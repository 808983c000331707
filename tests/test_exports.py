"""Exports people can work in: the screen's compound cells split into columns a spreadsheet can
sort and filter, values of the right type, a tidy workbook, names that say what a file holds, each
link downloading what it says, and the matrix exported as it is shown."""

import datetime
import re

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import DependencyStatus, ForceImplementation, Status

from .conftest import login, record
from .downloads import body, csv_rows, filename, workbook
from .factories import DependencyFactory, InspectionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


@pytest.fixture
def report(cast):
    """Recommendations 2 and 10 of one inspection, both overdue for both forces; force A has
    written about 2 and waits on a delivered dependency for 10 (so needs review)."""
    inspection = InspectionFactory(title="Firearms licensing", short_title="Firearms")
    two = RecommendationFactory(inspection=inspection, number=2, short_title="Commanders")
    ten = RecommendationFactory(inspection=inspection, number=10, short_title="Training")
    impl_2 = ForceImplementation.objects.get(force=cast.force_a, recommendation=two)
    impl_10 = ForceImplementation.objects.get(force=cast.force_a, recommendation=ten)
    record(
        impl_2,
        cast.pcc_a,
        narrative="=SUM(A1) is how we count.\nA second line that is long " + "word " * 60,
        as_of=datetime.date(2026, 10, 1),
    )
    rota = DependencyFactory(title="Regional rota")
    rota.recommendations.add(ten)
    record(
        impl_10,
        cast.pcc_a,
        status=Status.AWAITING_DEPENDENCY,
        dependencies=[rota],
        narrative="Waiting for the rota.",
        as_of=datetime.date(2026, 9, 1),
    )
    services.close_dependency(
        dependency=rota,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2026, 10, 10),
        changed_by=cast.admin,
    )
    return {"inspection": inspection, "impl_2": impl_2, "impl_10": impl_10}


def overdue(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(reverse("overdue") + "?" + query)


def test_implementation_csv_has_separate_typed_columns(cast, report):
    response = overdue(login(cast.admin), format="csv", table="within-control")
    assert response.streaming  # rows go out as they are read, never built in memory whole
    header, *rows = csv_rows(response)
    assert header == [
        "Force",
        "Region",
        "Inspection",
        "Finding",
        "Number",
        "Short title",
        "Deadline",
        "Falls due",
        "Days overdue",
        "Status",
        "Force's target date",
        "Target after it falls due",
        "Latest update",
        "What the force last said",
        "Waiting on",
        "Lead officer",
        "Source",
    ]
    mine = {(r[0], r[4]): dict(zip(header, r, strict=True)) for r in rows}
    two = mine[(cast.force_a.name, "2")]
    assert two["Inspection"] == "Firearms"
    assert two["Source"] == "HMICFRS inspection"
    assert two["Short title"] == "Commanders"
    assert two["Region"] == cast.force_a.region.name
    assert two["Deadline"] == "2024-07-31"
    assert two["Falls due"] == "2024-07-31"
    assert two["Days overdue"] == str((TODAY - datetime.date(2024, 7, 31)).days)
    assert two["Status"] == "In progress"
    assert two["Latest update"] == "2026-10-01"
    # Whole, with its line break, and neutralised as a formula.
    assert two["What the force last said"].startswith("'=SUM(A1) is how we count.\nA second")
    review = mine[(cast.force_a.name, "10")]
    assert review["Status"] == "Dependency delivered: review"
    assert review["Waiting on"] == "Regional rota"
    assert mine[(cast.force_b.name, "2")]["Status"] == "Not started"


def test_implementation_xlsx_is_a_tidy_sheet(cast, report):
    response = overdue(login(cast.admin), format="xlsx", table="within-control")
    assert filename(response) == f"overdue-within-control-{TODAY:%Y-%m-%d}.xlsx"
    book = workbook(response)
    assert book.sheetnames == ["Overdue - within control"]
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{sheet.max_row}"
    assert all(cell.font.bold for cell in sheet[1])
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == cast.force_a.name)
    by_label = dict(zip(header, row, strict=True))
    assert by_label["Number"].value in (2, 10)  # a number, so 10 sorts after 2
    assert isinstance(by_label["Deadline"].value, datetime.datetime)
    assert by_label["Deadline"].number_format == "dd/mm/yyyy"
    assert isinstance(by_label["Days overdue"].value, int)
    narrative = by_label["What the force last said"]
    assert narrative.alignment.wrap_text
    letters = {label: cell.column_letter for label, cell in by_label.items()}
    assert round(sheet.column_dimensions[letters["What the force last said"]].width) in (60, 61)
    assert sheet.column_dimensions[letters["Deadline"]].width < 20
    numbers = [r[4].value for r in sheet.iter_rows(min_row=2)]
    assert sorted(numbers) == sorted(n for n in numbers if isinstance(n, int))


def test_each_link_downloads_what_it_says(cast, report):
    client = login(cast.admin)
    page = overdue(client).content.decode()
    links = re.findall(r'href="(\?[^"]*format=xlsx[^"]*)"', page)
    one_table = [link.replace("&amp;", "&") for link in links if "table=" in link]
    whole = [link.replace("&amp;", "&") for link in links if "table=" not in link]
    assert len(one_table) == 3
    assert len(whole) == 1  # once, under the last table
    sheets = {
        tuple(workbook(client.get(reverse("overdue") + link)).sheetnames) for link in one_table
    }
    assert sheets == {
        ("Overdue - within control",),
        ("Overdue - awaiting dependency",),
        ("Overdue - awaiting sign-off",),
    }
    everything = workbook(client.get(reverse("overdue") + whole[0]))
    assert len(everything.sheetnames) == 3
    for link in re.findall(r'href="(\?[^"]*format=csv[^"]*)"', page):
        response = client.get(reverse("overdue") + link.replace("&amp;", "&"))
        key = re.search(r"table=([a-z-]+)", link).group(1)
        assert filename(response) == f"overdue-{key}-{TODAY:%Y-%m-%d}.csv"


def test_file_names_say_whose_rows_they_hold(cast, report):
    response = overdue(login(cast.pcc_a), format="csv", table="within-control")
    assert filename(response) == (
        f"overdue-within-control-{cast.force_a.slug}-{TODAY:%Y-%m-%d}.csv"
    )
    region = cast.force_b.region.slug
    response = overdue(login(cast.admin), format="csv", region=region)
    assert filename(response) == f"overdue-within-control-{region}-{TODAY:%Y-%m-%d}.csv"
    assert {r[0] for r in csv_rows(response)[1:]} == {cast.force_b.name}


def test_matrix_export_matches_the_screen(cast, report):
    client = login(cast.admin)
    slug = report["inspection"].slug
    screen = client.get(reverse("matrix"), {"inspection": slug})
    table = screen.context["tables"][0]
    page = screen.content.decode()
    header, *rows = csv_rows(client.get(reverse("matrix"), {"inspection": slug, "format": "csv"}))
    assert header == ["Region", "Force", "Rec. 2", "Rec. 10", "Complete", "Overdue"]
    a_row = next(r for r in rows if r[1] == cast.force_a.name)
    # Its rota was delivered: the matrix says so, as the reports do.
    assert a_row[2:] == [
        "In progress (overdue)",
        "Dependency delivered: review (overdue)",
        "0",
        "2",
    ]
    assert page.count(">Overdue</span>") == 4  # both forces, both recommendations
    # The totals under the grid, as on screen.
    assert rows[-2] == ["", "Complete", "0", "0", "", ""]
    assert rows[-1] == ["", "Overdue", "2", "2", "", ""]
    assert [c.value for c in table.foot[1]][2:4] == [2, 2]
    book = workbook(client.get(reverse("matrix"), {"inspection": slug, "format": "xlsx"}))
    values = list(book.active.iter_rows(values_only=True))
    assert values[-1][:4] == (None, "Overdue", 2, 2)


def test_small_tables_keep_their_types(cast, report):
    """A table built for the screen (not streamed) exports dates as dates, counts as numbers."""
    client = login(cast.admin)
    book = workbook(client.get(reverse("dependencies"), {"format": "xlsx"}))
    assert book.sheetnames == ["Dependencies", "Needs review"]
    sheet = book["Dependencies"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert isinstance(row["Delivered or withdrawn"], datetime.datetime)
    assert row["Items waiting"] == 1
    review = book["Needs review"]
    assert [c.value for c in review[2]][:2] == [cast.force_a.name, cast.force_a.region.name]


def test_force_page_export_has_the_page_flags(cast, report):
    client = login(cast.pcc_a)
    response = client.get(reverse("force", args=[cast.force_a.slug]), {"format": "csv"})
    header, *rows = csv_rows(response)
    assert "Overdue" in header
    assert "Stale" in header
    by_number = {r[4]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_number["2"]["Overdue"] == "Yes"
    assert by_number["2"]["What the force last said"].startswith("'=SUM")


def test_csv_of_another_table_does_not_query_this_one(cast, report, django_assert_max_num_queries):
    client = login(cast.admin)
    with django_assert_max_num_queries(12):
        body(overdue(client, format="csv", table="awaiting-sign-off"))


def test_the_inspection_filter_takes_words_not_a_list_of_every_inspection(cast, report):
    other = InspectionFactory(title="Fire and rescue values", short_title="Values")
    RecommendationFactory(inspection=other, number=1)
    client = login(cast.admin)
    page = client.get(reverse("overdue")).content.decode()
    assert '<option value="firearms' not in page.lower()  # no list of every inspection
    assert 'list="inspection-suggestions"' in page

    def shown(words: str) -> set[str]:
        response = client.get(reverse("overdue"), {"inspection": words})
        assert response.status_code == 200, response.content.decode()[:500]
        return {r[1].value for t in response.context["tables"] for r in t.rows}

    slug = report["inspection"].slug
    for words in (slug, "Firearms licensing", "firearms", "LICENSING"):
        names = shown(words)
        assert names, words
        assert all("Firearms" in name for name in names), words
    ambiguous = InspectionFactory(title="Firearms training")
    RecommendationFactory(inspection=ambiguous, number=1)
    assert shown("firearms") == shown(slug)  # its short name, exactly: no ambiguity
    response = client.get(reverse("overdue"), {"inspection": "fire"})
    assert response.status_code == 400
    assert (
        "matches several inspections (Values; Firearms; Firearms training)"
        in response.content.decode()
    )
    assert client.get(reverse("overdue"), {"inspection": "nothing like it"}).status_code == 400
    suggestions = client.get(reverse("inspection-suggestions"), {"q": "fire"}).json()["results"]
    assert [s["name"] for s in suggestions] == ["Values", "Firearms", "Firearms training"]
    assert client.get(reverse("inspection-suggestions"), {"q": "f"}).json() == {"results": []}
