"""One definition of each fact, read everywhere: the domain errors an acceptance run found (the
issue "One truth on every page"), each pinned by a test that failed on the code before, and the
boundaries a hand mutation of that code left untested."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from inspections import permissions, services
from inspections.followup import services as followup
from inspections.letters import services as letter_services
from inspections.meetings import queries as pack_queries
from inspections.meetings import services as meeting_services
from inspections.models import (
    DeadlineKind,
    DependencyStatus,
    FindingKind,
    ForceImplementation,
    ItemState,
    LetterPurpose,
    RagRule,
    Recommendation,
    Status,
)
from inspections.models.deadlines import add_months, deadline_date
from inspections.responses import queries as letter_queries
from inspections.validation import validate_progress_update

from .conftest import login, record
from .downloads import csv_rows
from .factories import InspectionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def reload(item: ForceImplementation) -> ForceImplementation:
    return ForceImplementation.objects.get(pk=item.pk)


# --- deadlines as reports give them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "months", "due"),
    [
        (datetime.date(2023, 8, 31), 6, datetime.date(2024, 2, 29)),  # no 31 February
        (datetime.date(2022, 8, 31), 6, datetime.date(2023, 2, 28)),
        (datetime.date(2023, 7, 11), 6, datetime.date(2024, 1, 11)),
        (datetime.date(2023, 11, 30), 3, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 1, 31), 1, datetime.date(2023, 2, 28)),
        (datetime.date(2023, 12, 15), 13, datetime.date(2025, 1, 15)),
    ],
)
def test_within_n_months_is_counted_as_the_brief_says(published, months, due):
    assert add_months(published, months) == due
    assert deadline_date(DeadlineKind.WITHIN_MONTHS, None, months, published) == due


def test_by_a_month_means_its_last_day():
    assert deadline_date(DeadlineKind.BY_MONTH, datetime.date(2024, 2, 3), None, None) == (
        datetime.date(2024, 2, 29)
    )
    assert deadline_date(DeadlineKind.NONE, None, None, datetime.date(2024, 1, 1)) is None


def test_a_relative_deadline_is_kept_in_the_reports_words_and_moves_with_publication(cast):
    inspection = InspectionFactory(published=datetime.date(2023, 8, 31))
    finding = RecommendationFactory(
        inspection=inspection,
        deadline_kind=DeadlineKind.WITHIN_MONTHS,
        deadline=None,
        deadline_months=6,
    )
    assert finding.deadline == datetime.date(2024, 2, 29)
    assert finding.deadline_display == "Within six months (by 29 February 2024)"
    item = ForceImplementation.objects.get(force=cast.force_a, recommendation=finding)
    assert item.due_date == datetime.date(2024, 2, 29)
    inspection.published = datetime.date(2023, 9, 15)
    services.save_inspection(inspection=inspection)
    assert reload(item).due_date == datetime.date(2024, 3, 15)


def test_an_area_for_improvement_has_no_deadline_and_is_never_overdue(cast):
    afi = RecommendationFactory(
        kind=FindingKind.AREA_FOR_IMPROVEMENT, deadline_kind=DeadlineKind.DATE, deadline=None
    )
    assert afi.deadline_kind == DeadlineKind.NONE  # AFIs default to none
    assert afi.deadline_display == "No deadline"
    item = ForceImplementation.objects.get(force=cast.force_a, recommendation=afi)
    assert item.due_date is None
    assert not ForceImplementation.objects.overdue(TODAY).filter(pk=item.pk).exists()
    # Its target date never makes it overdue: it makes it stale.
    services.set_target_date(
        implementation=item, new_date=datetime.date(2025, 1, 1), reason="", changed_by=cast.pcc_a
    )
    assert not ForceImplementation.objects.overdue(TODAY).filter(pk=item.pk).exists()
    assert ForceImplementation.objects.stale(TODAY).filter(pk=item.pk).exists()


def test_the_admin_adds_an_afi_with_no_deadline(cast, recommendation):
    client = login(cast.admin)
    response = client.post(
        reverse("admin:inspections_recommendation_add"),
        {
            "inspection": recommendation.inspection.pk,
            "kind": FindingKind.AREA_FOR_IMPROVEMENT,
            "number": 4,
            "scope": "local",
            "addressee": "chief_constables",
            "deadline_kind": DeadlineKind.NONE,
            "text": "The force should improve how it records armoury audits.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    afi = Recommendation.objects.get(kind=FindingKind.AREA_FOR_IMPROVEMENT, number=4)
    assert afi.deadline is None
    assert ForceImplementation.objects.filter(recommendation=afi, due_date=None).count() == 2


def test_a_date_a_form_does_not_take_is_refused_with_its_field_named(cast, recommendation):
    finding = Recommendation(
        inspection=recommendation.inspection,
        number=9,
        scope="local",
        addressee="chief_constables",
        text="Do it.",
        deadline_kind=DeadlineKind.WITHIN_MONTHS,
    )
    with pytest.raises(ValidationError) as raised:
        services.save_recommendation(recommendation=finding)
    assert "deadline_months" in raised.value.message_dict


# --- one state on every page ------------------------------------------------------------------


@pytest.fixture
def delivered(cast, recommendation, impl_a, dependency):
    """Alphashire's item waited on the revised APP alone, which is now delivered."""
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    services.close_dependency(
        dependency=dependency,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2026, 10, 1),
        changed_by=cast.admin,
    )
    return reload(impl_a)


