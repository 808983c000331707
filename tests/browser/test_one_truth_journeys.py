"""The journeys the issue "One truth on every page" changed, in Debian's chromium through the
real forms, the database checked after each step, axe on every page and state, and at 320 px
wide without sideways scroll: PCC staff publish a progress letter, which the public page lists as
a progress letter, never a late response; a national administrator adds an area for improvement
with no deadline in the admin; a national administrator corrects a dependency recorded as
delivered by mistake."""

import datetime

import pytest
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
    page.wait_for_load_state("networkidle")
    audit(page, problems, "progress letter draft")
    draft = response.__class__.objects.drafts().get()
    assert draft.purpose == LetterPurpose.PROGRESS
    assert "since my letter of 1st September 2023" in draft.opening
    assert "since my letter of 1st September 2023" in page.locator("#id_opening").input_value()
    letter_services.issue_letter(letter=draft, author=cast.pcc_a, issued_on=TODAY)
    page.goto(reverse("letter", args=[draft.uuid]))
    assert "Progress letter" in page.locator("main").inner_text()
    page.get_by_role("link", name="Publish this letter on the public pages").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Publish the response").click()
    page.wait_for_load_state("networkidle")
    assert Publication.objects.get().letter == draft
    public = page_as(None)
    public.goto(reverse("public-force", args=[cast.force_a.slug]))
    public.wait_for_load_state("networkidle")
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
    admin.wait_for_load_state("networkidle")
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
    admin.wait_for_load_state("networkidle")
    audit(admin, problems, "correct a dependency")
    admin.get_by_role("radio", name="Pending").check()
    admin.get_by_label("Why it is being corrected").fill("Recorded against the wrong APP.")
    admin.get_by_role("button", name="Correct the status").click()
    admin.wait_for_load_state("networkidle")
    assert "Status corrected. 1 item changed state." in admin.content()
    dependency = Dependency.objects.get(pk=dependency.pk)
    assert dependency.status == DependencyStatus.PENDING
    assert ForceImplementation.objects.get(pk=impl_a.pk).state == ItemState.AWAITING_DEPENDENCY
    assert problems == []
