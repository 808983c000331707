"""A national administrator enters a PEEL-style report on the service pages, in Debian's
chromium through the real form: a cause of concern, two recommendations under it and four areas
for improvement on one page, checked, then published to the forces; the database checked
afterwards, axe on every page and state, 320 px without sideways scroll, and the actions
(clicks and choices, typing apart) counted against the admin's 27 for one report and three
findings."""

import pytest
from django.core import mail
from django.urls import reverse

from inspections.models import FindingKind, ForceImplementation, Inspection

from ..conftest import TODAY
from .test_one_truth_journeys import narrow
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def test_a_national_administrator_enters_and_publishes_a_report(cast, page_as):
    problems: list[str] = []
    actions = 0
    page = page_as(cast.admin)
    page.goto(reverse("reports"))
    page.get_by_role("link", name="add a report and its findings").click()
    actions += 1
    page.wait_for_load_state()
    audit(page, problems, "new report")
    narrow(page, problems, "new report")
    page.get_by_label("Title of the report").fill("PEEL 2025: an inspection of Alphashire Police")
    page.locator("#id_short_title").fill("PEEL 2025 Alphashire")
    page.locator("#id_published_0").fill("3")
    page.locator("#id_published_1").fill("11")
    page.locator("#id_published_2").fill("2026")
    page.get_by_label("Chosen forces").check()
    page.get_by_label("Alphashire Police").check()
    actions += 2
    findings = [
        (FindingKind.CAUSE_OF_CONCERN, "1", "", "Crime is not recorded accurately."),
        (FindingKind.RECOMMENDATION, "1", "1", "Within six months the force should audit."),
        (FindingKind.RECOMMENDATION, "2", "1", "Within six months the force should train."),
        (FindingKind.AREA_FOR_IMPROVEMENT, "1", "", "The force should improve call handling."),
        (FindingKind.AREA_FOR_IMPROVEMENT, "2", "", "The force should improve supervision."),
        (FindingKind.AREA_FOR_IMPROVEMENT, "3", "", "The force should improve its data."),
        (FindingKind.AREA_FOR_IMPROVEMENT, "4", "", "The force should improve its wellbeing."),
    ]
    for index, (kind, number, under, text) in enumerate(findings):
        if page.locator(f"#id_finding-{index}-kind").count() == 0:
            page.get_by_role("button", name="Add another finding").click()
            actions += 1
            page.wait_for_load_state()
        if kind != FindingKind.RECOMMENDATION:
            page.locator(f"#id_finding-{index}-kind").select_option(kind)
            actions += 1
        page.locator(f"#id_finding-{index}-number").fill(number)
        if under:
            page.locator(f"#id_finding-{index}-under").fill(under)
            page.locator(f"#id_finding-{index}-deadline_kind").select_option("within_months")
            page.locator(f"#id_finding-{index}-deadline_months").fill("6")
            actions += 1
        page.locator(f"#id_finding-{index}-text").fill(text)
    audit(page, problems, "new report, filled in")
    page.get_by_role("button", name="Save and check").click()
    actions += 1
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check the report before publishing it", page.locator(
        ".govuk-error-summary"
    ).all_inner_texts()
    audit(page, problems, "check page")
    narrow(page, problems, "check page")
    report = Inspection.objects.get(slug="peel-2025-alphashire")
    assert report.is_draft
    assert report.recommendations.count() == 7
    assert not ForceImplementation.objects.filter(recommendation__inspection=report).exists()
    assert not mail.outbox
    page.get_by_role("button", name="Publish to 1 force").click()
    actions += 1
    page.wait_for_load_state()
    assert "published to 1 force" in page.locator(".govuk-notification-banner").inner_text()
    report.refresh_from_db()
    assert not report.is_draft
    items = ForceImplementation.objects.filter(recommendation__inspection=report)
    assert {item.force_id for item in items} == {cast.force_a.pk}
    assert items.count() == 7
    under = report.recommendations.filter(cause_of_concern__isnull=False)
    assert under.count() == 2
    # The admin took 27 actions for a report and three findings; this is seven findings.
    assert actions < 20, actions
    assert problems == [], "\n".join(problems)


