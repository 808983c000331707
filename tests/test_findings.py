"""Findings of every kind (causes of concern, recommendations, areas for improvement) and reports
addressed to one force or a chosen set: entered in the admin alone, and handled by every page,
export, import and letter like recommendations always were."""

import datetime
import html

import pytest
from django.urls import reverse

from inspections import services
from inspections.letters import content
from inspections.models import (
    AddressedTo,
    FindingKind,
    ForceImplementation,
    Inspection,
    LetterRecipient,
    OutboundEmail,
    Recommendation,
    Role,
)
from inspections.models.finding_words import parse_written_reference

from .conftest import TODAY, admin_dates, login, record
from .downloads import csv_rows
from .factories import InspectionFactory, RecommendationFactory, UserFactory

pytestmark = pytest.mark.django_db


def peel_report(force, **kwargs) -> Inspection:
    """A force's own report: one cause of concern with two recommendations, and three AFIs."""
    inspection = InspectionFactory(
        slug="peel-alpha", title="PEEL 2025: Alphashire", forces=[force], **kwargs
    )
    cause = RecommendationFactory(
        inspection=inspection,
        kind=FindingKind.CAUSE_OF_CONCERN,
        number=1,
        short_title="Call handling",
        text="The force is not answering emergency calls quickly enough.",
    )
    for number in (1, 2):
        RecommendationFactory(
            inspection=inspection,
            number=number,
            cause_of_concern=cause,
            short_title=f"Rec {number}",
        )
    for number in (1, 2, 3):
        RecommendationFactory(
            inspection=inspection,
            kind=FindingKind.AREA_FOR_IMPROVEMENT,
            number=number,
            short_title=f"Improvement {number}",
        )
    return inspection


def test_a_report_for_one_force_is_tracked_by_that_force_alone(cast):
    inspection = peel_report(cast.force_a)
    rows = ForceImplementation.objects.filter(recommendation__inspection=inspection)
    assert rows.count() == 6
    assert set(rows.values_list("force", flat=True)) == {cast.force_a.pk}
    refs = [rec.reference for rec in inspection.recommendations.all()]
    assert refs == [
        "Cause of concern 1",
        "Recommendation 1",
        "Recommendation 2",
        "AFI 1",
        "AFI 2",
        "AFI 3",
    ]


