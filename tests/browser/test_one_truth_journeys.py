"""The journeys the issue "One truth on every page" changed, in Debian's chromium through the
real forms, the database checked after each step, axe on every page and state, and at 320 px
wide without sideways scroll: PCC staff publish a progress letter, which the public page lists as
a progress letter, never a late response; a national administrator adds an area for improvement
with no deadline in the admin; a national administrator corrects a dependency recorded as
delivered by mistake; PCC staff agree the date an AFI falls due, make a later letter their s.55
response, and publish the chief constable's updated comments after the check page."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from inspections import services
from inspections.letters import services as letter_services
from inspections.models import (
    DeadlineKind,
    Dependency,
    DependencyStatus,
    FindingKind,
    ForceImplementation,
    ItemState,
    LetterPurpose,
    Publication,
    Recommendation,
    Status,
)

from ..conftest import TODAY, record
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def narrow(page, problems: list[str], state: str) -> None:
    """At 320 px the page must not scroll sideways."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
            ".right > 321).slice(0, 8)"
            ".map(e => e.tagName + '.' + e.className + ':' + e.getBoundingClientRect().width)"
        )
        problems.append(f"{state}: {width} px wide at 320 px ({', '.join(wide)})")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.usefixtures("home_secretary")
def test_a_progress_letter_is_published_as_one(
    cast, recommendation, impl_a, page_as, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    record(impl_a, cast.pcc_a, narrative="Armoury audit done.")
    response = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    letter_services.issue_letter(
        letter=response, author=cast.pcc_a, issued_on=datetime.date(2023, 9, 1)
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("letters"))
    page.get_by_label("Draft a letter on").select_option(label=recommendation.inspection.title)
    page.get_by_role("button", name="Draft a letter").click()
    page.wait_for_load_state()
    audit(page, problems, "progress letter draft")
    draft = response.__class__.objects.drafts().get()
    assert draft.purpose == LetterPurpose.PROGRESS
    assert "since my letter of 1st September 2023" in draft.opening
    assert "since my letter of 1st September 2023" in page.locator("#id_opening").input_value()
    letter_services.issue_letter(letter=draft, author=cast.pcc_a, issued_on=TODAY)
    page.goto(reverse("letter", args=[draft.uuid]))
    assert "Progress letter" in page.locator("main").inner_text()
    page.get_by_role("link", name="Publish this letter on the public pages").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish the response").click()
    page.wait_for_load_state()
    assert Publication.objects.get().letter == draft
    public = page_as(None)
    public.goto(reverse("public-force", args=[cast.force_a.slug]))
    public.wait_for_load_state()
    text = public.locator("main").inner_text()
    assert "Progress letter (not the s.55 response)" in text
    assert "days late" not in text
    audit(public, problems, "public page with a progress letter")
    narrow(public, problems, "public page")
    assert problems == []


def test_an_afi_with_no_deadline_is_added_in_the_admin(cast, recommendation, page_as):
    problems: list[str] = []
    admin = page_as(cast.admin)
    admin.goto(reverse("admin:inspections_recommendation_add"))
    admin.locator("#id_inspection + .select2 .select2-selection").click()
    admin.locator(".select2-search__field").fill(recommendation.inspection.title[:12])
    admin.locator(".select2-results__option", has_text=recommendation.inspection.title).click()
    admin.locator("#id_kind").select_option(FindingKind.AREA_FOR_IMPROVEMENT)
    admin.locator("#id_number").fill("3")
    admin.locator("#id_scope").select_option("local")
    admin.locator("#id_addressee").select_option("chief_constables")
    admin.locator("#id_deadline_kind").select_option(DeadlineKind.NONE)
    admin.locator("#id_text").fill("The force should improve how it audits its armoury.")
    audit(admin, problems, "admin: add an AFI")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.wait_for_load_state()
    assert "was added successfully" in admin.content(), admin.locator("#content").inner_text()
    afi = Recommendation.objects.get(kind=FindingKind.AREA_FOR_IMPROVEMENT, number=3)
    assert (afi.deadline_kind, afi.deadline) == (DeadlineKind.NONE, None)
    item = ForceImplementation.objects.get(force=cast.force_a, recommendation=afi)
    assert item.due_date is None
    pcc = page_as(cast.pcc_a)
    pcc.goto(reverse("item", args=[cast.force_a.slug, afi.inspection.slug, afi.ref]))
    assert "No date: the report gives no deadline" in pcc.locator("main").inner_text()
    audit(pcc, problems, "AFI item page")
    narrow(pcc, problems, "AFI item page")
    assert problems == []


def test_a_dependency_delivered_by_mistake_is_corrected(cast, impl_a, dependency, page_as):
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    services.close_dependency(
        dependency=dependency,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2026, 10, 1),
        changed_by=cast.admin,
    )
    assert ForceImplementation.objects.get(pk=impl_a.pk).state == ItemState.NEEDS_REVIEW
    problems: list[str] = []
    admin = page_as(cast.admin)
    admin.goto(reverse("admin:inspections_dependency_change", args=[dependency.pk]))
    admin.get_by_role("link", name="Correct the status").click()
    admin.wait_for_load_state()
    audit(admin, problems, "correct a dependency")
    admin.get_by_role("radio", name="Pending").check()
    admin.get_by_label("Why it is being corrected").fill("Recorded against the wrong APP.")
    admin.get_by_role("button", name="Correct the status").click()
    admin.wait_for_load_state()
    assert "Status corrected. 1 item changed state." in admin.content()
    dependency = Dependency.objects.get(pk=dependency.pk)
    assert dependency.status == DependencyStatus.PENDING
    assert ForceImplementation.objects.get(pk=impl_a.pk).state == ItemState.AWAITING_DEPENDENCY
    assert problems == []


