"""The pages as people use them, in Debian's chromium under the production CSP: sign in as each
role, follow the navigation, filter, download, and axe-core finds no WCAG 2.2 A/AA violation."""

import csv
import io
from pathlib import Path

import pytest

from inspections.models import ProgressLetter

from ..conftest import load_demo_once
from .test_admin_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "tracker-demo-2023"
NAVIGATION = {
    "Dashboard": "National picture",
    "Overdue": "Overdue items",
    "Due soon": "Due soon",
    "Dependencies": "Dependencies",
    "Matrix": "Compliance matrix",
    "s.55 responses": "s.55 responses",
    "Letters": "Letters to the Home Secretary",
}
# The words of each report's link on the Reports page, where they differ from the above.
REPORT_LINKS = {"Matrix": "Compliance matrix"}


@pytest.fixture
def demo(db, settings):
    settings.TRACKER_TODAY = "2026-11-21"
    # Loaded once per process on SQLite and copied back after (tests/conftest.py).
    load_demo_once()


def sign_in(page, username: str) -> None:
    page.goto("/")
    assert "/sign-in/" in page.url
    assert page.title().startswith("Sign in")
    assert violations(page) == []
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def audit(page, problems: list[str]) -> None:
    problems += [f"{page.url} {v}" for v in violations(page)]
    problems += [f"{page.url} CSP: {e}" for e in page.csp_errors]
    page.csp_errors.clear()


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def test_pcc_staff_journey(demo, page_as):
    page = page_as(None)
    problems: list[str] = []
    sign_in(page, "westmercia.pcc")
    assert heading(page) == "West Mercia Police"
    assert "West Mercia Police, PCC staff" in page.locator("header").inner_text()
    audit(page, problems)

    # A force user's navigation fits one row at 1280 px: the reports are one item.
    navigation = page.locator(".govuk-service-navigation__item")
    tops = {round(navigation.nth(i).bounding_box()["y"]) for i in range(navigation.count())}
    assert len(tops) == 1, tops
    for label in ("Overdue", "Due soon", "Dependencies", "Matrix", "s.55 responses"):
        page.locator(".govuk-service-navigation").get_by_role("link", name="Reports").click()
        page.wait_for_load_state()
        assert heading(page) == "Reports"
        page.locator("main").get_by_role("link", name=REPORT_LINKS.get(label, label)).click()
        page.wait_for_load_state()
        assert heading(page) == NAVIGATION[label], label
        current = page.locator("[aria-current=page]")
        assert current.inner_text().strip() == "Reports"
        assert f"{NAVIGATION[label]}".split(":")[0] in page.title() or label == "Matrix"
        audit(page, problems)
    for label in ("Letters", "My force"):
        page.locator(".govuk-service-navigation").get_by_role("link", name=label).click()
        page.wait_for_load_state()
        expected = "West Mercia Police" if label == "My force" else NAVIGATION[label]
        assert heading(page) == expected, label
        assert page.locator("[aria-current=page]").inner_text().strip() == label
        audit(page, problems)

    # Open the force's own item from the force page, then filter the overdue report.
    page.locator("a[href^='/forces/west-mercia-police/firearms-2023/3/']").first.click()
    assert heading(page) == "Recommendation 3"
    audit(page, problems)

    page.goto("/reports/overdue/")
    page.get_by_text("Filter the list").click()
    page.get_by_label("Status").select_option("awaiting_dependency")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "status=awaiting_dependency" in page.url
    assert page.locator("#awaiting-dependency-caption").inner_text().endswith("(3)")
    # The filter chooses by the state every page shows: the item whose dependency was delivered
    # is 'Dependency delivered: review', not awaiting, and the force's own (within its control).
    assert page.locator("#within-control-caption").inner_text().endswith("(0)")
    audit(page, problems)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV of Overdue: awaiting a dependency").click()
    download = download_info.value
    assert download.suggested_filename.startswith("overdue-awaiting-dependency-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3
    # A file travels: it names the force, and keeps inspection and number in their own columns.
    assert "west-mercia-police" in download.suggested_filename
    assert rows[0][:5] == ["Force", "Region", "Inspection", "Finding", "Number"]
    assert {(row[0], row[2]) for row in rows[1:]} == {("West Mercia Police", "Firearms 2023")}
    assert all(row[3] == "Recommendation" and row[4].isdigit() for row in rows[1:])

    # Bad input and another force's page get a page in the site's layout.
    page.goto("/reports/due-soon/?days=soon")
    assert "There is a problem with the address" in page.content()
    audit(page, problems)
    response = page.goto("/forces/gwent-police/")
    assert response.status == 404
    assert heading(page) == "Page not found"
    audit(page, problems)

    # West Mercia's issued letter, then a new draft: edit it and read it back.
    page.goto("/letters/")
    page.get_by_role(
        "link",
        name="An inspection of how effective police forces are in the deployment of firearms",
    ).first.click()
    assert heading(page) == "Issued letter"
    assert "Issued on 4 September 2023" in page.content()
    audit(page, problems)
    page.goto("/letters/")
    page.get_by_label("Draft a letter on").select_option("firearms-2023")
    page.get_by_role("button", name="Draft a letter").click()
    page.wait_for_load_state()
    assert heading(page) == "Edit the draft letter"
    audit(page, problems)
    page.get_by_label("Closing").fill("I will keep these recommendations under review.")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_load_state()
    assert heading(page) == "Draft letter"
    assert "I will keep these recommendations under review." in page.content()
    assert "What changed since the letter issued on 4 September 2023" in page.content()
    audit(page, problems)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    assert download_info.value.suggested_filename.endswith("-draft.pdf")

    # Issuing goes through a check page; a date the form cannot read is an error, not a guess.
    page.get_by_role("link", name="Issue the letter").click()
    page.wait_for_load_state()
    assert heading(page) == "Check before you issue the letter"
    audit(page, problems)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Issue the letter").click()
    page.wait_for_load_state()
    assert "must be a real date" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems)
    page.get_by_label("Day").fill("20")
    page.get_by_role("button", name="Issue the letter").click()
    page.wait_for_load_state()
    assert heading(page) == "Issued letter"
    assert "Issued on 20 February 2026" in page.content()
    issued = ProgressLetter.objects.filter(force__slug="west-mercia-police").latest("id")
    assert issued.status == "issued"
    assert issued.issued_on.isoformat() == "2026-02-20"

    # Signing out: the page asks first (a link or a typed address lands here), then signs out.
    page.goto("/sign-out/")
    assert heading(page) == "Sign out"
    audit(page, problems)
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
    assert page.goto("/reports/overdue/").url.endswith("/sign-in/?next=/reports/overdue/")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("username", "first_heading"),
    [
        ("national.admin", "National picture"),
        ("viewer", "National picture"),
        ("gwent.lead", "Gwent Police"),
    ],
)
def test_other_roles_sign_in_and_navigate(demo, page_as, username, first_heading):
    page = page_as(None)
    problems: list[str] = []
    sign_in(page, username)
    assert heading(page) == first_heading
    audit(page, problems)
    if username != "gwent.lead":
        page.goto("/reports/matrix/?inspection=firearms-2023")
        assert page.locator("table.tracker-matrix tbody tr").count() == 43 + 10  # forces + regions
        audit(page, problems)
        page.goto("/forces/gwent-police/")
        page.locator("details summary").first.click()
        assert page.locator("svg.tracker-chart").count() == 1
        audit(page, problems)
        page.goto("/inspections/firearms-2023/recommendations/2/")
        audit(page, problems)
        page.goto("/inspections/firearms-2023/recommendations/1/")
        assert "has not been entered yet" in page.content()
        audit(page, problems)
    entry = page.locator(".govuk-service-navigation").get_by_role("link", name="Data entry")
    if username == "national.admin":
        entry.click()
        page.wait_for_load_state()
        assert page.url.endswith("/entry/")
        audit(page, problems)
        page.get_by_role("link", name="back office").click()
        page.wait_for_load_state()
        assert "/admin/" in page.url
        audit(page, problems)
    else:
        # The back office is offered only to those who work in it.
        assert entry.count() == 0
    assert problems == [], "\n".join(problems)