def test_national_admin_adds_findings_to_a_report_for_one_force_in_the_admin(cast):
    client = login(cast.admin)
    # Published (entered and published on the service pages), then findings added one by one.
    inspection = services.save_inspection(
        inspection=Inspection(
            title="PEEL 2025: Betashire",
            slug="peel-betashire",
            published=datetime.date(2025, 10, 1),
            addressed_to=AddressedTo.CHOSEN_FORCES,
        ),
        forces=[cast.force_b],
    )
    finding = {
        "inspection": inspection.pk,
        "scope": "local",
        "addressee": "chief_constables",
        "deadline_kind": "date",
        **admin_dates({"deadline": "2026-06-30"}),
    }
    add = reverse("admin:inspections_recommendation_add")
    assert (
        client.post(
            add, {**finding, "kind": "cause_of_concern", "number": 1, "text": "Calls."}
        ).status_code
        == 302
    )
    cause = Recommendation.objects.get(inspection=inspection, kind=FindingKind.CAUSE_OF_CONCERN)
    response = client.post(
        add,
        {
            **finding,
            "kind": "recommendation",
            "number": 1,
            "cause_of_concern": cause.pk,
            "text": "Answer calls.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        add, {**finding, "kind": "area_for_improvement", "number": 7, "text": "Improve."}
    )
    assert response.status_code == 302
    assert cause.linked_recommendations.get().reference == "Recommendation 1"
    forces = set(
        ForceImplementation.objects.filter(recommendation__inspection=inspection).values_list(
            "force__name", flat=True
        )
    )
    assert forces == {"Betashire Police"}
    # An AFI cannot sit under a cause of concern; numbers are unique within a kind only.
    response = client.post(
        add,
        {**finding, "kind": "area_for_improvement", "number": 8, "cause_of_concern": cause.pk},
    )
    assert response.status_code == 200
    assert "Only a recommendation can be made under a cause of concern" in html.unescape(
        response.content.decode()
    )


def test_a_force_that_recorded_work_stays_addressed(cast):
    inspection = peel_report(cast.force_a)
    record(
        ForceImplementation.objects.filter(recommendation__inspection=inspection).first(),
        cast.pcc_a,
    )
    response = login(cast.admin).post(
        reverse("admin:inspections_inspection_change", args=[inspection.pk]),
        {
            "title": inspection.title,
            "slug": inspection.slug,
            "inspectorate": inspection.inspectorate,
            **admin_dates({"published": "2023-07-11"}),
            "addressed_to": AddressedTo.CHOSEN_FORCES,
            "forces": [cast.force_b.pk],
            "recommendations-TOTAL_FORMS": 0,
            "recommendations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Alphashire Police has recorded work on this report" in html.unescape(
        response.content.decode()
    )
    assert list(inspection.forces.all()) == [cast.force_a]
    assert not ForceImplementation.objects.filter(
        recommendation__inspection=inspection, force=cast.force_b
    ).exists()


def test_adding_a_force_to_a_report_gives_it_the_findings(cast):
    inspection = peel_report(cast.force_a)
    services.save_inspection(inspection=inspection, forces=[cast.force_a, cast.force_b])
    assert (
        ForceImplementation.objects.filter(
            recommendation__inspection=inspection, force=cast.force_b
        ).count()
        == 6
    )


def test_pages_and_exports_name_each_kind(cast):
    inspection = peel_report(cast.force_a)
    afi = Recommendation.objects.get(
        inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, number=2
    )
    implementation = ForceImplementation.objects.get(recommendation=afi)
    record(implementation, cast.pcc_a, narrative="Training planned for the spring.")
    client = login(cast.pcc_a)
    item = reverse("item", args=[cast.force_a.slug, inspection.slug, afi.ref])
    assert item.endswith("/afi-2/")
    page = client.get(item)
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-xl">AFI 2</h1>' in page.content.decode()
    matrix = client.get(reverse("matrix") + f"?inspection={inspection.slug}")
    header = csv_rows(client.get(reverse("matrix") + f"?inspection={inspection.slug}&format=csv"))[
        0
    ]
    assert matrix.status_code == 200
    assert header[2:8] == ["CoC 1", "Rec. 1", "Rec. 2", "AFI 1", "AFI 2", "AFI 3"]
    national = login(cast.viewer).get(reverse("recommendation", args=[inspection.slug, "coc-1"]))
    assert national.status_code == 200
    assert "Cause of concern 1" in national.content.decode()
    # The force page lists every kind; another force's user finds nothing of this report.
    assert "AFI 2" in client.get(reverse("force", args=[cast.force_a.slug])).content.decode()
    assert login(cast.pcc_b).get(item).status_code == 404


def test_the_import_reads_a_findings_own_reference(cast):
    assert parse_written_reference("AFI 7") == (FindingKind.AREA_FOR_IMPROVEMENT, 7)
    assert parse_written_reference("Area for improvement 7") == (
        FindingKind.AREA_FOR_IMPROVEMENT,
        7,
    )
    assert parse_written_reference("cause of concern 1") == (FindingKind.CAUSE_OF_CONCERN, 1)
    assert parse_written_reference("CoC 2") == (FindingKind.CAUSE_OF_CONCERN, 2)
    assert parse_written_reference("3") == (FindingKind.RECOMMENDATION, 3)
    assert parse_written_reference("Recommendation 3.") == (FindingKind.RECOMMENDATION, 3)
    assert parse_written_reference("afi-4") == (FindingKind.AREA_FOR_IMPROVEMENT, 4)
    assert parse_written_reference("AFI") is None
    assert parse_written_reference("seven") is None


def test_a_letter_on_a_force_report_names_each_finding(cast):
    inspection = peel_report(cast.force_a, published=datetime.date(2025, 10, 1))
    for implementation in ForceImplementation.objects.filter(recommendation__inspection=inspection):
        record(implementation, cast.pcc_a, as_of=datetime.date(2025, 11, 1))
    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="2 Marsham Street"
    )
    built = content.from_data(cast.force_a, inspection, TODAY)
    headings = [section.reference for section in built.sections]
    assert headings[0] == "Cause of concern 1"
    assert headings[-1] == "AFI 3"
    assert (
        "identified 1 cause of concern, 2 recommendations and 3 areas for improvement"
        in built.opening[1]
    )


def test_only_addressed_forces_owe_a_response(cast):
    UserFactory(username="pcc_b2", role=Role.PCC_STAFF, force=cast.force_b)
    inspection = peel_report(cast.force_a, published=datetime.date(2025, 10, 1))
    queued = OutboundEmail.objects.filter(subject__contains=inspection.title)
    assert [e.subject.split(":")[0] for e in queued] == ["Alphashire Police"]
    response = login(cast.viewer).get(reverse("responses") + f"?inspection={inspection.slug}")
    body = response.content.decode()
    assert "Alphashire Police" in body
    assert "Betashire Police" not in body


def test_lists_filter_by_kind_of_finding(cast):
    inspection = peel_report(cast.force_a)
    client = login(cast.pcc_a)
    rows = csv_rows(
        client.get(
            reverse("overdue") + "?kind=area_for_improvement&format=csv&table=within-control"
        )
    )
    assert {(row[2], row[3]) for row in rows[1:]} == {(inspection.title, "AFI")}
    assert sorted(int(row[4]) for row in rows[1:]) == [1, 2, 3]