def test_every_view_says_dependency_delivered_review(cast, delivered):
    assert delivered.state == ItemState.NEEDS_REVIEW
    client = login(cast.admin)
    inspection = delivered.recommendation.inspection.slug
    matrix = csv_rows(client.get(reverse("matrix"), {"inspection": inspection, "format": "csv"}))
    row = next(r for r in matrix if r[1] == cast.force_a.name)
    assert row[2].startswith("Dependency delivered: review")
    force = csv_rows(client.get(reverse("force", args=[cast.force_a.slug]), {"format": "csv"}))
    header = force[0]
    assert force[1][header.index("Status")] == "Dependency delivered: review"
    page = client.get(reverse("recommendation", args=[inspection, 2]))
    assert [f.name for f in page.context["picture"][ItemState.NEEDS_REVIEW]] == [cast.force_a.name]
    pack = meeting_services.make_meeting_pack(
        force=cast.force_a,
        region=None,
        meeting_date=TODAY,
        rag_rule=RagRule.OVERDUE,
        by=cast.pcc_a,
    )
    counts = dict(pack.snapshot["by_status"])
    assert counts["Dependency delivered: review"] == 1
    assert counts["Awaiting dependency"] == 0


def test_only_the_force_lead_reopens_a_signed_off_item(cast, impl_a):
    record(impl_a, cast.pcc_a, Status.IMPLEMENTED)
    record(impl_a, cast.lead_a, Status.COMPLETE, evidence_note="Audit seen.")
    with pytest.raises(ValidationError) as raised:
        record(impl_a, cast.pcc_a, Status.IN_PROGRESS)
    assert "only the force lead" in str(raised.value)
    assert reload(impl_a).status == Status.COMPLETE
    record(impl_a, cast.lead_a, Status.IN_PROGRESS, narrative="Reopened after a new audit.")
    assert reload(impl_a).status == Status.IN_PROGRESS


def test_the_deadline_and_the_date_it_falls_due_are_two_columns(cast, impl_a):
    request = followup.request_extension(
        implementation=impl_a,
        by=cast.lead_a,
        requested_date=datetime.date(2027, 3, 31),
        reason="National guidance is late.",
    )
    followup.decide_extension(request=request, by=cast.pcc_a, approve=True, note="Agreed.")
    client = login(cast.admin)
    rows = csv_rows(client.get(reverse("force", args=[cast.force_a.slug]), {"format": "csv"}))
    header, row = rows[0], rows[1]
    assert row[header.index("Deadline")] == "2024-07-31"
    assert row[header.index("Falls due")] == "2027-03-31"


def test_a_target_date_after_it_falls_due_needs_a_reason_and_is_flagged(cast, impl_a):
    client = login(cast.pcc_a)
    item = impl_a.recommendation
    url = reverse("item-target-date", args=[cast.force_a.slug, item.inspection.slug, item.ref])
    page = client.get(url).content.decode()
    assert "A target date after 31 July 2024 needs a reason" in page
    assert "ask for more time" in login(cast.lead_a).get(url).content.decode()
    late = datetime.date(2027, 1, 31)
    fields = {"new_date_0": "31", "new_date_1": "1", "new_date_2": "2027"}
    refused = client.post(url, fields)
    assert "after the date the item falls due (31 July 2024)" in refused.content.decode()
    assert reload(impl_a).target_date is None
    client.post(url, {**fields, "reason": "The armoury refit is booked for January."})
    assert reload(impl_a).target_date == late
    rows = csv_rows(
        login(cast.admin).get(reverse("force", args=[cast.force_a.slug]), {"format": "csv"})
    )
    assert rows[1][rows[0].index("Target after it falls due")] == "Yes"


