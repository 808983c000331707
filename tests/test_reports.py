"""The report pages on the demo data (today fixed at 21 November 2026). Only West Mercia's figures
are pinned: they follow from its real s.55 letter, and the README states them. The national
figures come from the demo's random generator, so they are checked against the database here
and pinned only in test_national_reports.py, on data built for the purpose. Also each role's
scope, the exports and the answers to bad input."""

import datetime
import html

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from inspections.models import (
    Dependency,
    FirearmsStatistic,
    ForceImplementation,
    Inspection,
    ItemState,
    OverdueKind,
    Status,
    User,
)

from .conftest import TODAY, client_for
from .downloads import body, csv_rows, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]

PAGES = [
    reverse("dashboard"),
    reverse("overdue"),
    reverse("due-soon"),
    reverse("dependencies"),
    reverse("matrix"),
    reverse("force", args=["west-mercia-police"]),
    reverse("recommendation", args=["firearms-2023", 2]),
]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def rows(response, key: str) -> list[list]:
    table = next(t for t in response.context["tables"] if t.key == key)
    return table.rows


def column(response, key: str, label: str) -> list:
    """One column's values, found by its heading (force users' tables have fewer columns)."""
    table = next(t for t in response.context["tables"] if t.key == key)
    index = [c.label for c in table.columns].index(label)
    return [row[index].value for row in table.rows]


def rec_number(value: str) -> int:
    """'Firearms 2023: 8. Regional ACC leads…' → 8."""
    return int(value.split(": ", 1)[1].split(".", 1)[0])


def cell_values(rows_: list[list]) -> list[list]:
    return [[cell.export_value for cell in row] for row in rows_]


