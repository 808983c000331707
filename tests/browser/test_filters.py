"""The inspection filter is a text box, not a list of every inspection: in Debian's chromium,
typing offers matching titles (fetched as you type), choosing one filters the report, and the
page stays accessible throughout."""

import pytest
from django.urls import reverse

from ..conftest import TODAY
from ..factories import InspectionFactory, RecommendationFactory
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def test_typing_suggests_inspections_and_filters_the_report(cast, recommendation, page_as):
    other = InspectionFactory(title="Police response to fraud", short_title="Fraud")
    RecommendationFactory(inspection=other, number=4)
    problems: list[str] = []
    page = page_as(cast.admin)
    page.goto(reverse("overdue"))
    page.get_by_text("Filter the list").click()
    box = page.get_by_label("Inspection")
    box.press_sequentially("frau", delay=40)
    # (A locator wait: the page's CSP forbids the evaluated string wait_for_function uses.)
    page.locator("#inspection-suggestions option").first.wait_for(state="attached")
    options = page.eval_on_selector_all(
        "#inspection-suggestions option", "options => options.map(o => o.value)"
    )
    assert options == ["Fraud"]
    audit(page, problems, "filters with suggestions")
    box.fill("Fraud")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "inspection=Fraud" in page.url
    rows = page.locator("#within-control-caption").inner_text()
    assert rows.endswith("(2)")  # recommendation 4 of the fraud report, for both forces
    audit(page, problems, "report filtered by a typed inspection")
    assert problems == []
