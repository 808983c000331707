"""Local actions, extension requests and the inspectorate's closures, through their pages: who
may do what, the rules each write keeps, and what the database holds afterwards."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import (
    ActionStatus,
    ClosureAction,
    ExtensionRequest,
    ExtensionState,
    ForceImplementation,
    InspectorateClosure,
    LocalAction,
    Role,
    TargetDateRevision,
)

from .conftest import TODAY, login, record
from .downloads import csv_rows
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, impl: ForceImplementation, *extra) -> str:
    rec = impl.recommendation
    return reverse(name, args=[impl.force.slug, rec.inspection.slug, rec.ref, *extra])


def date_fields(name: str, value: datetime.date) -> dict[str, str]:
    parts = (value.day, value.month, value.year)
    return {f"{name}_{n}": str(part) for n, part in enumerate(parts)}


def body(response) -> str:
    return html.unescape(response.content.decode())


class TestLocalActions:
    def test_pcc_staff_break_a_finding_into_actions(self, cast, impl_a):
        client = login(cast.pcc_a)
        response = client.post(
            url("action-new", impl_a),
            {
                "description": "Write the new armoury audit procedure",
                "owner": "Supt Jane Smith",
                **date_fields("due_date", datetime.date(2027, 1, 31)),
                "status": ActionStatus.IN_PROGRESS,
            },
        )
        assert response.status_code == 302
        action = LocalAction.objects.get()
        assert (action.implementation, action.owner, action.due_date, action.created_by) == (
            impl_a,
            "Supt Jane Smith",
            datetime.date(2027, 1, 31),
            cast.pcc_a,
        )
        page = body(client.get(url("item", impl_a)))
        assert "0 of 1 actions closed" in page
        assert "Write the new armoury audit procedure" in page

    def test_an_allocated_action_needs_an_owner(self, cast, impl_a):
        response = login(cast.lead_a).post(
            url("action-new", impl_a),
            {"description": "Train commanders", "owner": "", "status": ActionStatus.IN_PROGRESS},
        )
        assert response.status_code == 400
        assert "Give the owner" in body(response)
        assert not LocalAction.objects.exists()

    def test_a_concurrent_edit_is_refused(self, cast, impl_a):
        client = login(cast.pcc_a)
        client.post(
            url("action-new", impl_a),
            {"description": "Train commanders", "status": ActionStatus.AWAITING_ALLOCATION},
        )
        action = LocalAction.objects.get()
        edit = url("action-edit", impl_a, action.uuid)
        first = {"description": "Train commanders", "owner": "A", "status": "in_progress"}
        assert client.post(edit, {**first, "version": 1}).status_code == 302
        second = login(cast.lead_a).post(edit, {**first, "owner": "B", "version": 1})
        assert second.status_code == 409
        assert "Someone else changed this action" in body(second)
        action.refresh_from_db()
        assert (action.owner, action.version) == ("A", 2)

    @pytest.mark.parametrize("who", ["pcc_b", "lead_b", "viewer"])
    def test_others_cannot_add_actions(self, cast, impl_a, who):
        response = login(cast.by_role()[who]).post(
            url("action-new", impl_a),
            {"description": "x", "status": ActionStatus.AWAITING_ALLOCATION},
        )
        assert response.status_code in (403, 404)
        assert not LocalAction.objects.exists()

    def test_the_report_lists_filters_and_exports_actions(self, cast, impl_a):
        client = login(cast.pcc_a)
        for description, due in (("Late one", TODAY - datetime.timedelta(days=3)), ("Later", None)):
            client.post(
                url("action-new", impl_a),
                {
                    "description": description,
                    "owner": "Owner",
                    "status": ActionStatus.IN_PROGRESS,
                    **(date_fields("due_date", due) if due else {}),
                },
            )
        page = client.get(reverse("actions") + "?overdue=on")
        assert page.status_code == 200
        assert [row[3].value for row in page.context["tables"][0].rows] == ["Late one"]
        rows = csv_rows(client.get(reverse("actions") + "?format=csv"))
        assert rows[0][:4] == ["Force", "Inspection", "Finding", "Action"]
        assert {row[3] for row in rows[1:]} == {"Late one", "Later"}
        other = csv_rows(login(cast.pcc_b).get(reverse("actions") + "?format=csv"))
        assert other[1:] == []


class TestExtensions:
    def ask(self, client, impl, when=datetime.date(2027, 6, 30), reason="Waiting on new APP."):
        return client.post(
            url("extension-new", impl), {**date_fields("requested_date", when), "reason": reason}
        )

    def test_a_force_asks_and_the_office_approves_after_a_check(self, cast, impl_a):
        assert self.ask(login(cast.lead_a), impl_a).status_code == 302
        request = ExtensionRequest.objects.get()
        assert request.due_before == datetime.date(2024, 7, 31)
        assert request.state == ExtensionState.PENDING
        pending = login(cast.pcc_a).get(reverse("extensions"))
        assert "Waiting on new APP." in body(pending)
        decide = reverse("extension-decide", args=[request.uuid])
        check = login(cast.pcc_a).post(decide, {"decision": "approve", "note": "Committee, 1 Dec"})
        assert check.status_code == 200
        assert "Check the decision" in body(check)
        request.refresh_from_db()
        assert request.state == ExtensionState.PENDING  # nothing written before the check
        done = login(cast.pcc_a).post(
            decide, {"decision": "approve", "note": "Committee, 1 Dec", "confirmed": "True"}
        )
        assert done.status_code == 302
        request.refresh_from_db()
        impl_a.refresh_from_db()
        assert (request.state, request.decided_by) == (ExtensionState.APPROVED, cast.pcc_a)
        assert impl_a.due_date == datetime.date(2027, 6, 30)
        assert impl_a.target_date == datetime.date(2027, 6, 30)
        assert impl_a.recommendation.deadline == datetime.date(2024, 7, 31)  # never lost
        assert TargetDateRevision.objects.get(implementation=impl_a).reason.startswith(
            "Extension approved"
        )
        assert not ForceImplementation.objects.overdue(TODAY).filter(pk=impl_a.pk).exists()

    def test_refusing_needs_a_reason_and_changes_no_date(self, cast, impl_a):
        self.ask(login(cast.lead_a), impl_a)
        request = ExtensionRequest.objects.get()
        decide = reverse("extension-decide", args=[request.uuid])
        response = login(cast.pcc_a).post(decide, {"decision": "refuse", "note": ""})
        assert response.status_code == 400
        assert "Say why the request is refused" in body(response)
        login(cast.pcc_a).post(
            decide, {"decision": "refuse", "note": "Not yet.", "confirmed": "True"}
        )
        request.refresh_from_db()
        impl_a.refresh_from_db()
        assert request.state == ExtensionState.REFUSED
        assert impl_a.due_date == datetime.date(2024, 7, 31)

    def test_nobody_decides_their_own_request(self, cast, impl_a):
        self.ask(login(cast.pcc_a), impl_a)
        request = ExtensionRequest.objects.get()
        decide = reverse("extension-decide", args=[request.uuid])
        payload = {"decision": "approve", "note": "", "confirmed": "True"}
        assert login(cast.pcc_a).post(decide, payload).status_code == 403
        for who in (cast.lead_a, cast.pcc_b, cast.admin, cast.viewer):
            assert login(who).post(decide, payload).status_code in (403, 404)
        request.refresh_from_db()
        assert request.is_pending
        colleague = UserFactory(username="pcc_a2", role=Role.PCC_STAFF, force=cast.force_a)
        assert login(colleague).post(decide, payload).status_code == 302

    def test_the_date_must_be_after_the_deadline_and_one_request_at_a_time(self, cast, impl_a):
        response = self.ask(login(cast.lead_a), impl_a, when=datetime.date(2024, 6, 30))
        assert response.status_code == 400
        assert "must be after the current deadline, 31 July 2024" in body(response)
        self.ask(login(cast.lead_a), impl_a)
        again = self.ask(login(cast.pcc_a), impl_a, when=datetime.date(2028, 1, 1))
        assert again.status_code == 400
        assert "already has a request awaiting decision" in body(again)
        assert ExtensionRequest.objects.count() == 1

    def test_an_approved_extension_survives_a_deadline_change(self, cast, impl_a, recommendation):
        from inspections import services

        self.ask(login(cast.lead_a), impl_a)
        request = ExtensionRequest.objects.get()
        colleague = UserFactory(username="pcc_a2", role=Role.PCC_STAFF, force=cast.force_a)
        login(colleague).post(
            reverse("extension-decide", args=[request.uuid]),
            {"decision": "approve", "note": "", "confirmed": "True"},
        )
        recommendation.deadline = datetime.date(2025, 1, 31)
        services.save_recommendation(recommendation=recommendation)
        impl_a.refresh_from_db()
        assert impl_a.due_date == datetime.date(2027, 6, 30)
        other = ForceImplementation.objects.get(force=cast.force_b, recommendation=recommendation)
        assert other.due_date == datetime.date(2025, 1, 31)


class TestInspectorateClosure:
    def test_the_office_records_closure_and_reopening_with_the_letter(self, cast, impl_a):
        record(impl_a, cast.pcc_a, status="implemented", evidence_note="")
        client = login(cast.pcc_a)
        letter = SimpleUploadedFile("revisit.pdf", b"%PDF-1.4 letter", "application/pdf")
        response = client.post(
            url("closure-new", impl_a),
            {
                "action": ClosureAction.CLOSED,
                **date_fields("on", datetime.date(2026, 5, 3)),
                "letter": letter,
                "note": "Revisit found the audit in place.",
            },
        )
        assert response.status_code == 302, body(response)[:2000]
        closure = InspectorateClosure.objects.get()
        assert closure.letter_name == "revisit.pdf"
        page = body(client.get(url("item", impl_a)))
        assert "Closed by HMICFRS on 3 May 2026" in page
        download = client.get(url("closure-letter", impl_a, closure.uuid))
        assert b"".join(download.streaming_content) == b"%PDF-1.4 letter"
        assert login(cast.pcc_b).get(url("closure-letter", impl_a, closure.uuid)).status_code == 404
        again = client.post(
            url("closure-new", impl_a),
            {
                "action": ClosureAction.CLOSED,
                **date_fields("on", datetime.date(2026, 6, 3)),
                "url": "https://hmicfrs.example/letter",
            },
        )
        assert again.status_code == 400
        assert "already closed" in body(again)
        reopened = client.post(
            url("closure-new", impl_a),
            {
                "action": ClosureAction.REOPENED,
                **date_fields("on", datetime.date(2026, 6, 3)),
                "url": "https://hmicfrs.example/letter",
            },
        )
        assert reopened.status_code == 302
        assert "Reopened by HMICFRS on 3 June 2026" in body(client.get(url("item", impl_a)))

    def test_evidence_is_required_and_force_leads_cannot_record(self, cast, impl_a):
        data = {"action": ClosureAction.CLOSED, **date_fields("on", datetime.date(2026, 5, 3))}
        response = login(cast.pcc_a).post(url("closure-new", impl_a), data)
        assert response.status_code == 400
        assert "Attach the inspectorate's letter or give the address" in body(response)
        lead = login(cast.lead_a)
        assert (
            lead.post(url("closure-new", impl_a), {**data, "url": "https://x.example"}).status_code
            == 403
        )
        assert not InspectorateClosure.objects.exists()


def test_approving_a_request_with_the_longest_reason(cast, impl_a):
    from inspections.followup import services as followup
    from inspections.text import REASON_MAX

    request = followup.request_extension(
        implementation=impl_a,
        by=cast.lead_a,
        requested_date=datetime.date(2027, 6, 30),
        reason="x" * REASON_MAX,
    )
    followup.decide_extension(request=request, by=cast.pcc_a, approve=True, note="")
    revision = TargetDateRevision.objects.get(implementation=impl_a)
    assert len(revision.reason) == REASON_MAX
    assert revision.reason.startswith("Extension approved on")


def test_a_change_without_its_version_is_refused(cast, impl_a):
    from inspections.followup import services as followup

    action = followup.save_local_action(
        implementation=impl_a,
        by=cast.pcc_a,
        description="Train commanders",
        owner="",
        due_date=None,
        status=ActionStatus.AWAITING_ALLOCATION,
    )
    response = login(cast.pcc_a).post(
        url("action-edit", impl_a, action.uuid),
        {"description": "Changed", "owner": "A", "status": ActionStatus.IN_PROGRESS},
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.description == "Train commanders"


def test_the_extension_report_keeps_awaiting_decision_across_its_pages(cast, impl_a, impl_b):
    from inspections.followup import services as followup

    followup.request_extension(
        implementation=impl_a, by=cast.lead_a, requested_date=datetime.date(2027, 6, 30), reason="A"
    )
    refused = followup.request_extension(
        implementation=impl_b, by=cast.lead_b, requested_date=datetime.date(2027, 6, 30), reason="B"
    )
    followup.decide_extension(request=refused, by=cast.pcc_b, approve=False, note="No.")
    viewer = login(cast.viewer)

    def reasons(query: str) -> list[str]:
        table = viewer.get(reverse("extensions") + query).context["tables"][0]
        return [row[4].value for row in table.rows]

    assert reasons("") == ["A"]
    assert reasons("?page=1") == ["A"]
    assert reasons("?state=") == ["A", "B"]
    assert reasons("?state=refused") == ["B"]


def test_the_actions_report_counts_from_kept_tallies_that_stay_in_step(cast, impl_a, impl_b):
    """Unfiltered, the report's counts by status are the forces' kept tallies; every add and
    every change of status through the service keeps them equal to a count of the actions,
    for every force and for one, and a filtered report counts its own rows."""
    from inspections.followup import services as followup
    from inspections.models import ActionStatus, ActionTally, LocalAction

    def save(item, by, status, action=None):
        return followup.save_local_action(
            implementation=item,
            by=by,
            description="Audit the armoury",
            owner="" if status == ActionStatus.AWAITING_ALLOCATION else "Insp Jones",
            due_date=TODAY,
            status=status,
            action=action,
        )

    first = save(impl_a, cast.pcc_a, ActionStatus.AWAITING_ALLOCATION)
    save(impl_a, cast.pcc_a, ActionStatus.IN_PROGRESS)
    save(impl_b, cast.pcc_b, ActionStatus.IN_PROGRESS)
    save(impl_a, cast.pcc_a, ActionStatus.CLOSED, action=first)

    def counted(force=None):
        rows = LocalAction.objects.filter(**({"force": force} if force else {}))
        return {
            ActionStatus(s).label: n for s in ActionStatus if (n := rows.filter(status=s).count())
        }

    assert sum(t.items for t in ActionTally.objects.all()) == LocalAction.objects.count() == 3
    national = login(cast.admin).get(reverse("actions")).context["counts"]
    assert national == counted() == {"In progress": 2, "Closed": 1}
    own = login(cast.pcc_a).get(reverse("actions")).context["counts"]
    assert own == counted(cast.force_a) == {"In progress": 1, "Closed": 1}
    filtered = login(cast.admin).get(reverse("actions"), {"status": "open"}).context["counts"]
    assert filtered == {"In progress": 2}