class TestWestMercia:
    """West Mercia's numbers follow from its s.55 letter of 4 September 2023."""

    def test_dashboard(self):
        response = client_for("westmercia.pcc").get(reverse("dashboard"))
        counts = response.context["counts"]
        assert {
            k: counts[k]
            for k in (
                "overdue_within_control",
                "overdue_awaiting_dependency",
                "overdue_awaiting_sign_off",
                "due_soon",
                "awaiting_dependency",
                "needs_review",
                "complete",
                "total",
            )
        } == {
            # 3 in progress, and 2: its dependency was delivered, so it is the force's to review;
            # and the sample PEEL report's recommendation 1 and AFI 3
            "overdue_within_control": 4,
            "overdue_awaiting_dependency": 3,  # 5, 6, 10
            "overdue_awaiting_sign_off": 2,  # 8, 12
            "due_soon": 2,  # the sample inspection's first two, not started
            "awaiting_dependency": 3,
            "needs_review": 1,  # 2: the regional rota was delivered
            "complete": 0,
            "total": 16,  # 7 firearms, 3 of the sample inspection, 6 of the sample PEEL report
        }
        assert "My items" in response.content.decode()
        assert column(response, "needs-review", "Recommendation") == [
            "Firearms 2023: 2. 24-hour regional rota of firearms commanders"
        ]
        assert column(response, "needs-review", "Status") == ["Dependency delivered: review"]

    def test_overdue_report(self):
        response = client_for("westmercia.lead").get(reverse("overdue"))

        def numbers(key: str) -> list[int]:
            values = column(response, key, "Recommendation")
            return sorted(rec_number(v) for v in values if v.startswith("Firearms 2023:"))

        # Recommendation 2 waited on the APP revision, which the demo delivers: it is the
        # force's own to review now, so within its control.
        assert numbers("within-control") == [2, 3]
        # The sample PEEL report's overdue findings are listed by their own names.
        peel = [
            v
            for v in column(response, "within-control", "Recommendation")
            if v.startswith("Sample PEEL")
        ]
        assert sorted(peel) == [
            "Sample PEEL (West Mercia): 1. Call-handling demand plan",
            "Sample PEEL (West Mercia): AFI 3. Wellbeing of investigators",
        ]
        assert numbers("awaiting-dependency") == [5, 6, 10]
        assert numbers("awaiting-sign-off") == [8, 12]
        table = next(t for t in response.context["tables"] if t.key == "within-control")
        labels = [c.label for c in table.columns]
        assert "Force" not in labels  # a force user's own force goes without saying
        rec3 = next(
            dict(zip(labels, (c.value for c in row), strict=True))
            for row in table.rows
            if row[0].value.startswith("Firearms 2023: 3.")
        )
        assert rec3["Deadline"] == datetime.date(2023, 10, 31)
        assert rec3["Days overdue"] == (TODAY - datetime.date(2023, 10, 31)).days
        assert rec3["Status"] == Status.IN_PROGRESS.label
        assert rec3["Latest update"] == datetime.date(2023, 9, 4)
        assert rec3["What the force last said"].startswith("Asset tracking")
        assert set(column(response, "awaiting-dependency", "Waiting on")) >= {
            "Revised College of Policing armoury guidance (audit and senior oversight)"
        }
        assert response.context["total"] == 9

    def test_force_page(self):
        response = client_for("westmercia.pcc").get(reverse("force", args=["west-mercia-police"]))
        body = response.content.decode()
        assert "Asset tracking through the Airbox software" in body
        assert "John Campion, Police and Crime Commissioner" in body
        assert len(rows(response, "recommendations")) == 16
        assert "No firearms statistics" in body

    def test_sees_nothing_of_other_forces(self):
        client = client_for("westmercia.pcc")
        assert client.get(reverse("force", args=["gwent-police"])).status_code == 404
        assert client.get(reverse("overdue") + "?force=gwent-police").status_code == 404
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            page = response.content.decode()
            assert "Gwent" not in page, path
            assert "Cleveland" not in page, path
            text = body(client.get(path + "?format=csv")).decode("utf-8-sig")
            book = workbook(client.get(path + "?format=xlsx"))
            cells = " ".join(
                str(value)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
            )
            for other in ("Gwent", "Cleveland"):
                assert other not in text, path
                assert other not in cells, path
        matrix = client.get(reverse("matrix") + "?inspection=firearms-2023")
        assert [row[1].value for row in rows(matrix, "matrix")] == ["West Mercia Police"]
        picture = client.get(reverse("recommendation", args=["firearms-2023", 2])).context[
            "picture"
        ]
        assert sum(len(forces) for forces in picture.values()) == 1


