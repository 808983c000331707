"""The daily-work pages through their real forms: the item page, recording an update, changing
the target date, and signing off or returning from the queue. The browser tests drive the same
journeys in chromium; these check every rule and the database afterwards."""

import datetime

import lxml.html
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.models import ProgressUpdate, Status, TargetDateRevision

from .conftest import TODAY, grow, login, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def url(name, impl):
    rec = impl.recommendation
    return reverse(name, args=[impl.force.slug, rec.inspection.slug, rec.number])


def update_data(**fields):
    data = {
        "status": "in_progress",
        "as_of_0": "4",
        "as_of_1": "9",
        "as_of_2": "2023",
        "narrative": "The policy was revised.",
        "internal_note": "",
        **fields,
    }
    return data


class TestItemPage:
    def test_shows_everything_about_the_item(self, cast, impl_a, dependency):
        record(
            impl_a,
            cast.pcc_a,
            Status.AWAITING_DEPENDENCY,
            dependencies=[dependency],
            internal_note="Chase the College",
            evidence_files=[SimpleUploadedFile("minutes.pdf", b"%PDF minutes")],
        )
        services.set_target_date(
            implementation=impl_a,
            new_date=datetime.date(2025, 3, 31),
            reason="Planned with the force.",
            changed_by=cast.pcc_a,
        )
        page = login(cast.pcc_a).get(url("item", impl_a))
        text = page.content.decode()
        assert page.status_code == 200
        for expected in (
            impl_a.recommendation.text,
            "Awaiting dependency",
            "Revised APP",
            "Pending",
            "Chase the College",
            "minutes.pdf",
            "31 March 2025",
            "Record an update",
        ):
            assert expected in text, expected

    def test_internal_notes_are_not_shown_to_viewers(self, cast, impl_a):
        record(impl_a, cast.pcc_a, internal_note="Only for us")
        assert "Only for us" not in login(cast.viewer).get(url("item", impl_a)).content.decode()
        assert "Only for us" in login(cast.admin).get(url("item", impl_a)).content.decode()

    def test_another_forces_item_is_not_found(self, cast, impl_a):
        assert login(cast.pcc_b).get(url("item", impl_a)).status_code == 404
        assert login(cast.pcc_b).post(url("item-update", impl_a), update_data()).status_code == 404

    def test_unknown_items_are_not_found(self, cast, impl_a):
        client = login(cast.admin)
        for path in (
            f"/forces/{impl_a.force.slug}/firearms/99/",
            f"/forces/no-such-force/firearms/{impl_a.recommendation.number}/",
            f"/forces/{impl_a.force.slug}/no-such-inspection/2/",
        ):
            assert client.get(path).status_code == 404