def test_dates_too_early_or_too_far_ahead_are_refused(cast, impl_a):
    with pytest.raises(ValidationError, match="no more than 10 years ahead"):
        services.set_target_date(
            implementation=impl_a,
            new_date=datetime.date(9999, 1, 1),
            reason="x",
            changed_by=cast.pcc_a,
        )
    client = login(cast.lead_a)
    item = impl_a.recommendation
    url = reverse("extension-new", args=[cast.force_a.slug, item.inspection.slug, item.ref])
    response = client.post(
        url,
        {
            "requested_date_0": "1",
            "requested_date_1": "1",
            "requested_date_2": "9999",
            "reason": "x",
        },
    )
    assert "no more than 10 years ahead" in response.content.decode()
    assert not impl_a.extension_requests.exists()


def test_the_dependencies_report_honours_its_filters(cast, impl_a, dependency):
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    other = InspectionFactory(slug="no-dependencies")
    RecommendationFactory(inspection=other)
    client = login(cast.admin)
    everything = client.get(reverse("dependencies"), {"format": "csv", "table": "dependencies"})
    assert [r[0] for r in csv_rows(everything)[1:]] == ["Revised APP"]
    filtered = client.get(
        reverse("dependencies"),
        {"inspection": other.slug, "format": "csv", "table": "dependencies"},
    )
    assert csv_rows(filtered)[1:] == []
    page = client.get(reverse("dependencies"), {"inspection": other.slug})
    assert "Revised APP" not in page.content.decode()


def test_matrix_cells_name_their_finding(cast, recommendation):
    RecommendationFactory(
        inspection=recommendation.inspection,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        number=7,
        deadline_kind=DeadlineKind.NONE,
        deadline=None,
    )
    page = login(cast.admin).get(reverse("matrix"), {"inspection": recommendation.inspection.slug})
    body = page.content.decode()
    assert f"{cast.force_a.name}, AFI 7: </span>" in body
    assert f"{cast.force_a.name}, recommendation 2: </span>" in body
    assert "recommendation : " not in body


# --- letters have a purpose -------------------------------------------------------------------