class TestNationalPicture:
    """The demo's national figures come from its seeded random generator: these tests check
    the pages against the database, not against pinned numbers (test_national_reports.py
    checks exact figures on data built for the purpose)."""

    def test_dependencies_report(self):
        response = client_for("national.admin").get(reverse("dependencies"))
        deps = {row[0].value: row for row in rows(response, "dependencies")}
        rota = deps[
            "Regional 24-hour rota of specialist strategic and tactical firearms commanders"
        ]
        assert rota[3].value == "Delivered"
        assert rota[5].value == datetime.date(2025, 9, 30)
        app = Dependency.objects.get(key="app-commander-accreditation")
        app_row = deps[app.title]
        waiting = ForceImplementation.objects.filter(
            status=Status.AWAITING_DEPENDENCY, blocking_dependencies=app
        )
        assert app_row[7].value == waiting.count()
        assert app_row[6].value == waiting.values("force").distinct().count()
        assert app_row[8].value == "firearms-2023 5; firearms-2023 6"
        assert len(rows(response, "needs-review")) == min(
            50, ForceImplementation.objects.needs_review().count()
        )

    def test_matrix(self):
        response = client_for("viewer").get(reverse("matrix") + "?inspection=firearms-2023")
        matrix_rows = rows(response, "matrix")
        assert len(matrix_rows) == 43
        assert len(matrix_rows[0]) == 2 + 7 + 2
        west_mercia = next(r for r in matrix_rows if r[1].value == "West Mercia Police")
        # Each cell says the item's state as every other page does: West Mercia's rota is
        # delivered, so the items that waited on it alone are the force's to review.
        assert [c.value for c in west_mercia[2:9]] == [
            "Dependency delivered: review",
            "In progress",
            "Awaiting dependency",
            "Awaiting dependency",
            "Implemented – awaiting sign-off",
            "Awaiting dependency",
            "Implemented – awaiting sign-off",
        ]
        kept = ForceImplementation.objects.filter(
            force__slug="west-mercia-police", recommendation__inspection__slug="firearms-2023"
        ).order_by("recommendation__number")
        assert [c.value for c in west_mercia[2:9]] == [ItemState(i.state).label for i in kept]
        assert (west_mercia[9].value, west_mercia[10].value) == (0, 7)
        grid = response.context["grid"]
        assert sum(t["complete"] for t in grid.column_totals) == sum(
            r[9].value for r in matrix_rows
        )
        body = response.content.decode()
        assert "Awaiting dependency" in body
        assert "govuk-tag--yellow" in body

    def test_recommendation_page(self):
        client = client_for("viewer")
        response = client.get(reverse("recommendation", args=["firearms-2023", 2]))
        picture = response.context["picture"]
        assert sum(len(f) for f in picture.values()) == 43
        assert "West Mercia Police" in [f.name for f in picture[ItemState.NEEDS_REVIEW]]
        body = response.content.decode()
        assert "<svg" in body
        assert "Forces by status" in body
        national = client.get(reverse("recommendation", args=["firearms-2023", 1]))
        assert "has not been entered yet" in national.content.decode()

    def test_force_figures_stand_beside_england_and_wales(self):
        response = client_for("viewer").get(reverse("force", args=["gwent-police"]))
        years = response.context["beside_national"]
        national = FirearmsStatistic.objects.filter(force=None)
        for year in years:
            same_year = national.filter(year_ending=year.year_ending).order_by("source").last()
            assert year.national == same_year
        paired = [y for y in years if y.national is not None]
        assert paired, "the reference data has England and Wales figures for Gwent's years"
        body = response.content.decode()
        figure = paired[-1].national.firearms_operations
        assert figure >= 1000
        assert f"{figure:,}" in body  # with its thousands separator
        assert "England and Wales" in body

    def test_force_page_statistics(self):
        response = client_for("viewer").get(reverse("force", args=["gwent-police"]))
        body = response.content.decode()
        assert "Firearms operations in Gwent Police" in body
        assert "Year ending March 2023: 247" in body  # the chart's text alternative
        assert [s.firearms_operations for s in response.context["statistics"]] == [393, 263, 247]


