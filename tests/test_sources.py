"""Reports from every recommender on one register: each source's response clock (the s.55 clock
is the HMICFRS one), a date the recommender gives, entry through the report page, the notices,
the reminders, the filter by source on the lists, the dashboard's counts by source and the API."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from inspections import reminders, services
from inspections.models import (
    DeadlineKind,
    FindingKind,
    ForceImplementation,
    Inspection,
    Source,
)
from inspections.responses import queries as letter_queries
from inspections.services import people as people_services

from .conftest import TODAY, force_answered_report, login, record
from .downloads import csv_rows
from .factories import InspectionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


PUBLISHED = datetime.date(2026, 3, 2)
SENT = datetime.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("source", "sent_on", "due"),
    [
        # s.55: 56 days beginning with publication day, whatever day it was sent.
        (Source.HMICFRS, SENT, datetime.date(2026, 4, 26)),
        # The IOPC and coroners: 56 days of the day it was sent (the day after is day one),
        # else of publication.
        (Source.IOPC, SENT, datetime.date(2026, 5, 5)),
        (Source.IOPC, None, datetime.date(2026, 4, 27)),
        (Source.CORONER, SENT, datetime.date(2026, 5, 5)),
        # An inquiry: six calendar months of publication.
        (Source.INQUIRY, SENT, datetime.date(2026, 9, 2)),
        # Internal audit: no period is laid down, so no date until the committee sets one.
        (Source.INTERNAL_AUDIT, SENT, None),
        (Source.OTHER, None, None),
    ],
)
def test_each_source_has_its_own_response_clock(source, sent_on, due):
    report = services.save_inspection(
        inspection=Inspection(
            title="A report", slug="a-report", source=source, published=PUBLISHED, sent_on=sent_on
        )
    )
    assert Inspection.objects.get(pk=report.pk).response_due == due


def test_an_inquiry_counted_from_31_august_ends_on_the_last_day_of_february():
    report = InspectionFactory(source=Source.INQUIRY, published=datetime.date(2025, 8, 31))
    # Six months of 31 August: February has no 31st, so its last day.
    assert report.response_due == datetime.date(2026, 2, 28)


def test_the_committees_date_is_an_internal_audits_response_date(cast):
    report = InspectionFactory(
        source=Source.INTERNAL_AUDIT, published=PUBLISHED, forces=[cast.force_a]
    )
    RecommendationFactory(inspection=report, deadline_kind=DeadlineKind.NONE, deadline=None)
    assert letter_queries.responses(cast.admin, report, TODAY) == []
    report.response_given = datetime.date(2026, 6, 30)
    services.save_inspection(inspection=report)
    (response,) = letter_queries.responses(cast.admin, report, TODAY)
    assert response.due == datetime.date(2026, 6, 30)
    assert response.state == "missing"  # 30 June 2026 has passed on 21 November 2026


def test_an_iopc_extension_moves_the_response_clock_not_the_findings_dates(cast):
    report = InspectionFactory(
        source=Source.IOPC, published=PUBLISHED, sent_on=SENT, forces=[cast.force_a]
    )
    RecommendationFactory(
        inspection=report, deadline_kind=DeadlineKind.DATE, deadline=datetime.date(2026, 12, 1)
    )
    services.save_inspection(inspection=report)
    item = ForceImplementation.objects.get(recommendation__inspection=report)
    assert item.due_date == datetime.date(2026, 12, 1)
    report.response_given = datetime.date(2026, 6, 1)
    services.save_inspection(inspection=report)
    assert Inspection.objects.get(pk=report.pk).response_due == datetime.date(2026, 6, 1)
    item.refresh_from_db()
    assert item.due_date == datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("source", "given", "field", "words"),
    [
        (Source.HMICFRS, datetime.date(2026, 6, 1), "response_given", "No one may extend"),
        (Source.IOPC, datetime.date(2026, 5, 3), "response_given", "cannot be earlier"),
        (Source.CORONER, None, "sent_on", "cannot be before the day it was published"),
    ],
)
def test_a_date_the_duty_does_not_allow_is_refused_and_nothing_changes(source, given, field, words):
    report = InspectionFactory(source=source, published=PUBLISHED, sent_on=SENT)
    report.response_given = given
    if field == "sent_on":
        report.sent_on = PUBLISHED - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.save_inspection(inspection=report)
    assert words in " ".join(refused.value.message_dict[field])
    stored = Inspection.objects.get(pk=report.pk)
    assert (stored.response_given, stored.sent_on) == (None, SENT)


def entry_data(**fields):
    data = {
        "source": Source.CORONER,
        "title": "Regulation 28 report to prevent future deaths: J Smith",
        "inspectorate": "HM Senior Coroner for Alphashire",
        "published_0": "2",
        "published_1": "11",
        "published_2": "2026",
        "sent_on_0": "5",
        "sent_on_1": "11",
        "sent_on_2": "2026",
        "finding-TOTAL_FORMS": "1",
        "finding-INITIAL_FORMS": "0",
        "finding-0-kind": FindingKind.RECOMMENDATION,
        "finding-0-number": "1",
        "finding-0-scope": "local",
        "finding-0-addressee": "chief_constables",
        "finding-0-deadline_kind": "none",
        "finding-0-text": "Officers were not trained to recognise acute behavioural disturbance.",
    }
    data.update(fields)
    return data


def test_an_office_enters_a_coroners_report_and_its_force_is_told_when_to_answer(
    cast, django_capture_on_commit_callbacks
):
    client = login(cast.pcc_a)
    response = client.post(reverse("report-new"), entry_data())
    assert response.status_code == 302, response.context["form"].errors
    report = Inspection.objects.get()
    assert (report.source, report.sent_on) == (Source.CORONER, datetime.date(2026, 11, 5))
    assert report.response_due == datetime.date(2026, 12, 31)  # 56 days of 5 November
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report-publish", args=[report.slug]))
    reminders.send_outbox()
    notices = [m for m in mail.outbox if "response to the coroner" in m.subject]
    assert notices
    for notice in notices:
        assert "due by 31 December 2026" in notice.subject
        assert "regulation 29 of the Coroners (Investigations) Regulations 2013" in notice.body
    # The force answers a coroner: its lead is told as well as the office.
    told = {address for notice in notices for address in notice.to}
    assert {cast.pcc_a.email, cast.lead_a.email} <= told


def test_the_entry_page_refuses_an_extension_of_the_s55_date_beside_its_field(cast):
    data = entry_data(source=Source.HMICFRS, response_given_0="1", response_given_1="3")
    data["response_given_2"] = "2027"
    response = login(cast.pcc_a).post(reverse("report-new"), data)
    assert response.status_code == 400
    assert "No one may extend the s.55 response" in " ".join(
        response.context["form"].errors["response_given"]
    )
    assert not Inspection.objects.exists()


def test_the_coroners_report_is_reminded_28_days_before_its_own_date(cast):
    report = InspectionFactory(
        source=Source.CORONER,
        published=datetime.date(2026, 10, 1),
        sent_on=datetime.date(2026, 10, 20),
        forces=[cast.force_a],
    )
    due = report.response_due
    assert due == datetime.date(2026, 12, 15)
    mark = due - datetime.timedelta(days=28)  # 17 November
    (reminder,) = letter_queries.response_reminders(
        cast.force_a, TODAY, since=mark - datetime.timedelta(days=1)
    )
    assert (reminder.inspection, reminder.kind) == (report, "28_days_left")
    assert reminder.label == f"{report.title} (response to the coroner)"
    assert letter_queries.response_reminders(cast.force_a, TODAY, since=mark) == []
    digest = reminders.build_digest(cast.force_a, TODAY, since=mark - datetime.timedelta(days=1))
    assert digest.subject.startswith(f"{cast.force_a.name}: response to the coroner due")


def two_sources(cast):
    """An HMICFRS finding and an IOPC one for force A, both overdue."""
    made = {}
    for source in (Source.HMICFRS, Source.IOPC):
        report = InspectionFactory(source=source, published=PUBLISHED, forces=[cast.force_a])
        RecommendationFactory(
            inspection=report, deadline_kind=DeadlineKind.DATE, deadline=datetime.date(2026, 9, 1)
        )
        services.save_inspection(inspection=report)
        made[source] = report
    return made


def test_every_list_filters_by_source_and_the_dashboard_counts_each(cast):
    made = two_sources(cast)
    client = login(cast.pcc_a)
    for source, report in made.items():
        header, *rows = csv_rows(
            client.get(
                reverse("overdue"), {"format": "csv", "source": source, "table": "within-control"}
            )
        )
        assert [r[header.index("Inspection")] for r in rows] == [report.list_name]
    header, *rows = csv_rows(
        client.get(
            reverse("force", args=[cast.force_a.slug]), {"source": Source.IOPC, "format": "csv"}
        )
    )
    assert [r[header.index("Inspection")] for r in rows] == [made[Source.IOPC].list_name]
    dashboard = client.get(reverse("dashboard"))
    (table,) = [t for t in dashboard.context["tables"] if t.key == "sources"]
    page = dashboard.content.decode()
    assert "Items by source" in page
    assert "IOPC learning recommendations" in page
    assert f"{reverse('overdue')}?source=iopc" in page
    assert len(table.rows) == 2


def test_the_dashboard_leaves_out_the_source_table_while_every_report_has_one_source(cast):
    report = InspectionFactory(published=PUBLISHED, forces=[cast.force_a])
    RecommendationFactory(inspection=report)
    dashboard = login(cast.pcc_a).get(reverse("dashboard"))
    assert "Items by source" not in dashboard.content.decode()


def test_the_list_refuses_a_source_it_does_not_know(cast):
    response = login(cast.pcc_a).get(reverse("overdue"), {"source": "ombudsman"})
    assert response.status_code == 400
    assert "Source" in response.content.decode()


def test_the_api_gives_and_filters_by_source(cast):
    made = two_sources(cast)
    _key, secret = people_services.create_api_key(by=None, force=None, name="sources")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    reports = api.get(reverse("api:inspections")).json()["items"]
    assert {(r["slug"], r["source"]) for r in reports} == {
        (report.slug, source) for source, report in made.items()
    }
    iopc = api.get(reverse("api:implementations"), {"source": "iopc"}).json()["items"]
    assert [(row["inspection"], row["source"]) for row in iopc] == [
        (made[Source.IOPC].slug, "iopc")
    ]
    refused = api.get(reverse("api:implementations"), {"source": "ombudsman"})
    assert refused.status_code == 400
    assert "source" in refused.json()["detail"]


def test_the_meeting_pack_counts_each_source_in_its_paper_and_its_word_file(cast):
    from inspections.models import MeetingPack

    from .test_meeting_packs import docx_text, download, make

    two_sources(cast)
    client = login(cast.pcc_a)
    assert make(client, cast.force_a, datetime.date(2026, 12, 11)).status_code == 302
    pack = MeetingPack.objects.get()
    assert pack.snapshot["by_source"] == [
        ["HMICFRS inspection", 1, 1, 0, 0],
        ["IOPC learning recommendations", 1, 1, 0, 0],
    ]
    page = client.get(reverse("meeting-pack", args=[pack.uuid])).content.decode()
    assert "Findings by source" in page
    words = docx_text(download(client, pack, "docx"))
    assert "IOPC learning recommendations" in words


def test_local_actions_and_extension_requests_filter_by_source(cast):
    from inspections.followup import services as followup

    made = two_sources(cast)
    for source, report in made.items():
        item = ForceImplementation.objects.get(recommendation__inspection=report)
        followup.save_local_action(
            implementation=item,
            by=cast.pcc_a,
            description=f"Act on the {source} finding",
            owner="",
            due_date=None,
            status="awaiting_allocation",
        )
        followup.request_extension(
            implementation=item,
            by=cast.lead_a,
            requested_date=datetime.date(2027, 3, 1),
            reason=f"More time for the {source} finding.",
        )
    client = login(cast.pcc_a)
    for source in made:
        actions = client.get(reverse("actions"), {"source": source}).content.decode()
        extensions = client.get(reverse("extensions"), {"source": source}).content.decode()
        for other in made:
            assert (f"Act on the {other} finding" in actions) == (other == source)
            assert (f"More time for the {other} finding." in extensions) == (other == source)
    assert client.get(reverse("actions"), {"source": "ombudsman"}).status_code == 400


def test_the_public_pages_list_published_responses_by_source(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections.letters import services as letter_services

    made = two_sources(cast)
    sent = {}
    for source, report in made.items():
        letter = letter_services.record_letter_sent_elsewhere(
            force=cast.force_a,
            inspection=report,
            sent_on=PUBLISHED + datetime.timedelta(days=60),
            file=SimpleUploadedFile("response.pdf", b"%PDF signed"),
            today=TODAY,
            author=cast.pcc_a,
        )
        sent[source] = letter_services.publish_response(letter=letter, author=cast.pcc_a)
    page = Client().get(reverse("public-responses")).content.decode()
    # Each source under its own heading, with its own duty's words. The s.55 response is due
    # 56 days beginning with publication day, the IOPC's 56 days of it (the IOPC's report has
    # no day sent here): the letters sent 60 days after publication are 5 and 4 days late.
    hmicfrs_at = page.index('<h2 class="govuk-heading-l">HMICFRS inspection</h2>')
    iopc_at = page.index('<h2 class="govuk-heading-l">IOPC learning recommendations</h2>')
    assert hmicfrs_at < page.index(made[Source.HMICFRS].title) < iopc_at
    assert iopc_at < page.index(made[Source.IOPC].title)
    assert "The response to the IOPC goes to the Independent Office for Police Conduct" in page
    force_page = Client().get(reverse("public-force", args=[cast.force_a.slug])).content.decode()
    assert "IOPC learning recommendations" in force_page
    assert "response to the IOPC" in force_page
    assert force_page.count("5 days late") == 1
    assert force_page.count("4 days late") == 1


def coroners_report(cast):
    return force_answered_report(
        cast,
        Source.CORONER,
        "Regulation 28 report: J Smith",
        inspectorate="HM Senior Coroner for Alphashire",
    )


def test_the_force_answers_a_coroner_on_its_own_letterhead_signed_by_its_chief(cast):
    from inspections.letters import services as letter_services
    from inspections.models import LetterPurpose, ProgressLetter

    cast.force_a.chief_constable_name = "Sam Chief"
    cast.force_a.save()
    report = coroners_report(cast)
    client = login(cast.lead_a)
    # The force's template, kept by its lead: the office's stays the office's.
    assert (
        client.post(
            reverse("force-letter-template", args=[cast.force_a.slug]),
            {"office_name": "Alphashire Police Headquarters", "valediction": "Yours faithfully,"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("letter-template", args=[cast.force_a.slug]), {"office_name": "Not mine"}
        ).status_code
        == 403
    )
    # The letters page offers the lead the coroner's report alone to answer.
    offered = client.get(reverse("letters")).context["inspections"]
    assert offered == [report]
    response = client.post(reverse("letter-new"), {"inspection": report.slug})
    assert response.status_code == 302
    letter = ProgressLetter.objects.get(inspection=report)
    assert letter.purpose == LetterPurpose.RESPONSE
    assert letter.recipient_name == "HM Senior Coroner for Alphashire"
    assert letter.signatory_name == "Sam Chief"
    assert letter.signatory_title.splitlines()[0] == "Chief Constable"
    assert letter.letterhead_name == "Alphashire Police Headquarters"
    assert letter.valediction == "Yours faithfully,"
    assert "prevention of future deaths report" in letter.opening
    assert "on 20th October 2026." in letter.opening
    assert "has taken or proposes to take, with its timetable" in letter.opening
    # No one here keeps the coroner's name and address, so the draft's pages ask nobody to
    # check when a national administrator last confirmed them (the Home Secretary's are).
    for name in ("letter", "letter-edit"):
        page = client.get(reverse(name, args=[letter.uuid])).content.decode()
        assert "Addressed to HM Senior Coroner" not in page
        assert "confirmed who holds the office" not in page
    # Issued by the lead; tracked against the coroner's 56 days from the day it was sent.
    letter_services.issue_letter(
        letter=letter, author=cast.lead_a, issued_on=datetime.date(2026, 11, 20)
    )
    (tracked,) = letter_queries.responses(cast.pcc_a, report, TODAY)
    assert (tracked.due, tracked.state) == (datetime.date(2026, 12, 15), "on_time")


def test_a_force_lead_never_drafts_or_records_the_offices_s55_letter(cast, impl_a):
    record(impl_a, cast.pcc_a)
    client = login(cast.lead_a)
    assert client.get(reverse("letters")).context["can_draft"] is False
    inspection = impl_a.recommendation.inspection
    assert client.post(reverse("letter-new"), {"inspection": inspection.slug}).status_code == 403
    assert client.get(reverse("letter-elsewhere-new")).status_code == 403


@pytest.mark.parametrize(
    ("source", "addressed_to", "words", "due"),
    [
        # An inquiry's report: six months of publication (1 October 2026).
        (Source.INQUIRY, "The inquiry", "inquiry's report", datetime.date(2027, 4, 1)),
        # Internal audit: no period, so no date until the committee sets one.
        (Source.INTERNAL_AUDIT, "The joint audit committee", "internal audit report", None),
    ],
)
def test_an_inquiry_and_an_internal_audit_each_get_the_forces_response_letter(
    cast, source, addressed_to, words, due
):
    from inspections.letters import services as letter_services

    report = force_answered_report(cast, source, "Findings on custody")
    assert report.response_due == due
    letter = letter_services.draft_letter(force=cast.force_a, inspection=report, author=cast.lead_a)
    assert letter.recipient_name == addressed_to
    assert f"in response to the {words} 'Findings on custody'" in letter.opening
    assert letter.signatory_title.splitlines()[0] == "Chief Constable"
    tracked = letter_queries.responses(cast.pcc_a, report, TODAY)
    assert [row.due for row in tracked] == ([due] if due else [])


def test_the_force_records_the_new_date_the_iopc_gave_and_only_the_response_moves(cast):
    from inspections.models import OutboundEmail

    report = force_answered_report(cast, Source.IOPC, "IOPC learning recommendations: custody")
    item = ForceImplementation.objects.get(recommendation__inspection=report)
    due_before, item_due = report.response_due, item.due_date
    assert due_before == datetime.date(2026, 12, 15)  # 56 days of 20 October
    url = reverse("response-date", args=[report.slug])
    client = login(cast.lead_a)
    responses = client.get(reverse("responses"), {"inspection": report.slug}).content.decode()
    assert url in responses
    assert "The response to the IOPC goes to" in responses
    # Earlier than the period's own last day: refused beside the field, nothing changes.
    early = client.post(url, {"given_0": "1", "given_1": "12", "given_2": "2026"})
    assert early.status_code == 400
    assert "cannot be earlier" in " ".join(early.context["form"].errors["given"])
    report.refresh_from_db()
    assert report.response_due == due_before
    told_before = OutboundEmail.objects.count()
    moved = client.post(url, {"given_0": "31", "given_1": "1", "given_2": "2027"})
    assert moved.status_code == 302
    report.refresh_from_db()
    item.refresh_from_db()
    assert report.response_due == datetime.date(2027, 1, 31)
    assert item.due_date == item_due  # the findings' dates never move with it
    assert OutboundEmail.objects.count() > told_before  # the new date is told
    # Another force's people, and anyone for an s.55 response, cannot.
    assert login(cast.lead_b).get(url).status_code == 403
    assert login(cast.pcc_b).post(url, {"given_0": "1"}).status_code == 403


def test_nobody_records_a_new_date_for_an_s55_response(cast, impl_a):
    url = reverse("response-date", args=[impl_a.recommendation.inspection.slug])
    for user in (cast.admin, cast.pcc_a, cast.lead_a):
        assert login(user).get(url).status_code == 403