class TestRecordUpdate:
    def test_records_with_files_and_a_note_and_returns_where_it_came_from(self, cast, impl_a):
        services.set_target_date(
            implementation=impl_a,
            new_date=datetime.date(2027, 3, 31),
            reason="Planned with the force.",
            changed_by=cast.pcc_a,
        )
        client = login(cast.pcc_a)
        form = client.get(url("item-update", impl_a) + "?next=/reports/overdue/")
        assert 'name="as_of_0"' in form.content.decode()
        response = client.post(
            url("item-update", impl_a),
            {
                **update_data(internal_note="Ask the lead to check"),
                "next": "/reports/overdue/",
                "evidence_files": [
                    SimpleUploadedFile("a.pdf", b"%PDF a"),
                    SimpleUploadedFile("b.docx", b"PK\x03\x04 b"),
                ],
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/reports/overdue/"
        update = ProgressUpdate.objects.get()
        assert update.status == Status.IN_PROGRESS
        assert update.as_of == datetime.date(2023, 9, 4)
        assert update.internal_note == "Ask the lead to check"
        assert sorted(update.files.values_list("name", flat=True)) == ["a.pdf", "b.docx"]
        impl_a.refresh_from_db()
        # Recording an update never touches the target date.
        assert impl_a.target_date == datetime.date(2027, 3, 31)
        assert TargetDateRevision.objects.count() == 1

    def test_a_foreign_next_is_ignored(self, cast, impl_a):
        response = login(cast.pcc_a).post(
            url("item-update", impl_a), {**update_data(), "next": "https://evil.example/"}
        )
        assert response["Location"] == url("item", impl_a)

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"as_of_1": ""}, "The date must include a month."),
            ({"as_of_0": "31", "as_of_1": "2"}, "The date must be a real date"),
            ({"as_of_2": "2031"}, "is in the future"),
            ({"narrative": ""}, "Say what has been done and what happens next"),
            ({"status": "awaiting_dependency"}, "Name at least one pending dependency"),
            ({"status": "not_applicable"}, "Say why this recommendation does not apply"),
            ({"status": "complete", "completion_evidence": "x"}, "Select a valid choice"),
            ({"narrative": "Bad\x0bchar"}, "control character U+000B"),
        ],
    )
    def test_every_rule_is_shown_and_nothing_is_written(self, cast, impl_a, fields, message):
        response = login(cast.pcc_a).post(url("item-update", impl_a), update_data(**fields))
        assert response.status_code == 200
        text = response.content.decode()
        assert message in text
        assert "govuk-error-summary" in text
        # Every link in the summary takes the focus to a field on the page (radios, checkboxes
        # and dates have no single id of their own: their first box).
        page = lxml.html.fromstring(text)
        targets = page.xpath("//div[contains(@class, 'govuk-error-summary')]//a/@href")
        assert targets
        for target in targets:
            assert target != "#"
            assert page.get_element_by_id(target[1:]) is not None, target
        assert not ProgressUpdate.objects.exists()

    def test_the_force_lead_may_choose_complete(self, cast, impl_a):
        response = login(cast.lead_a).post(
            url("item-update", impl_a),
            update_data(status="complete", completion_evidence="Audit report March 2024"),
        )
        assert response.status_code == 302
        assert ProgressUpdate.objects.get().status == Status.COMPLETE

    def test_viewers_cannot_record(self, cast, impl_a):
        assert login(cast.viewer).post(url("item-update", impl_a), update_data()).status_code == 403
        assert not ProgressUpdate.objects.exists()


class TestTargetDate:
    def test_set_then_change_with_a_reason(self, cast, impl_a):
        client = login(cast.pcc_a)
        # A first date before the item falls due (31 July 2024) needs no reason.
        data = {"new_date_0": "31", "new_date_1": "3", "new_date_2": "2024", "reason": ""}
        assert client.post(url("item-target-date", impl_a), data).status_code == 302
        data = {"new_date_0": "30", "new_date_1": "6", "new_date_2": "2025", "reason": ""}
        response = client.post(url("item-target-date", impl_a), data)
        assert "Say why the target date is changing from 31 March 2024" in (
            response.content.decode()
        )
        data["reason"] = "Training places moved"
        assert client.post(url("item-target-date", impl_a), data).status_code == 302
        impl_a.refresh_from_db()
        assert impl_a.target_date == datetime.date(2025, 6, 30)
        assert list(
            TargetDateRevision.objects.order_by("id").values_list("previous_date", "reason")
        ) == [(None, ""), (datetime.date(2024, 3, 31), "Training places moved")]