class TestExports:
    def test_csv_is_exactly_the_rows_on_screen(self):
        client = client_for("viewer")
        query = "?region=wales&status=awaiting_dependency"
        page = client.get(reverse("overdue") + query)
        export = client.get(reverse("overdue") + query + "&format=csv&table=awaiting-dependency")
        assert export["Content-Type"].startswith("text/csv")
        assert "attachment" in export["Content-Disposition"]
        lines = csv_rows(export)
        header, body = lines[0], lines[1:]
        assert header[:9] == [
            "Force",
            "Region",
            "Inspection",
            "Finding",
            "Number",
            "Short title",
            "Deadline",
            "Falls due",
            "Days overdue",
        ]
        assert "What the force last said" in header
        on_screen = rows(page, "awaiting-dependency")
        assert len(body) == len(on_screen)
        assert [(r[0], r[6], r[7], int(r[8])) for r in body] == [
            (row[0].value, row[2].value.isoformat(), row[3].value.isoformat(), row[4].value)
            for row in on_screen
        ]
        assert body

    def test_xlsx_has_every_table_with_dates_as_dates(self):
        client = client_for("viewer")
        export = client.get(reverse("overdue") + "?format=xlsx")
        book = workbook(export)
        assert book.sheetnames == [
            "Overdue - within control",
            "Overdue - awaiting dependency",
            "Overdue - awaiting sign-off",
        ]
        sheet = book["Overdue - awaiting sign-off"]
        assert sheet.max_row - 1 == (
            ForceImplementation.objects.overdue_of_kind(
                TODAY, OverdueKind.AWAITING_SIGN_OFF
            ).count()
        )
        assert isinstance(sheet["G2"].value, datetime.datetime)
        assert sheet["A1"].value == "Force"

    @pytest.mark.parametrize("path", PAGES)
    def test_every_page_exports(self, path):
        client = client_for("national.admin")
        for fmt, content_type in (("csv", "text/csv"), ("xlsx", "application/vnd.openxml")):
            response = client.get(path + f"?format={fmt}")
            assert response.status_code == 200, (path, fmt)
            assert response["Content-Type"].startswith(content_type)

    def test_formula_injection_is_neutralised(self):
        implementation = ForceImplementation.objects.filter(force__slug="gwent-police").first()
        ForceImplementation.objects.filter(pk=implementation.pk).update(
            lead_officer='=HYPERLINK("http://evil.example","x")'
        )
        client = client_for("gwent.pcc")
        path = reverse("force", args=["gwent-police"])
        text = body(client.get(path + "?format=csv")).decode("utf-8-sig")
        assert "'=HYPERLINK" in text
        book = workbook(client.get(path + "?format=xlsx"))
        values = [c.value for row in book.active.iter_rows() for c in row]
        assert '\'=HYPERLINK("http://evil.example","x")' in values
        assert not any(isinstance(v, str) and v.startswith("=") for v in values)


class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("?status=finished", "Status: Select a valid choice"),
            ("?inspection=no-such-report", "Inspection: No inspection is called or contains"),
            ("?region=atlantis", "Region: Select a valid choice"),
            ("?recommendation=seven", "Number (within its kind): Enter a number"),
            ("?kind=finding", "Kind of finding: Select a valid choice"),
            ("?format=pdf", "'pdf' is not an export format"),
            ("?format=csv&table=nope", "There is no table 'nope'"),
        ],
    )
    def test_clear_message_not_a_server_error(self, query, message):
        response = client_for("viewer").get(reverse("overdue") + query)
        assert response.status_code == 400
        body = html.unescape(response.content.decode())
        assert message in body
        assert "There is a problem with the address" in body

    @pytest.mark.parametrize("days", ["abc", "0", "-3", "400", "1.5"])
    def test_due_soon_window_must_be_a_number(self, days):
        response = client_for("viewer").get(reverse("due-soon") + f"?days={days}")
        assert response.status_code == 400
        assert "whole number of days" in response.content.decode()

    @pytest.mark.parametrize("page", ["matrix", "responses"])
    def test_unknown_inspection_on_a_one_inspection_page(self, page):
        response = client_for("viewer").get(reverse(page) + "?inspection=nope")
        assert response.status_code == 400
        assert "No inspection is called or contains 'nope'" in html.unescape(
            response.content.decode()
        )

    @pytest.mark.parametrize("page", ["matrix", "responses"])
    def test_one_inspection_page_is_chosen_by_typed_words(self, page):
        inspection = Inspection.objects.get(slug="firearms-2023")
        response = client_for("viewer").get(reverse(page) + "?inspection=deployment+of+firearms")
        assert response.status_code == 200, response.content
        assert response.context["chosen"] == inspection
        body = response.content.decode()
        assert "<select" not in body.split('id="id_inspection"')[0].rsplit("<form", 1)[-1]
        assert f'value="{html.escape(inspection.title)}"' in body

    @pytest.mark.parametrize(
        "path",
        [
            "/forces/no-such-force/",
            "/inspections/firearms-2023/recommendations/99/",
            "/inspections/nope/recommendations/2/",
            "/no/such/page/",
        ],
    )
    def test_not_found_in_the_sites_layout(self, path):
        response = client_for("viewer").get(path)
        assert response.status_code == 404
        body = response.content.decode()
        assert "Page not found" in body
        assert "govuk-generic-header" in body

    def test_everything_needs_sign_in(self):
        for path in [
            *PAGES,
            reverse("evidence-file", args=["00000000-0000-4000-8000-000000000000"]),
        ]:
            response = Client().get(path)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("sign-in"))