def test_the_office_agrees_a_date_for_an_afi(cast, recommendation, page_as):
    afi = ForceImplementation.objects.get(
        force=cast.force_a,
        recommendation=services.save_recommendation(
            recommendation=Recommendation(
                inspection=recommendation.inspection,
                kind=FindingKind.AREA_FOR_IMPROVEMENT,
                number=5,
                scope="local",
                addressee="chief_constables",
                deadline_kind=DeadlineKind.NONE,
                text="The force should improve its armoury records.",
            )
        ),
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    rec = afi.recommendation
    page.goto(reverse("item", args=[cast.force_a.slug, rec.inspection.slug, rec.ref]))
    page.get_by_role("link", name="Agree a date it falls due").click()
    page.wait_for_load_state()
    audit(page, problems, "agree a date")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Agree the date").click()
    page.wait_for_load_state()
    assert "Say why this date was agreed" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "agree a date with errors")
    narrow(page, problems, "agree a date with errors")
    page.get_by_label("Why this date?").fill("Agreed at the March panel.")
    page.get_by_role("button", name="Agree the date").click()
    page.wait_for_load_state()
    item = ForceImplementation.objects.get(pk=afi.pk)
    assert (item.agreed_due_date, item.due_date) == (datetime.date(2027, 3, 31),) * 2
    assert "31 March 2027" in page.locator("main").inner_text()
    assert problems == []


def test_the_office_makes_a_later_letter_its_response(
    cast, recommendation, page_as, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    inspection = recommendation.inspection
    letter_services.record_letter_sent_elsewhere(
        force=cast.force_a,
        inspection=inspection,
        sent_on=datetime.date(2023, 8, 1),
        file=ContentFile(b"%PDF-1.4 wrong office", name="first.pdf"),
        author=cast.pcc_a,
    )
    second = letter_services.record_letter_sent_elsewhere(
        force=cast.force_a,
        inspection=inspection,
        sent_on=datetime.date(2023, 10, 20),
        file=ContentFile(b"%PDF-1.4 the real one", name="second.pdf"),
        purpose=LetterPurpose.PROGRESS,
        author=cast.pcc_a,
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("letter-elsewhere", args=[second.uuid]))
    page.get_by_role("link", name="Make this letter the s.55 response").click()
    page.wait_for_load_state()
    audit(page, problems, "choose the response")
    narrow(page, problems, "choose the response")
    page.get_by_label("Why is this letter the response?").fill(
        "The first went to the wrong office."
    )
    page.get_by_role("button", name="Make it the response").click()
    page.wait_for_load_state()
    second.refresh_from_db()
    assert second.purpose == LetterPurpose.RESPONSE
    assert "now the s.55 response" in page.locator(".govuk-notification-banner").inner_text()
    assert problems == []


@pytest.mark.usefixtures("home_secretary")
def test_updated_comments_are_published_after_the_check_page(
    cast, recommendation, impl_a, page_as, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    inspection = recommendation.inspection
    record(impl_a, cast.pcc_a, narrative="Audit begun.")
    letter_services.save_chief_comments(
        force=cast.force_a,
        inspection=inspection,
        author=cast.lead_a,
        received_on=datetime.date(2023, 8, 1),
        text="The force accepts every recommendation.",
    )
    letter = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    letter = letter_services.issue_letter(
        letter=letter, author=cast.pcc_a, issued_on=datetime.date(2023, 9, 1)
    )
    publication = letter_services.publish_response(
        letter=letter, with_chief_comments=True, author=cast.pcc_a
    )
    letter_services.save_chief_comments(
        force=cast.force_a,
        inspection=inspection,
        author=cast.lead_a,
        received_on=datetime.date(2023, 8, 1),
        text="The force accepts most recommendations.",
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("chief-comments", args=[cast.force_a.slug, inspection.slug]))
    page.get_by_role("link", name="Check and publish the updated comments").click()
    page.wait_for_load_state()
    audit(page, problems, "republish comments")
    narrow(page, problems, "republish comments")
    page.get_by_role("button", name="Publish the updated comments").click()
    page.wait_for_load_state()
    publication.refresh_from_db()
    assert publication.comments_text == "The force accepts most recommendations."
    public = page_as(None)
    public.goto(reverse("public-comments", args=[publication.uuid]))
    assert "accepts most" in public.locator("main").inner_text()
    assert problems == []
