"""A national administrator reads a report from its document in Debian's chromium: the firearms
fixture uploaded, its twelve findings checked beside the words they were read from, one
corrected, then published; the database then holds the seven local recommendations exactly as
the reference data has them and the national ones as the fixture words them. Axe on every page
and state, 320 px without sideways scroll, and the actions counted (typing apart)."""

import time

import pytest
from django.urls import reverse

from inspections.models import DeadlineKind, Inspection, Recommendation, Scope

from ..conftest import TODAY
from ..test_reader import NATIONAL, REPORTS, local_recommendations
from .test_one_truth_journeys import narrow
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def test_a_national_administrator_imports_checks_and_publishes_a_report(cast, page_as):
    problems: list[str] = []
    actions = 0
    started = time.monotonic()
    page = page_as(cast.admin)
    page.goto(reverse("reports"))
    page.get_by_role("link", name="Read a report from its document").click()
    actions += 1
    page.wait_for_load_state()
    audit(page, problems, "import page")
    narrow(page, problems, "import page")
    page.get_by_role("button", name="Read the report").click()
    page.wait_for_load_state()
    assert "Choose the report's document" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "import page with an error")
    page.get_by_label("The report's document").set_input_files(str(REPORTS / "firearms.html"))
    page.get_by_role("button", name="Read the report").click()
    actions += 2
    page.wait_for_load_state()
    assert (
        "12 findings read from the report"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.locator("text=The report's words:").count() == 12
    audit(page, problems, "review page")
    narrow(page, problems, "review page")
    draft = Inspection.objects.drafts().get()
    assert draft.recommendations.count() == 12

    # Correct one finding: recommendation 3's short title, as the reference data has it.
    row = next(
        index
        for index in range(12)
        if page.locator(f"#id_finding-{index}-number").input_value() == "3"
    )
    page.locator(f"#id_finding-{row}-short_title").fill("ARV asset tracking in use, staff trained")
    actions += 1
    page.get_by_role("button", name="Save and check").click()
    actions += 1
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check the report before publishing it", page.locator(
        ".govuk-error-summary"
    ).all_inner_texts()
    audit(page, problems, "check page")
    page.get_by_role("button", name="Publish to").click()
    actions += 1
    page.wait_for_load_state()
    assert "published to" in page.locator(".govuk-notification-banner").inner_text()
    elapsed = time.monotonic() - started

    draft.refresh_from_db()
    assert not draft.is_draft
    for reference in local_recommendations():
        finding = Recommendation.objects.get(inspection=draft, number=int(reference["number"]))
        assert finding.text == reference["text"]
        assert (finding.scope, finding.addressee) == (Scope.LOCAL, reference["addressee"])
        if reference["deadline"] == "immediate":
            assert finding.deadline_kind == DeadlineKind.IMMEDIATE
        else:
            assert finding.deadline.isoformat() == reference["deadline"]
    assert (
        Recommendation.objects.get(inspection=draft, number=3).short_title
        == "ARV asset tracking in use, staff trained"
    )
    for number, (_deadline, text) in NATIONAL.items():
        finding = Recommendation.objects.get(inspection=draft, number=number)
        assert (finding.text, finding.scope) == (text, Scope.NATIONAL)
    print(f"import journey: {actions} actions, {elapsed:.1f} s in the browser for 12 findings")
    assert actions <= 8
    assert problems == [], "\n".join(problems)
