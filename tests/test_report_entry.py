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


def entered(client, report):
    """The entry page's form as it is shown for ``report``: every field with its value."""
    page = client.get(reverse("report-edit", args=[report.slug]))
    form, findings = page.context["form"], page.context["findings"]
    saved = [row for row in findings.forms if row.instance.pk]
    data = {
        "finding-TOTAL_FORMS": str(len(saved)),
        "finding-INITIAL_FORMS": str(findings.initial_form_count()),
    }
    for field in form:
        value = field.value()
        if field.name == "published":
            data.update(
                {
                    f"published_{i}": str(v)
                    for i, v in enumerate((value.day, value.month, value.year))
                }
            )
        elif field.name == "forces":
            data["forces"] = [str(pk) for pk in value or []]
        elif value is not None:
            data[field.html_name] = str(value)
    for index, row in enumerate(saved):
        data[f"finding-{index}-id"] = str(row.instance.pk)
        for name in (
            "kind",
            "number",
            "short_title",
            "scope",
            "addressee",
            "deadline_kind",
            "deadline_months",
            "text",
            "under",
        ):
            value = row[name].value()
            data[f"finding-{index}-{name}"] = "" if value is None else str(value)
        deadline = row.instance.deadline
        if deadline and row.instance.deadline_kind in ("date", "by_month"):
            data.update(
                {
                    f"finding-{index}-deadline_{i}": str(v)
                    for i, v in enumerate((deadline.day, deadline.month, deadline.year))
                }
            )
    return data


def published_peel(cast, client):
    client.post(reverse("report-new"), peel(cast))
    report = Inspection.objects.get()
    client.post(reverse("report-publish", args=[report.slug]))
    report.refresh_from_db()
    assert not report.is_draft
    return report


def test_a_published_report_is_corrected_on_its_entry_page(cast):
    client = login(cast.admin)
    report = published_peel(cast, client)
    assert client.get(reverse("report-publish", args=[report.slug])).status_code == 404
    assert (
        reverse("report-edit", args=[report.slug]) in client.get(reverse("entry")).content.decode()
    )
    data = entered(client, report)
    assert data["finding-INITIAL_FORMS"] == "3"
    # A finding that was missed, and a deadline entered wrongly (12 months, not 6).
    data.update(finding(3, FindingKind.AREA_FOR_IMPROVEMENT, 2, "The force should train."))
    data["finding-TOTAL_FORMS"] = "4"
    rec = next(i for i in range(3) if data[f"finding-{i}-kind"] == FindingKind.RECOMMENDATION)
    data[f"finding-{rec}-deadline_months"] = "12"
    response = client.post(reverse("report-edit", args=[report.slug]), data)
    assert response.status_code == 302, response.context and [
        (f.errors, f.non_field_errors())
        for f in [response.context["form"], *response.context["findings"].forms]
    ]
    assert response["Location"] == reverse("entry")
    items = ForceImplementation.objects.filter(recommendation__inspection=report)
    assert items.count() == 4
    assert items.get(recommendation__kind=FindingKind.RECOMMENDATION).due_date == datetime.date(
        2027, 11, 3
    )


def test_a_finding_forces_recorded_work_on_is_not_removed(cast):
    from .conftest import record

    client = login(cast.admin)
    report = published_peel(cast, client)
    afi = ForceImplementation.objects.get(
        recommendation__inspection=report, recommendation__kind=FindingKind.AREA_FOR_IMPROVEMENT
    )
    record(afi, cast.pcc_a, as_of=TODAY)
    data = entered(client, report)
    index = next(
        i for i in range(3) if data[f"finding-{i}-kind"] == FindingKind.AREA_FOR_IMPROVEMENT
    )
    data[f"finding-{index}-DELETE"] = "on"
    response = client.post(reverse("report-edit", args=[report.slug]), data)
    assert response.status_code == 400
    assert "AFI 1: forces have recorded work on it, so it cannot be removed" in (
        response.content.decode()
    )
    assert ForceImplementation.objects.filter(pk=afi.pk).exists()
    # The cause of concern, with nothing recorded, goes with its force's item.
    data = entered(client, report)
    cause = next(i for i in range(3) if data[f"finding-{i}-kind"] == FindingKind.CAUSE_OF_CONCERN)
    data[f"finding-{cause}-DELETE"] = "on"
    for i in range(3):
        data[f"finding-{i}-under"] = ""
    assert client.post(reverse("report-edit", args=[report.slug]), data).status_code == 302
    assert not report.recommendations.filter(kind=FindingKind.CAUSE_OF_CONCERN).exists()
    assert ForceImplementation.objects.filter(recommendation__inspection=report).count() == 2


