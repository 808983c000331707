"""The daily work, in Debian's chromium through the real forms, the database checked afterwards:
a PCC officer opens an overdue item from the report, records an update with files and an
internal note on an item that already has a target date, and lands back on the report; a force
lead returns one item and signs another off from the queue; the target date is changed on its
own page. axe checks every page and state (errors, the revealed field, a 390 px screen)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from inspections import services
from inspections.models import ProgressUpdate, Status, TargetDateRevision

from ..conftest import TODAY, record
from ..factories import RecommendationFactory
from .test_admin_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def audit(page, problems: list[str], state: str) -> None:
    page.wait_for_load_state()
    problems += [f"{state}: {v}" for v in violations(page)]
    problems += [f"{state} CSP: {e}" for e in page.csp_errors]
    page.csp_errors.clear()


def test_pcc_officer_records_an_update_from_the_overdue_report(
    cast, impl_a, dependency, page_as, tmp_path
):
    # The item already has a target date: the update must leave it alone.
    services.set_target_date(
        implementation=impl_a,
        new_date=datetime.date(2025, 3, 31),
        reason="Planned with the force.",
        changed_by=cast.pcc_a,
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("overdue"))
    audit(page, problems, "overdue report")
    item = reverse("item", args=[impl_a.force.slug, "firearms", 2])
    page.locator(f'a[href^="{item}"]').first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Recommendation 2"
    audit(page, problems, "item page")
    page.get_by_role("link", name="Record an update").click()
    page.wait_for_load_state()
    audit(page, problems, "update form")

    # Nothing filled in that the rules need: the error summary, then each field's message.
    page.get_by_label("Awaiting dependency").check()
    assert page.get_by_label("Revised APP").is_visible()  # revealed by the radio
    audit(page, problems, "update form, dependency revealed")
    page.get_by_role("button", name="Save the update").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Name at least one pending dependency" in summary
    # Each message says what to do, never Django's bare "This field is required."
    assert "Say what has been done and what happens next" in summary
    assert "This field is required" not in summary
    audit(page, problems, "update form with errors")
    assert not ProgressUpdate.objects.exists()

    first = tmp_path / "training-plan.pdf"
    first.write_bytes(b"%PDF-1.4 plan")
    second = tmp_path / "minutes.docx"
    second.write_bytes(b"PK\x03\x04 minutes")
    page.get_by_label("In progress").check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("What has been done, and what happens next").fill(
        "Training plan agreed.\nCourses start in January."
    )
    page.get_by_label("Internal note (optional)").fill("Check the trainer numbers with HR.")
    page.get_by_label("Evidence files (optional)").set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Save the update").click()
    page.wait_for_load_state()

    assert "/reports/overdue/" in page.url
    assert (
        "Update recorded for recommendation 2"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    audit(page, problems, "overdue report with confirmation")
    update = ProgressUpdate.objects.get()
    assert update.status == Status.IN_PROGRESS
    assert update.as_of == datetime.date(2026, 11, 3)
    assert update.narrative == "Training plan agreed.\nCourses start in January."
    assert update.internal_note == "Check the trainer numbers with HR."
    assert sorted(update.files.values_list("name", flat=True)) == [
        "minutes.docx",
        "training-plan.pdf",
    ]
    impl_a.refresh_from_db()
    assert impl_a.target_date == datetime.date(2025, 3, 31)
    assert TargetDateRevision.objects.count() == 1
    assert problems == []


def test_keyboard_only_from_the_overdue_report_to_a_saved_update(cast, impl_a, page_as):
    page = page_as(cast.pcc_a)
    page.goto(reverse("overdue"))
    page.wait_for_load_state()
    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        page.keyboard.press(key)
        presses += 1

    def tab_to(predicate) -> None:
        for _ in range(80):
            press("Tab")
            if predicate(page.evaluate("() => document.activeElement.outerHTML")):
                return
        raise AssertionError("never reached")

    def skip_to_main() -> None:
        tab_to(lambda html: "Skip to main content" in html)
        press("Enter")

    skip_to_main()
    tab_to(lambda html: html.startswith("<a") and "/firearms/2/?next=" in html)
    with page.expect_navigation():
        press("Enter")
    skip_to_main()
    tab_to(lambda html: html.startswith("<a") and "Record an update" in html)
    with page.expect_navigation():
        press("Enter")
    skip_to_main()
    tab_to(lambda html: 'type="radio"' in html)
    # Arrow keys move between radios: "In progress" follows "Not started".
    while page.evaluate("() => document.activeElement.value") != "in_progress":
        press("ArrowDown")
    tab_to(lambda html: html.startswith("<textarea") and 'name="narrative"' in html)
    page.keyboard.type("Keyboard update.")
    presses += 1
    tab_to(lambda html: html.startswith("<button") and "Save the update" in html)
    with page.expect_navigation():
        press("Enter")
    assert "/reports/overdue/" in page.url
    assert ProgressUpdate.objects.get().narrative == "Keyboard update."
    assert presses < 30, presses
    print(f"keyboard: {presses} key presses from the overdue report to a saved update")


def test_force_lead_returns_one_item_and_signs_another_off(cast, impl_a, page_as):
    other = RecommendationFactory(inspection=impl_a.recommendation.inspection, number=3)
    impl_3 = other.implementations.get(force=cast.force_a)
    record(impl_a, cast.pcc_a, Status.IMPLEMENTED, narrative="All firearms officers trained.")
    record(impl_3, cast.pcc_a, Status.IMPLEMENTED, narrative="Policy published on the intranet.")
    problems: list[str] = []
    page = page_as(cast.lead_a)
    page.goto(reverse("sign-off"))
    audit(page, problems, "sign-off queue")
    assert "All firearms officers trained." in page.content()

    page.get_by_role("link", name="Sign off or return recommendation 2").click()
    page.wait_for_load_state()
    page.get_by_label("Return to PCC staff").check()
    audit(page, problems, "review, return revealed")
    page.get_by_label("What needs to change?").fill("Attach the training records.")
    page.get_by_role("button", name="Confirm the decision").click()
    page.wait_for_load_state()
    assert "returned to PCC staff" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("link", name="Sign off or return recommendation 3").click()
    page.wait_for_load_state()
    page.get_by_label("Sign off as complete").check()
    page.get_by_role("button", name="Confirm the decision").click()
    page.wait_for_load_state()
    assert "Describe the evidence" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "review with errors")
    page.get_by_label("What shows the work is done?").fill("Intranet page and briefing log.")
    page.get_by_role("button", name="Confirm the decision").click()
    page.wait_for_load_state()
    # Signing off is final: a check page first.
    audit(page, problems, "sign-off check")
    assert "Intranet page and briefing log." in page.content()
    page.get_by_role("button", name="Sign off as complete").click()
    page.wait_for_load_state()
    assert "Nothing is awaiting sign-off." in page.content()

    impl_a.refresh_from_db()
    impl_3.refresh_from_db()
    assert impl_a.status == Status.IN_PROGRESS
    assert impl_3.status == Status.COMPLETE
    assert ProgressUpdate.objects.filter(implementation=impl_3).latest("id").evidence_note == (
        "Intranet page and briefing log."
    )
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert "returned to you" in subjects[0] + subjects[1]
    assert problems == []


def test_target_date_is_changed_on_its_own_page_at_390px(cast, impl_a, page_as):
    services.set_target_date(
        implementation=impl_a,
        new_date=datetime.date(2025, 3, 31),
        reason="Planned with the force.",
        changed_by=cast.pcc_a,
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.set_viewport_size({"width": 390, "height": 844})
    rec = impl_a.recommendation
    page.goto(reverse("item", args=[impl_a.force.slug, rec.inspection.slug, rec.number]))
    audit(page, problems, "item page at 390px")
    page.get_by_role("link", name="Change the target date").click()
    page.wait_for_load_state()
    assert "31 March 2025" in page.locator("main").inner_text()
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save the new date").click()
    page.wait_for_load_state()
    assert (
        "Say why the target date is changing" in page.locator(".govuk-error-summary").inner_text()
    )
    audit(page, problems, "target date with errors at 390px")
    page.get_by_label("Why is it changing?").fill("Training places moved to June.")
    page.get_by_role("button", name="Save the new date").click()
    page.wait_for_load_state()
    impl_a.refresh_from_db()
    assert impl_a.target_date == datetime.date(2025, 6, 30)
    assert TargetDateRevision.objects.latest("id").reason == "Training places moved to June."
    assert "30 June 2025" in page.locator("main").inner_text()
    assert problems == []


def test_search_from_the_navigation(cast, impl_a, page_as):
    record(impl_a, cast.pcc_a, narrative="Armoury audit booked for March.")
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("dashboard"))
    page.locator(".govuk-service-navigation").get_by_role("link", name="Search").click()
    page.get_by_label("Search recommendations, updates and letters").fill("armoury audit")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    audit(page, problems, "search results")
    page.get_by_role("link", name="Alphashire Police: recommendation 2, 4 September 2023").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Recommendation 2"
    assert problems == []


def test_update_several_items_at_once(cast, impl_a, page_as):
    third = RecommendationFactory(inspection=impl_a.recommendation.inspection, number=3)
    impl_3 = third.implementations.get(force=cast.force_a)
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("force", args=[cast.force_a.slug]))
    # Offered for every report the force has items on.
    page.locator('a[href$="/update-several/"]').first.click()
    page.wait_for_load_state()
    audit(page, problems, "several updates")
    page.get_by_label("New status for recommendation 2").select_option("in_progress")
    page.get_by_label("What has been done on recommendation 2").fill(
        "Rota drafted with the region."
    )
    page.get_by_label("New status for recommendation 3").select_option("implemented")
    page.get_by_role("button", name="Save all the updates").click()
    page.wait_for_load_state()
    assert (
        "Recommendation 3: Write the narrative" in page.locator(".govuk-error-summary").inner_text()
    )
    audit(page, problems, "several updates with errors")
    assert not ProgressUpdate.objects.exists()
    page.get_by_label("What has been done on recommendation 3").fill(
        "Tracking in use in every car."
    )
    page.get_by_role("button", name="Save all the updates").click()
    page.wait_for_load_state()
    assert "2 updates recorded" in page.locator(".govuk-notification-banner").inner_text()
    impl_a.refresh_from_db()
    impl_3.refresh_from_db()
    assert (impl_a.status, impl_3.status) == (Status.IN_PROGRESS, Status.IMPLEMENTED)
    assert problems == []


def test_admin_implementation_form_keeps_an_existing_target_date(cast, impl_a, page_as):
    """The bug seen in a real browser: the date field rendered 31/03/2027, which chromium drops,
    so the next save asked for a reason and then erased the date. The date is now day, month and
    year boxes, as on the service's pages."""
    services.set_target_date(
        implementation=impl_a,
        new_date=datetime.date(2027, 3, 31),
        reason="Planned with the force.",
        changed_by=cast.pcc_a,
    )
    page = page_as(cast.pcc_a)
    page.goto(reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk]))
    boxes = [page.locator(f"#id_new_target_date_{part}").input_value() for part in "012"]
    assert boxes == ["31", "3", "2027"]
    assert page.get_by_label("Target date: Month").input_value() == "3"
    page.get_by_label("Lead officer").fill("Supt. Example")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == "Supt. Example"
    assert impl_a.target_date == datetime.date(2027, 3, 31)
    assert TargetDateRevision.objects.count() == 1


