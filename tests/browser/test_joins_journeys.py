"""The joins between pages, in Debian's chromium through the real forms, the database checked
after each step, axe on every page and state, and at 320 px wide without sideways scroll: a
force's spreadsheet round trip on service pages with two edited rows (recorded as of today); an
update that fails validation and names the files to choose again; the force page to an item,
an update and back; a returned item read as returned."""

import datetime

import openpyxl
import pytest
from django.urls import reverse

from inspections import services
from inspections.models import ItemState, ProgressUpdate, Status

from ..conftest import TODAY, record
from ..factories import RecommendationFactory
from .test_one_truth_journeys import narrow
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def test_the_spreadsheet_round_trip_on_service_pages(cast, impl_a, page_as, tmp_path):
    third = RecommendationFactory(inspection=impl_a.recommendation.inspection, number=3)
    impl_3 = third.implementations.get(force=cast.force_a)
    record(impl_a, cast.pcc_a, narrative="Training booked.", as_of=datetime.date(2024, 9, 4))
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("force", args=[cast.force_a.slug]))
    page.get_by_role("link", name="From a spreadsheet").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Update from a spreadsheet"
    audit(page, problems, "sheet page")
    narrow(page, problems, "sheet page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Every item, as Excel (.xlsx)").click()
    path = tmp_path / "sheet.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        number = str(row[2].value)
        if number == "2":
            row[header.index("Narrative")].value = "Training delivered to every officer."
        if number == "3":
            row[header.index("Status")].value = "In progress"
            row[header.index("Narrative")].value = "Policy drafted."
    book.save(path)
    # A file that is not a sheet first: a message on the page, nothing kept.
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    page.get_by_label("Upload the sheet").set_input_files(str(notes))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert (
        "The sheet must be an .xlsx or .csv file."
        in page.locator(".govuk-error-summary").inner_text()
    )
    audit(page, problems, "sheet page with an error")
    page.get_by_label("Upload the sheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check the changes"
    assert page.locator("text=recorded as of today").count() == 2
    assert not ProgressUpdate.objects.filter(narrative="Policy drafted.").exists()
    audit(page, problems, "check page")
    narrow(page, problems, "check page")
    page.get_by_role("button", name="Record 2 updates").click()
    page.wait_for_load_state()
    assert "2 updates recorded." in page.locator(".govuk-notification-banner").inner_text()
    assert impl_a.updates.latest("id").as_of == TODAY
    assert impl_3.updates.get().narrative == "Policy drafted."
    assert impl_3.updates.get().as_of == TODAY
    assert problems == [], "\n".join(problems)


def test_an_update_with_errors_names_the_files_to_choose_again(cast, impl_a, page_as, tmp_path):
    record(impl_a, cast.pcc_a, narrative="Training booked.")
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("force", args=[cast.force_a.slug]))
    # The force page's row goes to the force's own item.
    page.locator(
        f'a[href^="{reverse("item", args=[cast.force_a.slug, "firearms", 2])}"]'
    ).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Recommendation 2"
    page.get_by_role("link", name="Record an update").click()
    page.wait_for_load_state()
    # It starts from the latest narrative.
    assert page.get_by_label("What has been done, and what happens next").input_value() == (
        "Training booked."
    )
    audit(page, problems, "update form")
    evidence = tmp_path / "audit.pdf"
    evidence.write_bytes(b"%PDF-1.4 audit")
    page.get_by_label("What has been done, and what happens next").fill("")
    page.get_by_label("Evidence files (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Save the update").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Say what has been done and what happens next" in summary
    assert "Choose your evidence files again" in summary
    assert "audit.pdf" in summary
    audit(page, problems, "update form with errors")
    narrow(page, problems, "update form with errors")
    assert ProgressUpdate.objects.count() == 1
    page.get_by_label("What has been done, and what happens next").fill("Training delivered.")
    page.get_by_label("Evidence files (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Save the update").click()
    page.wait_for_load_state()
    # Back where the journey started: the force page.
    assert page.locator("h1").inner_text() == "Alphashire Police"
    latest = impl_a.updates.latest("id")
    assert latest.narrative == "Training delivered."
    assert list(latest.files.values_list("name", flat=True)) == ["audit.pdf"]
    assert problems == [], "\n".join(problems)