def test_only_who_may_enter_a_report_may_correct_it(cast):
    report = published_peel(cast, login(cast.admin))
    url = reverse("report-edit", args=[report.slug])
    # Addressed to Alphashire alone: its PCC staff may correct it, nobody else of a force.
    assert login(cast.pcc_a).get(url).status_code == 200
    assert report.slug in login(cast.pcc_a).get(reverse("entry")).content.decode()
    assert login(cast.pcc_b).get(url).status_code == 403
    assert report.slug not in login(cast.pcc_b).get(reverse("entry")).content.decode()
    assert login(cast.lead_a).get(url).status_code == 403


def test_national_work_is_added_and_linked_on_service_pages(cast, recommendation):
    from inspections.models import Dependency, DependencyKind

    client = login(cast.admin)
    url = reverse("dependency-new")
    bad = client.post(url, {"title": "", "kind": "", "owner": "", "expected_date_0": "31"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "There is a problem" in page
    assert not Dependency.objects.exists()
    data = {
        "title": "Revised APP on armed deployment",
        "kind": DependencyKind.APP_REVISION,
        "owner": "College of Policing",
        "expected_date_0": "31",
        "expected_date_1": "3",
        "expected_date_2": "2027",
        "recommendations": [str(recommendation.pk)],
    }
    assert client.post(url, data)["Location"] == reverse("entry")
    work = Dependency.objects.get()
    assert work.key == "revised-app-on-armed-deployment"
    assert work.expected_date == datetime.date(2027, 3, 31)
    assert list(work.recommendations.all()) == [recommendation]
    listing = client.get(reverse("entry")).content.decode()
    assert reverse("dependency-change", args=[work.key]) in listing
    assert reverse("dependency-delivered", args=[work.key]) in listing
    change = reverse("dependency-change", args=[work.key])
    client.post(change, {**data, "owner": "NPCC", "recommendations": []})
    work.refresh_from_db()
    assert work.owner == "NPCC"
    assert not work.recommendations.exists()
    assert login(cast.pcc_a).post(change, data).status_code == 403


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


def test_a_status_recorded_by_mistake_is_corrected_with_a_reason(
    cast, impl_a, dependency, django_capture_on_commit_callbacks
):
    from inspections.models import DependencyStatus, ItemState, Status

    from .conftest import record

    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency], as_of=TODAY)
    client = login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dependency-delivered", args=[dependency.key]),
            {
                "status": "delivered",
                "on_0": "20",
                "on_1": "11",
                "on_2": "2026",
                "confirmed": "True",
            },
        )
    impl_a.refresh_from_db()
    assert impl_a.state == ItemState.NEEDS_REVIEW
    url = reverse("dependency-correct", args=[dependency.key])
    assert url in client.get(reverse("entry")).content.decode()
    refused = client.post(url, {"status": "pending", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the status is being corrected" in refused.content.decode()
    mail.outbox.clear()
    done = client.post(url, {"status": "pending", "reason": "Recorded against the wrong APP."})
    assert done["Location"] == reverse("entry")
    dependency.refresh_from_db()
    assert (dependency.status, dependency.delivered_date) == (DependencyStatus.PENDING, None)
    assert dependency.history.first().history_change_reason == (
        "Status corrected: Recorded against the wrong APP."
    )
    impl_a.refresh_from_db()
    assert impl_a.state == ItemState.AWAITING_DEPENDENCY
    assert not mail.outbox
    assert login(cast.pcc_a).post(url, {"status": "delivered"}).status_code == 403
