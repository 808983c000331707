"""Entering a report on service pages: the report and all its findings on one page, a check
page, then publishing to forces, which alone makes their items and sends the s.55 notices."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from inspections.models import (
    DeadlineKind,
    FindingKind,
    ForceImplementation,
    Inspection,
    Recommendation,
)

from .conftest import TODAY, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def finding(n, kind, number, text, deadline_kind="none", **extra):
    row = {
        f"finding-{n}-kind": kind,
        f"finding-{n}-number": str(number),
        f"finding-{n}-scope": "local",
        f"finding-{n}-addressee": "chief_constables",
        f"finding-{n}-deadline_kind": deadline_kind,
        f"finding-{n}-text": text,
    }
    row.update({f"finding-{n}-{k}": v for k, v in extra.items()})
    return row


def report_data(*rows, **fields):
    data = {
        "title": "PEEL 2025: Alphashire Police",
        "short_title": "PEEL 2025 Alphashire",
        "published_0": "3",
        "published_1": "11",
        "published_2": "2026",
        "addressed_to": "chosen_forces",
        "finding-TOTAL_FORMS": str(len(rows)),
        "finding-INITIAL_FORMS": "0",
        **fields,
    }
    for row in rows:
        data.update(row)
    return data


def peel(cast):
    return report_data(
        finding(0, FindingKind.CAUSE_OF_CONCERN, 1, "Crime is not recorded accurately."),
        finding(
            1,
            FindingKind.RECOMMENDATION,
            1,
            "Within six months the force should audit crime recording.",
            DeadlineKind.WITHIN_MONTHS,
            under="1",
            deadline_months="6",
        ),
        finding(2, FindingKind.AREA_FOR_IMPROVEMENT, 1, "The force should improve call handling."),
        forces=[str(cast.force_a.pk)],
    )


def test_a_report_and_its_findings_are_entered_on_one_page_then_published(
    cast, django_capture_on_commit_callbacks
):
    client = login(cast.admin)
    response = client.post(reverse("report-new"), peel(cast))
    assert response.status_code == 302, response.context["form"].errors
    report = Inspection.objects.get(slug="peel-2025-alphashire")
    assert report.is_draft
    assert report.recommendations.count() == 3
    recommendation = report.recommendations.get(kind=FindingKind.RECOMMENDATION)
    assert recommendation.cause_of_concern.kind == FindingKind.CAUSE_OF_CONCERN
    assert recommendation.deadline == datetime.date(2027, 5, 3)
    # A draft reaches nobody: no items, no notices, not the default report of any page.
    assert not ForceImplementation.objects.filter(recommendation__inspection=report).exists()
    assert not mail.outbox
    assert Inspection.objects.default_choice() != report
    check = client.get(response["Location"]).content.decode()
    assert "Publish to 1 force" in check
    assert "under cause of concern 1" in check
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response["Location"])
    assert done.status_code == 302
    report.refresh_from_db()
    assert not report.is_draft
    assert ForceImplementation.objects.filter(recommendation__inspection=report).count() == 3
    assert {item.force for item in ForceImplementation.objects.all()} == {cast.force_a}
    assert any("s.55" in m.subject or "response" in m.subject.lower() for m in mail.outbox)


def test_every_row_is_checked_and_nothing_is_kept_on_an_error(cast):
    data = report_data(
        finding(0, FindingKind.RECOMMENDATION, 1, "First."),
        finding(1, FindingKind.RECOMMENDATION, 1, "Same number."),
        finding(2, FindingKind.RECOMMENDATION, 2, "Under nothing.", under="4"),
        forces=[str(cast.force_a.pk)],
    )
    response = login(cast.admin).post(reverse("report-new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Finding 2, number in the report: Finding 2 repeats finding 1" in page
    assert "There is no cause of concern 4 on this page." in page
    assert not Inspection.objects.exists()
    assert not Recommendation.objects.exists()


def test_add_another_finding_keeps_what_was_typed(cast):
    data = report_data(finding(0, FindingKind.RECOMMENDATION, 1, "First."), add_row="1")
    response = login(cast.admin).post(reverse("report-new"), data)
    findings = response.context["findings"]
    assert len(findings.forms) == 2
    assert findings.forms[0]["text"].value() == "First."
    assert not Inspection.objects.exists()


def test_pcc_staff_enter_a_report_for_their_own_force_alone(cast):
    data = peel(cast)
    data.pop("addressed_to")
    data["forces"] = [str(cast.force_b.pk)]  # ignored: the office's own force it is
    client = login(cast.pcc_a)
    response = client.post(reverse("report-new"), data)
    assert response.status_code == 302
    report = Inspection.objects.get()
    assert list(report.forces.all()) == [cast.force_a]
    # Another force's office cannot reach the draft; a force lead cannot enter reports.
    assert login(cast.pcc_b).get(reverse("report-publish", args=[report.slug])).status_code == 403
    assert login(cast.lead_a).get(reverse("report-new")).status_code == 403
    assert login(cast.viewer).get(reverse("report-new")).status_code == 403


def test_a_draft_is_changed_and_a_finding_removed_before_publishing(cast):
    client = login(cast.admin)
    client.post(reverse("report-new"), peel(cast))
    report = Inspection.objects.get()
    form = client.get(reverse("report-edit", args=[report.slug])).context["findings"]
    afi = next(f for f in form.forms if f.instance.kind == FindingKind.AREA_FOR_IMPROVEMENT)
    data = peel(cast)
    data.update({"finding-INITIAL_FORMS": "3", "finding-TOTAL_FORMS": "3"})
    for index, row in enumerate(form.forms):
        data[f"finding-{index}-id"] = str(row.instance.pk)
        for name in ("kind", "number", "scope", "addressee", "deadline_kind", "text"):
            data[f"finding-{index}-{name}"] = row[name].value() or ""
        if row.instance.deadline_months:
            data[f"finding-{index}-deadline_months"] = str(row.instance.deadline_months)
        if row.instance.cause_of_concern_id:
            data[f"finding-{index}-under"] = "1"
    data[f"finding-{form.forms.index(afi)}-DELETE"] = "on"
    response = client.post(reverse("report-edit", args=[report.slug]), data)
    assert response.status_code == 302, [
        (f.errors, f.non_field_errors())
        for f in [response.context["form"], *response.context["findings"].forms]
    ]
    assert report.recommendations.count() == 2
    assert not report.recommendations.filter(kind=FindingKind.AREA_FOR_IMPROVEMENT).exists()


def test_a_published_report_is_no_longer_a_draft_to_enter(cast, recommendation):
    report = recommendation.inspection
    assert not report.is_draft
    assert login(cast.admin).get(reverse("report-edit", args=[report.slug])).status_code == 404


def test_recording_a_dependency_delivered_names_who_is_emailed_first(
    cast, impl_a, impl_b, dependency, django_capture_on_commit_callbacks
):
    from inspections.models import DependencyStatus, ItemState, Status

    from .conftest import record

    for item, author in ((impl_a, cast.pcc_a), (impl_b, cast.pcc_b)):
        record(item, author, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    client = login(cast.admin)
    url = reverse("dependency-delivered", args=[dependency.key])
    assert dependency.key in client.get(reverse("dependencies")).content.decode()
    data = {"status": "delivered", "on_0": "20", "on_1": "11", "on_2": "2026"}
    check = client.post(url, data)
    page = check.content.decode()
    assert "Check before you record it" in page
    assert "Alphashire Police (1 item)" in page
    assert "Betashire Police (1 item)" in page
    dependency.refresh_from_db()
    assert dependency.status == DependencyStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "confirmed": "True"})
    assert done["Location"] == reverse("dependencies")
    dependency.refresh_from_db()
    assert dependency.status == DependencyStatus.DELIVERED
    impl_a.refresh_from_db()
    assert impl_a.state == ItemState.NEEDS_REVIEW
    assert len(mail.outbox) >= 1
    # Recorded once: it is no longer pending, so the page is gone.
    assert client.get(url).status_code == 404
    assert login(cast.pcc_a).get(url).status_code == 403