def test_a_national_administrator_records_a_dependency_delivered(
    cast, impl_a, impl_b, dependency, page_as
):
    from inspections.models import DependencyStatus, ItemState, Status

    from ..conftest import record

    for item, author in ((impl_a, cast.pcc_a), (impl_b, cast.pcc_b)):
        record(item, author, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    problems: list[str] = []
    page = page_as(cast.admin)
    page.goto(reverse("dependencies"))
    page.get_by_text("Record a dependency delivered or withdrawn").click()
    page.get_by_role("link", name=dependency.title).click()
    page.wait_for_load_state()
    audit(page, problems, "record delivery")
    narrow(page, problems, "record delivery")
    page.get_by_label("Delivered").check()
    page.locator("#id_on_0").fill("20")
    page.locator("#id_on_1").fill("11")
    page.locator("#id_on_2").fill("2026")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check before you record it"
    assert "Alphashire Police (1 item)" in page.content()
    audit(page, problems, "record delivery, check")
    narrow(page, problems, "record delivery, check")
    dependency.refresh_from_db()
    assert dependency.status == DependencyStatus.PENDING
    page.get_by_role("button", name="Record it and email 2 forces").click()
    page.wait_for_load_state()
    assert "now need review" in page.locator(".govuk-notification-banner").inner_text()
    dependency.refresh_from_db()
    assert dependency.status == DependencyStatus.DELIVERED
    impl_a.refresh_from_db()
    assert impl_a.state == ItemState.NEEDS_REVIEW
    assert problems == [], "\n".join(problems)


def test_a_national_administrator_corrects_a_published_report(cast, recommendation, page_as):
    """A finding missed when the report was entered is added to the published report: the
    addressed forces get an item for it at once."""
    problems: list[str] = []
    report = recommendation.inspection
    before = ForceImplementation.objects.filter(recommendation__inspection=report).count()
    page = page_as(cast.admin)
    page.goto(reverse("dashboard"))
    page.get_by_role("link", name="Data entry").click()
    page.wait_for_load_state()
    audit(page, problems, "data entry")
    narrow(page, problems, "data entry")
    page.get_by_role("link", name=f"Correct {report.title}").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Correct the report"
    audit(page, problems, "correct a report")
    narrow(page, problems, "correct a report")
    index = page.locator(".tracker-finding-row").count() - 1  # the blank row offered
    page.locator(f"#id_finding-{index}-kind").select_option(FindingKind.AREA_FOR_IMPROVEMENT)
    page.locator(f"#id_finding-{index}-number").fill("9")
    page.locator(f"#id_finding-{index}-deadline_kind").select_option("none")
    page.locator(f"#id_finding-{index}-text").fill("The force should review its training.")
    page.get_by_role("button", name="Save the corrections").click()
    page.wait_for_load_state()
    assert "corrections are saved" in page.locator(".govuk-notification-banner").inner_text(), (
        page.locator(".govuk-error-summary").all_inner_texts()
    )
    added = report.recommendations.get(kind=FindingKind.AREA_FOR_IMPROVEMENT, number=9)
    items = ForceImplementation.objects.filter(recommendation__inspection=report)
    assert items.count() > before
    assert (
        items.filter(recommendation=added).count()
        == items.filter(recommendation=recommendation).count()
    )
    assert problems == [], "\n".join(problems)


def test_a_national_administrator_adds_national_work_and_links_it(cast, recommendation, page_as):
    from inspections.models import Dependency

    problems: list[str] = []
    page = page_as(cast.admin)
    page.goto(reverse("entry"))
    page.get_by_role("link", name="Add national or regional work").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    audit(page, problems, "add national work, errors")
    narrow(page, problems, "add national work, errors")
    page.get_by_label("What it is").fill("Revised APP on armed deployment")
    page.get_by_label("APP revision").check()
    page.get_by_label("Who delivers it").fill("College of Policing")
    page.locator("#id_expected_date_0").fill("31")
    page.locator("#id_expected_date_1").fill("3")
    page.locator("#id_expected_date_2").fill("2027")
    page.get_by_label(recommendation.label, exact=False).first.check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    work = Dependency.objects.get(title="Revised APP on armed deployment")
    assert list(work.recommendations.all()) == [recommendation]
    assert work.owner == "College of Policing"
    page.get_by_role("link", name=f"Change {work.title}").click()
    page.wait_for_load_state()
    audit(page, problems, "change national work")
    page.get_by_label("Who delivers it").fill("NPCC")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    work.refresh_from_db()
    assert work.owner == "NPCC"
    assert "record delivery" in page.content()
    # A status put right with a reason (here: withdrawn, recorded on the page by mistake).
    page.goto(reverse("dependency-correct", args=[work.key]))
    page.get_by_label("Withdrawn").check()
    page.get_by_role("button", name="Correct the status").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    audit(page, problems, "correct the status, errors")
    narrow(page, problems, "correct the status, errors")
    page.locator("#id_on_0").fill("1")
    page.locator("#id_on_1").fill("12")
    page.locator("#id_on_2").fill("2026")
    page.get_by_label("Why it is being corrected").fill("The college withdrew the draft.")
    page.get_by_role("button", name="Correct the status").click()
    page.wait_for_load_state()
    assert "Status corrected" in page.locator(".govuk-notification-banner").inner_text()
    work.refresh_from_db()
    assert work.status == "withdrawn"
    assert problems == [], "\n".join(problems)


def test_an_office_enters_a_coroners_report_and_sees_it_beside_hmicfrs(cast, impl_a, page_as):
    """PCC staff enter a coroner's prevention of future deaths report for their force on the
    same page as an inspection: its source, the coroner's name and the day it was sent, which
    starts the 56 days. Published, the dashboard counts HMICFRS and coroners' items side by side
    and the force page lists each source's on its own."""
    from inspections.models import Source

    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("report-new"))
    page.wait_for_load_state()
    page.get_by_label("Whose report it is").select_option(Source.CORONER)
    page.get_by_label("Title of the report").fill("Prevention of future deaths report: J Smith")
    page.get_by_label("Issued by, as letters name it (optional)").fill(
        "HM Senior Coroner for Alphashire"
    )
    for box, value in zip(("0", "1", "2"), ("2", "11", "2026"), strict=True):
        page.locator(f"#id_published_{box}").fill(value)
    for box, value in zip(("0", "1", "2"), ("5", "11", "2026"), strict=True):
        page.locator(f"#id_sent_on_{box}").fill(value)
    page.locator("#id_finding-0-number").fill("1")
    page.locator("#id_finding-0-deadline_kind").select_option("none")
    page.locator("#id_finding-0-text").fill(
        "Officers were not trained to recognise acute behavioural disturbance."
    )
    audit(page, problems, "coroner's report, filled in")
    narrow(page, problems, "coroner's report, filled in")
    page.get_by_role("button", name="Save and check").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check the report before publishing it", page.locator(
        ".govuk-error-summary"
    ).all_inner_texts()
    page.get_by_role("button", name="Publish to 1 force").click()
    page.wait_for_load_state()
    report = Inspection.objects.get(source=Source.CORONER)
    assert report.inspectorate == "HM Senior Coroner for Alphashire"
    assert str(report.response_due) == "2026-12-31"  # 56 days of 5 November
    assert ForceImplementation.objects.filter(recommendation__inspection=report).count() == 1
    page.goto(reverse("dashboard"))
    page.wait_for_load_state()
    sources = page.locator("table", has_text="Source").first.inner_text()
    assert "HMICFRS inspection" in sources
    assert "Coroner's prevention of future deaths report" in sources
    audit(page, problems, "dashboard by source")
    narrow(page, problems, "dashboard by source")
    page.goto(reverse("force", args=[cast.force_a.slug]))
    page.get_by_label("Source").select_option(Source.CORONER)
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    listed = page.locator("table").first.inner_text()
    assert "Officers were not trained to recognise acute behavioural disturbance" in listed
    assert impl_a.recommendation.inspection.list_name not in listed
    audit(page, problems, "force page by source")
    narrow(page, problems, "force page by source")
    assert problems == [], "\n".join(problems)