def test_discarding_a_draft_asks_first(cast, impl_a, recommendation, page_as):
    from inspections.letters import services as letter_services
    from inspections.models import LetterRecipient, ProgressLetter

    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a)
    draft = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("letter", args=[draft.uuid]))
    page.get_by_role("link", name="Discard this draft").click()
    page.wait_for_load_state()
    audit(page, problems, "discard check page")
    assert ProgressLetter.objects.filter(pk=draft.pk).exists()  # nothing yet
    page.get_by_role("button", name="Discard the draft").click()
    page.wait_for_load_state()
    assert "Draft discarded" in page.locator(".govuk-notification-banner").inner_text()
    assert not ProgressLetter.objects.filter(pk=draft.pk).exists()
    assert problems == []


def test_deleting_a_dependency_in_the_admin_hands_its_items_back_to_the_force(
    cast, impl_a, dependency, page_as
):
    """A national administrator deletes a dependency an overdue item waits on, through the
    admin's confirmation page: the item is the force's own again (needs review) on the overdue
    report, and its kept column and the force's tallies follow."""
    from inspections.models import ActorTally, Dependency, ForceImplementation, OverdueKind

    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    assert ForceImplementation.objects.get(pk=impl_a.pk).next_actor == (
        OverdueKind.AWAITING_DEPENDENCY
    )
    problems: list[str] = []
    page = page_as(cast.admin)
    page.goto(reverse("admin:inspections_dependency_delete", args=[dependency.pk]))
    audit(page, problems, "delete confirmation")
    page.get_by_role("button", name="Yes, I’m sure").click()
    page.wait_for_load_state()
    audit(page, problems, "dependency list after deleting")
    assert not Dependency.objects.filter(pk=dependency.pk).exists()
    assert ForceImplementation.objects.get(pk=impl_a.pk).next_actor == OverdueKind.WITHIN_CONTROL
    assert (
        ActorTally.objects.filter(
            force=cast.force_a, next_actor=OverdueKind.AWAITING_DEPENDENCY
        ).count()
        == 0
    )

    page.goto(reverse("overdue"))
    audit(page, problems, "overdue report after deleting")
    within = page.locator("#within-control-caption").inner_text()
    assert within.startswith("Overdue: within the force's control (2)")
    assert "Dependency delivered: review" in page.locator("table").first.inner_text()
    assert problems == []