@pytest.mark.usefixtures("home_secretary")
def test_a_progress_letter_is_never_a_late_response(cast, impl_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = impl_a.recommendation.inspection
    record(impl_a, cast.pcc_a, narrative="Armoury audit done.")
    first = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    assert first.purpose == LetterPurpose.RESPONSE
    assert "in response to the above" in first.opening
    first = letter_services.issue_letter(
        letter=first, author=cast.pcc_a, issued_on=datetime.date(2023, 9, 1)
    )
    later = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    assert later.purpose == LetterPurpose.PROGRESS
    assert "in response to" not in later.opening
    assert "since my letter of 1st September 2023" in later.opening
    later = letter_services.issue_letter(letter=later, author=cast.pcc_a, issued_on=TODAY)
    letter_services.publish_response(letter=later, author=cast.pcc_a)
    public = login(cast.viewer).get(reverse("public-force", args=[cast.force_a.slug]))
    text = public.content.decode()
    assert "Progress letter" in text
    assert "days late" not in text
    responses = letter_queries.responses(cast.admin, inspection, TODAY)
    mine = next(r for r in responses if r.force == cast.force_a)
    assert (mine.state, mine.issued_on) == ("on_time", datetime.date(2023, 9, 1))


# --- boundaries a hand mutation left untested --------------------------------------------------


def test_stale_starts_the_day_after_the_target_date(cast, impl_a):
    record(impl_a, cast.pcc_a, as_of=TODAY)
    services.set_target_date(
        implementation=impl_a, new_date=TODAY, reason="Refit booked.", changed_by=cast.pcc_a
    )
    stale = ForceImplementation.objects.stale
    assert not stale(TODAY).filter(pk=impl_a.pk).exists()
    assert stale(TODAY + datetime.timedelta(days=1)).filter(pk=impl_a.pk).exists()


def test_stale_starts_after_90_quiet_days(cast, impl_a, settings):
    settings.TRACKER_STALE_AFTER_DAYS = 90
    record(impl_a, cast.pcc_a, as_of=TODAY - datetime.timedelta(days=90))
    stale = ForceImplementation.objects.stale
    assert not stale(TODAY).filter(pk=impl_a.pk).exists()
    assert stale(TODAY + datetime.timedelta(days=1)).filter(pk=impl_a.pk).exists()


def test_an_update_dated_on_publication_day_is_accepted(cast, impl_a):
    published = impl_a.recommendation.inspection.published
    validate_progress_update(
        implementation=impl_a,
        author=cast.pcc_a,
        status=Status.IN_PROGRESS,
        narrative="Begun.",
        as_of=published,
    )
    with pytest.raises(ValidationError, match="before the report was published"):
        validate_progress_update(
            implementation=impl_a,
            author=cast.pcc_a,
            status=Status.IN_PROGRESS,
            narrative="Begun.",
            as_of=published - datetime.timedelta(days=1),
        )


def test_a_pack_counts_an_item_due_on_its_date_as_due_not_overdue(cast, impl_a):
    finding = RecommendationFactory(inspection=impl_a.recommendation.inspection, deadline=TODAY)
    pack = meeting_services.make_meeting_pack(
        force=cast.force_a,
        region=None,
        meeting_date=TODAY,
        rag_rule=RagRule.OVERDUE,
        by=cast.pcc_a,
    )
    overdue = [i["reference"] for i in pack.snapshot["overdue"]]
    assert finding.reference not in overdue
    assert impl_a.recommendation.reference in overdue
    assert finding.reference in [i["reference"] for i in pack.snapshot["due_soon"]]


def test_the_latest_approved_extension_sets_the_date(cast, impl_a):
    for asked in (datetime.date(2027, 1, 31), datetime.date(2027, 6, 30)):
        request = followup.request_extension(
            implementation=impl_a, by=cast.lead_a, requested_date=asked, reason="More time."
        )
        followup.decide_extension(request=request, by=cast.pcc_a, approve=True, note="Agreed.")
        assert reload(impl_a).due_date == asked


def test_only_the_items_own_force_lead_may_sign_off(cast, impl_a, impl_b):
    assert permissions.can_sign_off(cast.lead_a, impl_a)
    assert not permissions.can_sign_off(cast.lead_a, impl_b)
    assert not permissions.can_sign_off(cast.pcc_a, impl_a)


# --- the meeting pack says what changed -------------------------------------------------------


def test_the_next_pack_lists_every_kind_of_change(cast, impl_a, recommendation):
    done = RecommendationFactory(inspection=recommendation.inspection)
    quiet = RecommendationFactory(inspection=recommendation.inspection)
    done_item = ForceImplementation.objects.get(force=cast.force_a, recommendation=done)
    quiet_item = ForceImplementation.objects.get(force=cast.force_a, recommendation=quiet)
    request = followup.request_extension(
        implementation=impl_a,
        by=cast.lead_a,
        requested_date=datetime.date(2027, 6, 30),
        reason="National guidance is late.",
    )

    def make() -> dict:
        return meeting_services.make_meeting_pack(
            force=cast.force_a,
            region=None,
            meeting_date=TODAY,
            rag_rule=RagRule.OVERDUE,
            by=cast.pcc_a,
        ).snapshot

    first = make()
    assert first["as_at"] == TODAY.isoformat()
    assert first["as_at_basis"] == pack_queries.AS_AT_MADE
    followup.decide_extension(request=request, by=cast.pcc_a, approve=True, note="Agreed.")
    record(done_item, cast.pcc_a, Status.IMPLEMENTED)
    record(quiet_item, cast.pcc_a, Status.NOT_STARTED, narrative="Scoping begins in January.")
    added = RecommendationFactory(inspection=recommendation.inspection)
    second = make()
    said = {(c["reference"], c["what"]) for c in second["changes"]}
    assert (recommendation.reference, "Extension decided") in said
    assert (recommendation.reference, "Overdue") in said  # no longer overdue
    assert (done.reference, "Status") in said
    assert (done.reference, "New update") in said
    assert (quiet.reference, "New update") in said
    assert (added.reference, "Finding added") in said
    decided = next(c for c in second["changes"] if c["what"] == "Extension decided")
    assert decided["to"] == "Approved: falls due 30 June 2027"
    assert recommendation.reference not in [i["reference"] for i in second["overdue"]]


def test_the_office_agrees_a_date_for_a_finding_without_a_deadline(cast):
    afi = RecommendationFactory(
        kind=FindingKind.AREA_FOR_IMPROVEMENT, deadline_kind=DeadlineKind.NONE, deadline=None
    )
    item = ForceImplementation.objects.get(force=cast.force_a, recommendation=afi)
    url = reverse("item-agreed-date", args=[cast.force_a.slug, afi.inspection.slug, afi.ref])
    assert login(cast.lead_a).get(url).status_code == 403
    client = login(cast.pcc_a)
    page = client.get(reverse("item", args=[cast.force_a.slug, afi.inspection.slug, afi.ref]))
    assert "Agree a date" in page.content.decode()
    fields = {"on_0": "31", "on_1": "3", "on_2": "2026"}
    refused = client.post(url, fields)
    assert refused.status_code == 400
    assert "Say why this date was agreed" in refused.content.decode()
    assert reload(item).due_date is None
    assert client.post(url, {**fields, "reason": "Agreed at the March panel."}).status_code == 302
    item = reload(item)
    assert (item.agreed_due_date, item.due_date) == (datetime.date(2026, 3, 31),) * 2
    assert ForceImplementation.objects.overdue(TODAY).filter(pk=item.pk).exists()
    assert item.history.first().agreed_due_reason == "Agreed at the March panel."
    # A finding the report gave a deadline has nothing to agree.
    dated = RecommendationFactory(inspection=afi.inspection)
    other = reverse("item-agreed-date", args=[cast.force_a.slug, afi.inspection.slug, dated.ref])
    assert client.get(other).status_code == 404


def test_the_office_chooses_another_letter_as_its_response(cast, impl_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = impl_a.recommendation.inspection
    first = letter_services.record_letter_sent_elsewhere(
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
    mine = next(
        r
        for r in letter_queries.responses(cast.admin, inspection, TODAY)
        if r.force == cast.force_a
    )
    assert mine.issued_on == datetime.date(2023, 8, 1)
    client = login(cast.pcc_a)
    url = reverse("letter-elsewhere-response", args=[second.uuid])
    assert url in client.get(reverse("letter-elsewhere", args=[second.uuid])).content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why this letter is the response" in refused.content.decode()
    assert client.post(url, {"reason": "The first went to the wrong office."}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.purpose, second.purpose) == (LetterPurpose.PROGRESS, LetterPurpose.RESPONSE)
    assert second.history.first().history_change_reason == (
        "Chosen as the s.55 response: The first went to the wrong office."
    )
    mine = next(
        r
        for r in letter_queries.responses(cast.admin, inspection, TODAY)
        if r.force == cast.force_a
    )
    assert (mine.issued_on, mine.state) == (datetime.date(2023, 10, 20), "late")
    assert login(cast.lead_a).post(url, {"reason": "x"}).status_code == 403


@pytest.mark.usefixtures("home_secretary")
def test_a_second_letter_issued_as_the_response_is_asked_about(cast, impl_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = impl_a.recommendation.inspection
    record(impl_a, cast.pcc_a, narrative="Armoury audit done.")
    first = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    letter_services.issue_letter(
        letter=first, author=cast.pcc_a, issued_on=datetime.date(2023, 9, 1)
    )
    second = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    fields = {name: getattr(second, name) for name in letter_services.EDITABLE_FIELDS}
    second = letter_services.update_draft(
        letter=second,
        author=cast.pcc_a,
        version=second.version,
        fields={**fields, "purpose": LetterPurpose.RESPONSE},
        narratives={},
    )
    with pytest.raises(ValidationError, match="already sent on 1 September 2023"):
        letter_services.issue_letter(letter=second, author=cast.pcc_a, issued_on=TODAY)
    second.refresh_from_db()
    assert not second.is_issued


def test_a_returned_item_reads_returned_everywhere_until_the_next_update(cast, impl_a):
    record(impl_a, cast.pcc_a, Status.IMPLEMENTED, as_of=TODAY - datetime.timedelta(days=3))
    services.review_implementation(
        implementation=impl_a, reviewer=cast.lead_a, sign_off=False, note="Attach the audit."
    )
    impl_a = reload(impl_a)
    assert impl_a.state == ItemState.RETURNED
    # It is the force's to act on, like any item in progress.
    assert impl_a.next_actor == "within_control"
    client = login(cast.admin)
    inspection = impl_a.recommendation.inspection.slug
    matrix = csv_rows(client.get(reverse("matrix"), {"inspection": inspection, "format": "csv"}))
    assert next(r for r in matrix if r[1] == cast.force_a.name)[2].startswith(
        "Returned to PCC staff"
    )
    force = csv_rows(client.get(reverse("force", args=[cast.force_a.slug]), {"format": "csv"}))
    assert force[1][force[0].index("Status")] == "Returned to PCC staff"
    item_url = reverse("item", args=[cast.force_a.slug, inspection, impl_a.recommendation.ref])
    page = login(cast.pcc_a).get(item_url).content.decode()
    assert "Returned to PCC staff" in page
    assert "Attach the audit." in page
    # Whoever may not read internal notes sees that it was returned, not the comment.
    page = login(cast.viewer).get(item_url).content.decode()
    assert "Returned to PCC staff" in page
    assert "Attach the audit." not in page
    record(impl_a, cast.pcc_a, Status.IN_PROGRESS, as_of=TODAY)
    assert reload(impl_a).state == ItemState.IN_PROGRESS