@override_settings(TRACKER_TODAY=datetime.date(2023, 9, 5))
def test_today_drives_every_count():
    """On the day after the s.55 deadline only the 'immediate' recommendations are overdue."""
    response = client_for("westmercia.pcc").get(reverse("dashboard"))
    counts = response.context["counts"]
    assert counts["overdue"] == 3  # 8, 10 and 12: with immediate effect


class TestAuditTrail:
    def test_national_admin_lists_changes_by_user_and_date(self):
        from inspections import services

        pcc = User.objects.get(username="gwent.pcc")
        implementation = ForceImplementation.objects.filter(force=pcc.force).first()
        services.set_target_date(
            implementation=implementation,
            new_date=datetime.date(2027, 1, 1),
            reason="Waiting for the regional rota",
            changed_by=pcc,
        )
        client = client_for("national.admin")
        response = client.get(reverse("audit") + "?user=gwent.pcc")
        rows = response.context["tables"][0].rows
        assert rows
        assert all(row[1].value == "gwent.pcc" for row in rows)
        details = [row[5].value for row in rows if row[3].value == "target date"]
        assert any("because: Waiting for the regional rota" in d for d in details)
        letters = client.get(reverse("audit") + "?kind=letter&user=westmercia.pcc")
        assert any(
            "issued on 2023-09-04" in row[5].value for row in letters.context["tables"][0].rows
        )
        none_yet = client.get(reverse("audit") + "?since=2099-01-01")
        assert none_yet.context["tables"][0].rows == []
        csv_export = client.get(reverse("audit") + "?user=gwent.pcc&format=csv")
        assert "Waiting for the regional rota" in body(csv_export).decode("utf-8-sig")

    @pytest.mark.parametrize("username", ["westmercia.pcc", "westmercia.lead", "viewer"])
    def test_only_national_admins(self, username):
        assert client_for(username).get(reverse("audit")).status_code == 403

    @pytest.mark.parametrize("query", ["?since=yesterday", "?kind=spaceship"])
    def test_bad_input(self, query):
        assert client_for("national.admin").get(reverse("audit") + query).status_code == 400

    def test_force_page_shows_target_date_reasons(self):
        from inspections import services

        pcc = User.objects.get(username="westmercia.pcc")
        implementation = ForceImplementation.objects.get(
            force=pcc.force,
            recommendation__inspection__slug="firearms-2023",
            recommendation__number=5,
        )
        services.set_target_date(
            implementation=implementation,
            new_date=datetime.date(2027, 3, 1),
            reason="Planned with the force.",
            changed_by=pcc,
        )
        services.set_target_date(
            implementation=implementation,
            new_date=datetime.date(2027, 6, 1),
            reason="APP still in consultation",
            changed_by=pcc,
        )
        lead = client_for("westmercia.lead")
        body = lead.get(reverse("force", args=["west-mercia-police"])).content.decode()
        assert "issued 4 September 2023 by Sam Ashby" in body
        # Each finding's whole history is on its own page, linked from the force page.
        item = reverse("item", args=["west-mercia-police", "firearms-2023", 5])
        assert f'href="{item}"' in body
        history = lead.get(item).context["revisions"]
        assert [
            (r.previous_date, r.new_date, r.reason, r.changed_by.get_full_name()) for r in history
        ][-1] == (
            datetime.date(2027, 3, 1),
            datetime.date(2027, 6, 1),
            "APP still in consultation",
            "Sam Ashby",
        )
        assert "APP still in consultation" in lead.get(item).content.decode()