class TestSignOff:
    @pytest.fixture
    def implemented(self, cast, impl_a):
        record(impl_a, cast.pcc_a, Status.IMPLEMENTED, narrative="All officers trained.")
        return impl_a

    def test_the_queue_shows_what_the_pcc_wrote(self, cast, implemented):
        text = login(cast.lead_a).get(reverse("sign-off")).content.decode()
        assert "All officers trained." in text
        assert "Sign off or return" in text
        assert (
            "All officers trained."
            not in login(cast.lead_b).get(reverse("sign-off")).content.decode()
        )

    def test_sign_off_needs_evidence_then_completes(
        self, cast, implemented, django_capture_on_commit_callbacks
    ):
        client = login(cast.lead_a)
        response = client.post(url("item-review", implemented), {"decision": "sign_off"})
        assert "Describe the evidence" in response.content.decode()
        decision = {"decision": "sign_off", "evidence_note": "Training records seen"}
        # Signing off is final, so it is checked first: nothing changes yet.
        response = client.post(url("item-review", implemented), decision)
        assert response.status_code == 200
        assert "Check before you sign off" in response.content.decode()
        implemented.refresh_from_db()
        assert implemented.status == Status.IMPLEMENTED
        assert not mail.outbox
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("item-review", implemented), {**decision, "confirmed": "True"}
            )
        assert response.status_code == 302
        implemented.refresh_from_db()
        assert implemented.status == Status.COMPLETE
        latest = ProgressUpdate.objects.latest("id")
        assert latest.narrative == "All officers trained."  # the letter keeps the PCC's words
        assert latest.evidence_note == "Training records seen"
        assert [m.to for m in mail.outbox] == [["pcc_a@example.police.uk"]]
        assert "signed off" in mail.outbox[0].subject

    def test_return_emails_pcc_staff_with_the_comment(
        self, cast, implemented, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(cast.lead_a).post(
                url("item-review", implemented),
                {"decision": "return", "comment": "Attach the training records"},
            )
        assert response.status_code == 302
        implemented.refresh_from_db()
        assert implemented.status == Status.IN_PROGRESS
        assert "Attach the training records" in ProgressUpdate.objects.latest("id").internal_note
        assert len(mail.outbox) == 1
        assert "Attach the training records" in mail.outbox[0].body
        assert url("item", implemented) in mail.outbox[0].body

    def test_only_the_forces_lead_decides(self, cast, implemented):
        data = {"decision": "sign_off", "evidence_note": "x", "confirmed": "True"}
        assert login(cast.pcc_a).post(url("item-review", implemented), data).status_code == 403
        assert login(cast.lead_b).post(url("item-review", implemented), data).status_code == 404
        assert login(cast.admin).post(url("item-review", implemented), data).status_code == 403
        implemented.refresh_from_db()
        assert implemented.status == Status.IMPLEMENTED


def test_query_counts_do_not_grow_with_data(cast, recommendation, impl_a):
    """The item's pages, the sign-off list and the several-updates form, counted on the same
    data before and after it grows (grown once: that is most of the test's time)."""
    paths = {
        "item": url("item", impl_a),
        "item-update": url("item-update", impl_a),
        "item-target-date": url("item-target-date", impl_a),
        "sign-off": reverse("sign-off"),
        "several-updates": reverse("several-updates", args=[cast.force_a.slug, "firearms"]),
    }

    def counts() -> dict[str, int]:
        client = login(cast.lead_a)
        found = {}
        for page, path in paths.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, page
            found[page] = len(queries)
        return found

    record(
        impl_a,
        cast.pcc_a,
        Status.IMPLEMENTED,
        evidence_files=[SimpleUploadedFile("a.pdf", b"%PDF a")],
    )
    small = counts()
    grow(cast, recommendation, forces=3, recommendations=4)
    for day in range(2, 8):
        record(
            impl_a,
            cast.pcc_a,
            Status.IMPLEMENTED,
            as_of=datetime.date(2024, 1, day),
            evidence_files=[SimpleUploadedFile(f"f{day}.pdf", b"%PDF a")],
        )
    assert counts() == small


class TestSeveralUpdates:
    @pytest.fixture
    def items(self, cast, recommendation):
        from .factories import RecommendationFactory

        third = RecommendationFactory(inspection=recommendation.inspection, number=3)
        return [rec.implementations.get(force=cast.force_a) for rec in (recommendation, third)]

    def path(self, cast):
        return reverse("several-updates", args=[cast.force_a.slug, "firearms"])

    def test_all_saved_together(self, cast, items):
        first, second = items
        response = login(cast.pcc_a).post(
            self.path(cast),
            {
                f"status_{first.pk}": "in_progress",
                f"narrative_{first.pk}": "Rota drafted.",
                f"status_{second.pk}": "implemented",
                f"narrative_{second.pk}": "Tracking in use.",
            },
        )
        assert response.status_code == 302
        assert sorted(ProgressUpdate.objects.values_list("status", flat=True)) == [
            "implemented",
            "in_progress",
        ]

    def test_one_bad_row_saves_nothing_and_is_shown_beside_its_item(self, cast, items):
        first, second = items
        response = login(cast.pcc_a).post(
            self.path(cast),
            {
                f"status_{first.pk}": "in_progress",
                f"narrative_{first.pk}": "Rota drafted.",
                f"status_{second.pk}": "implemented",
                f"narrative_{second.pk}": "",
            },
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "Recommendation 3: Write the narrative" in text
        assert not ProgressUpdate.objects.exists()

    def test_nothing_chosen_is_a_message(self, cast, items):
        response = login(cast.pcc_a).post(self.path(cast), {})
        assert "Choose a new status for at least one item" in response.content.decode()

    def test_other_forces_and_viewers_cannot(self, cast, items):
        first, _ = items
        data = {f"status_{first.pk}": "in_progress", f"narrative_{first.pk}": "x"}
        assert login(cast.pcc_b).post(self.path(cast), data).status_code == 404
        assert login(cast.viewer).post(self.path(cast), data).status_code == 403
        assert not ProgressUpdate.objects.exists()


class TestLeadOfficer:
    def test_named_changed_and_cleared_on_the_item(self, cast, impl_a):
        client = login(cast.lead_a)
        page = client.get(url("item", impl_a)).content.decode()
        assert url("item-lead-officer", impl_a) in page
        form = client.get(url("item-lead-officer", impl_a)).context["form"]
        version = form.initial["version"]
        done = client.post(
            url("item-lead-officer", impl_a),
            {"lead_officer": "  Supt Jane Smith ", "version": version},
        )
        assert done["Location"] == url("item", impl_a)
        impl_a.refresh_from_db()
        assert impl_a.lead_officer == "Supt Jane Smith"
        # A copy of the form opened before that save is refused, not saved over it.
        stale = client.post(
            url("item-lead-officer", impl_a), {"lead_officer": "Ch Insp Old", "version": version}
        )
        assert stale.status_code == 400
        impl_a.refresh_from_db()
        assert impl_a.lead_officer == "Supt Jane Smith"
        cleared = client.post(
            url("item-lead-officer", impl_a), {"lead_officer": "", "version": impl_a.version}
        )
        assert cleared.status_code == 302
        impl_a.refresh_from_db()
        assert impl_a.lead_officer == ""

    def test_bad_input_and_other_forces_change_nothing(self, cast, impl_a):
        client = login(cast.pcc_a)
        response = client.post(
            url("item-lead-officer", impl_a),
            {"lead_officer": "Supt\x0bSmith", "version": impl_a.version},
        )
        assert response.status_code == 400
        assert "control character" in response.content.decode()
        too_long = client.post(
            url("item-lead-officer", impl_a), {"lead_officer": "x" * 500, "version": impl_a.version}
        )
        assert too_long.status_code == 400
        for user in (cast.pcc_b, cast.viewer):
            login(user).post(
                url("item-lead-officer", impl_a), {"lead_officer": "X", "version": impl_a.version}
            )
        impl_a.refresh_from_db()
        assert impl_a.lead_officer == ""


def test_the_force_page_lists_its_latest_reports_and_sends_older_ones_to_their_findings(
    cast, home_secretary
):
    """Both sides of the limit: a force with as many reports as the page lists sees them all;
    with one more, the latest ones and how many there are, and the oldest report's items can
    still be updated together from any of its findings' pages."""
    from inspections.models import ForceImplementation
    from inspections.reports.force import LISTED

    from .factories import InspectionFactory, RecommendationFactory

    def report_on(day: int):
        report = InspectionFactory(
            published=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            forces=[cast.force_a],
        )
        RecommendationFactory(inspection=report, number=1)
        services.save_inspection(inspection=report)
        record(
            ForceImplementation.objects.get(recommendation__inspection=report),
            cast.pcc_a,
            as_of=datetime.date(2026, 1, 1),
        )
        return report

    reports = [report_on(day) for day in range(1, LISTED + 1)]
    client = login(cast.pcc_a)
    force_page = reverse("force", args=[cast.force_a.slug])
    response = client.get(force_page)
    assert response.context["update_inspections"] == reports[::-1]
    assert "These are the latest" not in response.content.decode()

    oldest = report_on(0)
    several = reverse("several-updates", args=[cast.force_a.slug, oldest.slug])
    response = client.get(force_page)
    assert response.context["update_inspections"] == reports[::-1]
    page = response.content.decode()
    assert f"These are the latest {LISTED} of the force's {LISTED + 1} reports" in page
    assert several not in page
    item = ForceImplementation.objects.get(force=cast.force_a, recommendation__inspection=oldest)
    address = reverse("item", args=[cast.force_a.slug, oldest.slug, item.recommendation.ref])
    assert several in client.get(address).content.decode()
    # Who may not record for the force is not offered it.
    assert several not in login(cast.viewer).get(address).content.decode()

    # Its letters likewise: the latest, and every one a link away.
    from inspections.letters import services as letter_services

    for report in [oldest, *reports]:
        letter_services.draft_letter(force=cast.force_a, inspection=report, author=cast.pcc_a)
    response = client.get(force_page)
    assert len(response.context["letters"]) == LISTED
    assert (
        f'The latest {LISTED} of {LISTED + 1}: <a class="govuk-link" '
        f'href="{reverse("letters")}">every letter</a>'
    ) in response.content.decode()