def test_a_returned_item_reads_returned_with_its_comment(cast, impl_a, page_as):
    record(impl_a, cast.pcc_a, Status.IMPLEMENTED, narrative="All trained.")
    services.review_implementation(
        implementation=impl_a, reviewer=cast.lead_a, sign_off=False, note="Attach the records."
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("force", args=[cast.force_a.slug]))
    assert "Returned to PCC staff" in page.locator("main").inner_text()
    audit(page, problems, "force page with a returned item")
    page.goto(reverse("item", args=[cast.force_a.slug, "firearms", 2]))
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Returned to PCC staff" in banner
    assert "Attach the records." in banner
    audit(page, problems, "returned item")
    narrow(page, problems, "returned item")
    impl_a.refresh_from_db()
    assert impl_a.state == ItemState.RETURNED
    assert problems == [], "\n".join(problems)


KEYS_TO_A_SAVED_UPDATE = 30


def tab_to(page, accessible_name: str = "", limit: int = 40, href: str = "") -> int:
    """Press Tab until the control whose text starts with ``accessible_name`` (or the link to
    ``href``) has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        text, link = page.evaluate(
            "() => [(document.activeElement.innerText || document.activeElement.value || '')"
            ".trim(), document.activeElement.getAttribute('href') || '']"
        )
        if (href and link.split("?")[0] == href) or (not href and text.startswith(accessible_name)):
            return presses
    raise AssertionError(f"{accessible_name or href!r} not reached in {limit} presses of Tab")


def skip_to_main(page) -> int:
    """The first Tab reaches "Skip to main content"; Enter moves the focus to the page's own
    content, past the header and navigation, as keyboard users do. Two presses."""
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.innerText.trim()") == (
        "Skip to main content"
    )
    page.keyboard.press("Enter")
    return 2


def follow(page) -> None:
    """Enter on the focused link or button, and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_keyboard_only_from_the_dashboard_to_a_saved_update(cast, impl_a, page_as):
    """Only the keyboard, from the dashboard to a saved update: key presses counted (typing the
    narrative apart), against the issue's ceiling of 30."""
    record(impl_a, cast.pcc_a, narrative="Training booked.", as_of=datetime.date(2024, 9, 4))
    page = page_as(cast.pcc_a)
    page.goto(reverse("dashboard"))
    presses = tab_to(page, "My force")
    follow(page)
    presses += 1
    item = reverse(
        "item",
        args=[cast.force_a.slug, impl_a.recommendation.inspection.slug, impl_a.recommendation.ref],
    )
    presses += skip_to_main(page)
    presses += tab_to(page, href=item, limit=80)
    follow(page)
    presses += 1
    presses += skip_to_main(page)
    presses += tab_to(page, "Record an update")
    follow(page)
    presses += 1
    # The status stays as it is (in progress); the narrative starts from the latest, to edit.
    presses += skip_to_main(page)
    presses += tab_to(page, "Training booked.")
    page.keyboard.press("End")
    page.keyboard.type(" The first course ran in November.")
    presses += 1
    # One Tab to the date it is as of (today, already filled in); Enter in a text box submits
    # its form, as in any browser.
    presses += tab_to(page, str(TODAY.day))
    follow(page)
    presses += 1
    assert "There is a problem" not in page.content(), page.locator(
        ".govuk-error-summary"
    ).inner_text()
    latest = ProgressUpdate.objects.filter(implementation=impl_a).latest_first().first()
    assert latest.narrative == "Training booked. The first course ran in November."
    assert latest.author == cast.pcc_a
    assert presses < KEYS_TO_A_SAVED_UPDATE, presses
    print(f"keyboard only: {presses} key presses from the dashboard to a saved update")


def test_the_force_names_an_item_s_lead_officer_on_its_page(cast, impl_a, page_as):
    problems: list[str] = []
    page = page_as(cast.lead_a)
    page.goto(
        reverse(
            "item",
            args=[
                cast.force_a.slug,
                impl_a.recommendation.inspection.slug,
                impl_a.recommendation.ref,
            ],
        )
    )
    page.get_by_role("link", name="Name the lead officer").click()
    page.wait_for_load_state()
    audit(page, problems, "lead officer")
    narrow(page, problems, "lead officer")
    page.get_by_label("Lead officer").fill("Supt\vJane Smith")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "control character" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "lead officer, error")
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == ""
    page.get_by_label("Lead officer").fill("Supt Jane Smith")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert (
        "Lead officer: Supt Jane Smith." in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Supt Jane Smith" in page.locator(".govuk-summary-list").inner_text()
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == "Supt Jane Smith"
    assert problems == [], "\n".join(problems)
