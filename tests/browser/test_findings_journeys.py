"""Issue 16's journey, in Debian's chromium through the real forms, with the database checked
after each step and axe on every page and state: a national administrator adds a PEEL-style
report for one force with a cause of concern, a recommendation under it and an area for
improvement, on one page, and publishes it; that force's PCC staff break the AFI into an
action; the force lead asks for more time and another member of the office's staff decides
it after a check page; the office makes a meeting pack, records more progress and makes a
second pack, which shows what changed."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import (
    ExtensionRequest,
    ExtensionState,
    FindingKind,
    ForceImplementation,
    Inspection,
    LocalAction,
    MeetingPack,
    Recommendation,
    Role,
    Status,
)

from ..conftest import TODAY
from ..factories import UserFactory
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def save(page, button: str = "Save") -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def fill_date(page, when: datetime.date) -> None:
    page.get_by_label("Day").fill(str(when.day))
    page.get_by_label("Month").fill(str(when.month))
    page.get_by_label("Year").fill(str(when.year))


def fill_govuk_date(page, name: str, when: datetime.date) -> None:
    for part, value in enumerate((when.day, when.month, when.year)):
        page.locator(f"#id_{name}_{part}").fill(str(value))


def test_a_force_report_from_the_admin_to_the_second_meeting_pack(cast, page_as):
    problems: list[str] = []

    # 1. The national administrator adds the report, for Alphashire only, with its findings on
    # one page, checks it and publishes it.
    admin = page_as(cast.admin)
    admin.goto(reverse("dashboard"))
    admin.get_by_role("link", name="Data entry").click()
    admin.get_by_role("link", name="Add a report and its findings").click()
    admin.wait_for_load_state()
    admin.get_by_label("Title of the report").fill("PEEL 2025: Alphashire Police")
    fill_govuk_date(admin, "published", datetime.date(2025, 10, 1))
    admin.get_by_label("Chosen forces").check()
    admin.get_by_label("Alphashire Police").check()
    rows = [
        (FindingKind.CAUSE_OF_CONCERN, 1, "", "Emergency calls wait."),
        (FindingKind.RECOMMENDATION, 1, "1", "Plan demand."),
        (FindingKind.AREA_FOR_IMPROVEMENT, 7, "", "Update victims."),
    ]
    for index, (kind, number, under, text) in enumerate(rows):
        admin.locator(f"#id_finding-{index}-kind").select_option(kind)
        admin.locator(f"#id_finding-{index}-number").fill(str(number))
        admin.locator(f"#id_finding-{index}-under").fill(under)
        admin.locator(f"#id_finding-{index}-short_title").fill(text[:40])
        fill_govuk_date(admin, f"finding-{index}-deadline", datetime.date(2026, 6, 30))
        admin.locator(f"#id_finding-{index}-text").fill(text)
    audit(admin, problems, "add a report, filled in")
    save(admin, "Save and check")
    assert admin.locator("h1").inner_text() == "Check the report before publishing it"
    inspection = Inspection.objects.get(title="PEEL 2025: Alphashire Police")
    assert inspection.slug == "peel-2025-alphashire-police"  # made from the title as typed
    assert list(inspection.forces.all()) == [cast.force_a]
    assert inspection.is_draft
    save(admin, "Publish to 1 force")
    assert "published to 1 force" in admin.locator(".govuk-notification-banner").inner_text()
    cause = Recommendation.objects.get(inspection=inspection, kind=FindingKind.CAUSE_OF_CONCERN)
    findings = ForceImplementation.objects.filter(recommendation__inspection=inspection)
    assert findings.count() == 3
    assert set(findings.values_list("force", flat=True)) == {cast.force_a.pk}
    afi = findings.get(recommendation__kind=FindingKind.AREA_FOR_IMPROVEMENT)
    rec = findings.get(recommendation__kind=FindingKind.RECOMMENDATION)
    assert rec.recommendation.cause_of_concern == cause

    # 2. PCC staff break AFI 7 into a local action.
    pcc = page_as(cast.pcc_a)
    pcc.goto(reverse("item", args=[cast.force_a.slug, inspection.slug, "afi-7"]))
    assert pcc.locator("h1").inner_text() == "AFI 7"
    audit(pcc, problems, "AFI item page")
    pcc.get_by_role("link", name="Add an action").click()
    pcc.wait_for_load_state()
    pcc.get_by_label("In progress").check()
    save(pcc, "Save the action")
    assert "Say what will be done" in pcc.locator(".govuk-error-summary").inner_text()
    audit(pcc, problems, "action form with errors")
    assert not LocalAction.objects.exists()
    pcc.get_by_label("What will be done?").fill("Add update reminders to the crime system")
    pcc.get_by_label("Owner (optional until it is allocated)").fill("Head of IT")
    fill_date(pcc, datetime.date(2027, 2, 28))
    save(pcc, "Save the action")
    assert "0 of 1 actions closed" in pcc.content()
    audit(pcc, problems, "AFI item page with an action")
    action = LocalAction.objects.get()
    assert (action.implementation, action.owner, action.due_date, action.status) == (
        afi,
        "Head of IT",
        datetime.date(2027, 2, 28),
        "in_progress",
    )

    # 3. The force lead asks for more time on recommendation 1 (its deadline has passed).
    lead = page_as(cast.lead_a)
    lead.goto(reverse("item", args=[cast.force_a.slug, inspection.slug, "1"]))
    lead.get_by_role("link", name="Ask for more time").click()
    lead.wait_for_load_state()
    audit(lead, problems, "extension form")
    fill_date(lead, datetime.date(2027, 3, 31))
    lead.get_by_label("Why is more time needed?").fill("A year of call data is needed first.")
    save(lead, "Send the request")
    audit(lead, problems, "item page after asking")
    request = ExtensionRequest.objects.get()
    assert (request.requested_date, request.due_before, request.state) == (
        datetime.date(2027, 3, 31),
        datetime.date(2026, 6, 30),
        ExtensionState.PENDING,
    )

    # 4. Another member of the office's staff decides it, after the check page.
    UserFactory(username="pcc_a2", role=Role.PCC_STAFF, force=cast.force_a)
    decider = page_as(UserFactory(username="pcc_a2"))
    decider.goto(reverse("extensions"))
    audit(decider, problems, "extension requests")
    decider.get_by_role("link", name="Awaiting decision").click()
    decider.wait_for_load_state()
    audit(decider, problems, "decision form")
    decider.get_by_label("Approve the new date").check()
    decider.get_by_label("Note for the force (needed when refusing)").fill("Committee, 1 December")
    save(decider, "Continue")
    audit(decider, problems, "decision check page")
    request.refresh_from_db()
    assert request.is_pending
    save(decider, "Approve the new date")
    request.refresh_from_db()
    rec.refresh_from_db()
    assert request.state == ExtensionState.APPROVED
    assert (rec.due_date, rec.target_date) == (datetime.date(2027, 3, 31),) * 2
    audit(decider, problems, "extension requests after deciding")

    # 5. The first meeting pack.
    pcc.goto(reverse("meeting-packs"))
    audit(pcc, problems, "meeting packs")
    fill_date(pcc, TODAY + datetime.timedelta(days=7))
    save(pcc, "Make the pack")
    audit(pcc, problems, "first pack")
    first = MeetingPack.objects.get()
    assert first.snapshot["total"] == 3
    assert "This is the first pack" in pcc.content()

    # 6. More progress, then the second pack says what changed.
    pcc.goto(reverse("item", args=[cast.force_a.slug, inspection.slug, "afi-7"]))
    pcc.get_by_role("link", name="Record an update").click()
    pcc.wait_for_load_state()
    pcc.get_by_label("Implemented – awaiting sign-off").check()
    fill_date(pcc, TODAY)
    pcc.get_by_label("What has been done, and what happens next").fill("Reminders are live.")
    save(pcc, "Save the update")
    afi.refresh_from_db()
    assert afi.status == Status.IMPLEMENTED
    pcc.goto(reverse("meeting-packs"))
    fill_date(pcc, TODAY + datetime.timedelta(days=90))
    save(pcc, "Make the pack")
    second = MeetingPack.objects.exclude(pk=first.pk).get()
    assert second.previous == first
    changes = pcc.locator("table").first.inner_text()
    assert "AFI 7" in changes
    assert "Implemented – awaiting sign-off" in changes
    audit(pcc, problems, "second pack")
    assert problems == []


def test_closure_refusal_action_change_and_a_region_pack(cast, impl_a, page_as, tmp_path):
    problems: list[str] = []
    inspection = impl_a.recommendation.inspection
    item = reverse("item", args=[cast.force_a.slug, inspection.slug, impl_a.recommendation.ref])

    # The office records HMICFRS's closure letter; an empty form says what is missing.
    pcc = page_as(cast.pcc_a)
    pcc.goto(item)
    pcc.get_by_role("link", name="Record the inspectorate's letter").click()
    pcc.wait_for_load_state()
    audit(pcc, problems, "closure form")
    save(pcc)
    summary = pcc.locator(".govuk-error-summary").inner_text()
    assert "What did HMICFRS do?" in summary
    audit(pcc, problems, "closure form with errors")
    letter = tmp_path / "revisit-letter.pdf"
    letter.write_bytes(b"%PDF-1.4 revisit letter")
    pcc.get_by_label("Closed by HMICFRS").check()
    fill_date(pcc, datetime.date(2026, 5, 3))
    pcc.get_by_label("The inspectorate's letter").set_input_files(str(letter))
    pcc.get_by_label("Note (optional)").fill("The revisit found the audit in place.")
    save(pcc)
    assert "Closed by HMICFRS on 3 May 2026" in pcc.content()
    audit(pcc, problems, "item page with the closure")
    closure = impl_a.closures.get()
    assert closure.letter.read() == letter.read_bytes()

    # An action is added, then changed from the item page.
    pcc.get_by_role("link", name="Add an action").click()
    pcc.wait_for_load_state()
    pcc.get_by_label("What will be done?").fill("Audit the armoury")
    save(pcc, "Save the action")
    pcc.get_by_role("link", name="Change action 1").click()
    pcc.wait_for_load_state()
    audit(pcc, problems, "action change form")
    pcc.get_by_label("Owner (optional until it is allocated)").fill("Insp Jones")
    pcc.get_by_label("Closed").check()
    save(pcc, "Save the action")
    action = LocalAction.objects.get()
    assert (action.owner, action.status, action.version) == ("Insp Jones", "closed", 2)
    assert "1 of 1 actions closed" in pcc.content()

    # The force lead asks; the office refuses, with its reason, after the check page.
    lead = page_as(cast.lead_a)
    lead.goto(item)
    lead.get_by_role("link", name="Ask for more time").click()
    lead.wait_for_load_state()
    fill_date(lead, datetime.date(2027, 9, 30))
    lead.get_by_label("Why is more time needed?").fill("Staff shortages.")
    save(lead, "Send the request")
    pcc.goto(reverse("extensions"))
    pcc.get_by_role("link", name="Awaiting decision").click()
    pcc.wait_for_load_state()
    pcc.get_by_label("Refuse: the deadline stands").check()
    save(pcc, "Continue")
    assert "Say why the request is refused" in pcc.locator(".govuk-error-summary").inner_text()
    audit(pcc, problems, "decision form with errors")
    pcc.get_by_label("Note for the force (needed when refusing)").fill("Not agreed by committee.")
    save(pcc, "Continue")
    save(pcc, "Refuse the request")
    request = ExtensionRequest.objects.get()
    impl_a.refresh_from_db()
    assert (request.state, request.decision_note) == (
        ExtensionState.REFUSED,
        "Not agreed by committee.",
    )
    assert impl_a.due_date == datetime.date(2024, 7, 31)

    # A national administrator makes a region's pack.
    admin = page_as(cast.admin)
    admin.goto(reverse("meeting-packs"))
    admin.get_by_label("Which force or region is the meeting about?").select_option(
        label=f"{cast.force_a.region.name} region"
    )
    fill_date(admin, TODAY + datetime.timedelta(days=14))
    admin.get_by_label("Completion-based").check()
    save(admin, "Make the pack")
    audit(admin, problems, "region pack")
    pack = MeetingPack.objects.get()
    assert (pack.region, pack.force, pack.rag_rule) == (cast.force_a.region, None, "completion")
    assert "Completion-based RAG." in admin.content()
    assert problems == []
