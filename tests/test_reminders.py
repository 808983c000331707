"""Digests and the dependency workflow: fixed dates, the command run, the outbox read."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections import services
from inspections.models import (
    DependencyStatus,
    DigestDelivery,
    DigestFrequency,
    ForceImplementation,
    Status,
)

from .conftest import login, record
from .factories import DependencyFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2024, 7, 31)  # the recommendation fixture's


def run(date: str, *args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", date, *args, stdout=out)
    return out.getvalue()


def sent_to() -> dict[str, str]:
    return {message.to[0]: message.body for message in mail.outbox}


@pytest.fixture
def second_recommendation(recommendation):
    return RecommendationFactory(
        inspection=recommendation.inspection, number=3, deadline=datetime.date(2024, 8, 20)
    )


class TestDigest:
    def test_each_force_gets_its_own_items_once_a_day(
        self, cast, impl_a, impl_b, second_recommendation
    ):
        output = run("2024-08-01")
        assert sorted(sent_to()) == sorted(
            f"{u}@example.police.uk" for u in ("pcc_a", "lead_a", "pcc_b", "lead_b")
        )
        body = sent_to()["pcc_a@example.police.uk"]
        assert "Alphashire Police" in body
        assert "Betashire" not in body
        assert "BECAME OVERDUE since 31 July 2024 (1)" in body
        assert "Recommendation 2 (" in body
        assert "due 31 July 2024" in body
        assert "DUE IN THE NEXT" in body
        assert "Recommendation 3 (" in body
        assert "http://127.0.0.1:8000/reports/overdue/?force=alphashire-police" in body
        assert "Sent 4 digests" in output
        assert mail.outbox[0].subject.startswith("Alphashire Police: 1 newly overdue")

        mail.outbox.clear()
        output = run("2024-08-01")
        assert mail.outbox == []
        assert "4 already had today's digest" in output
        assert DigestDelivery.objects.count() == 4

    def test_overdue_is_reported_as_new_only_on_the_day_it_turns(self, cast, impl_a):
        run("2024-08-01")
        mail.outbox.clear()
        run("2024-08-02")
        assert all("BECAME OVERDUE" not in body for body in sent_to().values())

    def test_dry_run_sends_nothing_and_says_what_it_would(self, cast, impl_a):
        output = run("2024-08-01", "--dry-run")
        assert mail.outbox == []
        assert not DigestDelivery.objects.exists()
        assert "Would send to pcc_a@example.police.uk: Alphashire Police: 1 newly overdue" in output
        assert "Dry run: 4 digests would be sent." in output

    def test_preferences(self, cast, impl_a):
        cast.pcc_a.digest_frequency = DigestFrequency.NONE
        cast.pcc_a.save()
        cast.lead_a.digest_frequency = DigestFrequency.WEEKLY
        cast.lead_a.save()
        run("2024-08-01")  # a Thursday
        assert "pcc_a@example.police.uk" not in sent_to()
        assert "lead_a@example.police.uk" not in sent_to()
        assert "pcc_b@example.police.uk" in sent_to()
        mail.outbox.clear()
        run("2024-08-05")  # a Monday: the weekly digest covers the week
        assert "lead_a@example.police.uk" in sent_to()
        assert "BECAME OVERDUE since 29 July 2024" in sent_to()["lead_a@example.police.uk"]
        assert "pcc_a@example.police.uk" not in sent_to()

    def test_nothing_to_report_sends_nothing(self, cast, impl_a):
        output = run("2023-08-01")
        assert mail.outbox == []
        assert "4 had nothing to report" in output

    def test_what_changed_and_stale(self, cast, impl_a, settings):
        settings.TRACKER_TODAY = "2024-08-01"
        record(
            impl_a,
            cast.pcc_a,
            Status.IN_PROGRESS,
            as_of=datetime.date(2024, 8, 1),
            narrative="Training booked.",
        )
        services.set_target_date(
            implementation=impl_a,
            new_date=datetime.date(2024, 7, 1),
            reason="",
            changed_by=cast.pcc_a,
        )
        run("2024-08-01")
        body = sent_to()["lead_a@example.police.uk"]
        assert "WHAT CHANGED" in body
        assert "Recommendation 2: in progress, recorded by pcc_a" in body
        assert "target date changed to 1 July 2024 by pcc_a" in body
        assert "STALE" in body
        assert "target date 1 July 2024 has passed" in body
        page = login(cast.pcc_a).get(reverse("force", args=["alphashire-police"]))
        row = page.context["tables"][0].rows[0]
        assert row[4].value == "Yes"  # the Stale column
        assert page.context["counts"]["stale"] == 1

    def test_inactive_and_emailless_users_are_skipped(self, cast, impl_a):
        cast.pcc_a.is_active = False
        cast.pcc_a.save()
        cast.lead_a.email = ""
        cast.lead_a.save()
        run("2024-08-01")
        assert not {"pcc_a@example.police.uk", ""} & set(sent_to())

    def test_bad_date(self, cast):
        with pytest.raises(CommandError, match="--date must be a date"):
            call_command("send_reminders", "--date", "tomorrow")


DELIVERED = {"status": "delivered", "on_0": "1", "on_1": "6", "on_2": "2024", "confirmed": "True"}


class TestDependencyDelivered:
    @pytest.fixture
    def waiting(self, cast, recommendation, second_recommendation):
        app = DependencyFactory(key="app", title="Revised APP")
        rota = DependencyFactory(key="rota", title="Regional rota")
        app.recommendations.add(recommendation, second_recommendation)
        rota.recommendations.add(recommendation)
        impl = {
            (force, rec.number): ForceImplementation.objects.get(force=force, recommendation=rec)
            for force in (cast.force_a, cast.force_b)
            for rec in (recommendation, second_recommendation)
        }
        record(impl[(cast.force_a, 2)], cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[app])
        record(
            impl[(cast.force_b, 2)],
            cast.pcc_b,
            Status.AWAITING_DEPENDENCY,
            dependencies=[app, rota],
        )
        record(impl[(cast.force_b, 3)], cast.pcc_b, Status.AWAITING_DEPENDENCY, dependencies=[rota])
        record(impl[(cast.force_a, 3)], cast.pcc_a, Status.IN_PROGRESS)
        return app, rota, impl

    def test_exactly_those_waiting_only_on_it_move_and_exactly_their_forces_hear(
        self, cast, waiting, django_capture_on_commit_callbacks
    ):
        app, _rota, impl = waiting
        client = login(cast.admin)
        url = reverse("dependency-delivered", args=[app.key])
        assert client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {**DELIVERED, "url": "https://example.org/app"})
        assert response.status_code == 302
        app.refresh_from_db()
        assert (app.status, app.delivered_date) == ("delivered", datetime.date(2024, 6, 1))
        assert set(ForceImplementation.objects.needs_review()) == {impl[(cast.force_a, 2)]}
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert sorted(message.to) == ["lead_a@example.police.uk", "pcc_a@example.police.uk"]
        assert "Revised APP" in message.subject
        assert "Recommendation 2" in message.body
        assert "https://example.org/app" in message.body
        # It shows on the dashboard and the dependencies report at once.
        dashboard = login(cast.pcc_a).get(reverse("dashboard"))
        assert dashboard.context["counts"]["needs_review"] == 1
        report = login(cast.pcc_a).get(reverse("dependencies"))
        assert len(report.context["tables"][1].rows) == 1

    def test_withdrawn_works_the_same_way(self, cast, waiting, django_capture_on_commit_callbacks):
        app, rota, impl = waiting
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.close_dependency(
                dependency=rota,
                status=DependencyStatus.WITHDRAWN,
                on=datetime.date(2024, 6, 1),
                changed_by=cast.admin,
            )
        assert moved == [impl[(cast.force_b, 3)]]
        assert [sorted(m.to) for m in mail.outbox] == [
            ["lead_b@example.police.uk", "pcc_b@example.police.uk"]
        ]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.close_dependency(
                dependency=app,
                status=DependencyStatus.DELIVERED,
                on=datetime.date(2024, 7, 1),
                changed_by=cast.admin,
            )
        assert set(moved) == {impl[(cast.force_a, 2)], impl[(cast.force_b, 2)]}
        assert len(mail.outbox) == 2

    def test_a_mail_failure_keeps_the_delivery_and_the_notice_is_retried(
        self, cast, waiting, django_capture_on_commit_callbacks, monkeypatch
    ):
        from django.core.mail import EmailMessage

        from inspections.models import OutboundEmail

        app, _rota, _impl = waiting
        real_send = EmailMessage.send

        def refused(self, fail_silently=False):
            raise ConnectionRefusedError("mail server refused the connection")

        monkeypatch.setattr(EmailMessage, "send", refused)
        client = login(cast.admin)
        url = reverse("dependency-delivered", args=[app.key])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, DELIVERED, follow=True)
        assert response.status_code == 200
        app.refresh_from_db()
        assert app.status == DependencyStatus.DELIVERED  # saved, whatever the mail server did
        held = list(OutboundEmail.objects.unsent())
        assert len(held) == 1
        assert held[0].attempts == 1
        assert "ConnectionRefusedError" in held[0].last_error
        text = response.content.decode()
        assert "could not be sent" in text
        assert "pcc_a@example.police.uk" in text
        assert mail.outbox == []

        monkeypatch.setattr(EmailMessage, "send", real_send)
        out = io.StringIO()
        call_command("send_reminders", "--date", "2024-06-02", stdout=out)
        assert "Sent a held notice" in out.getvalue()
        notices = [m for m in mail.outbox if "items to review" in m.subject]
        assert len(notices) == 1
        assert "Revised APP" in notices[0].subject
        assert not OutboundEmail.objects.unsent().exists()
        mail.outbox.clear()
        call_command("send_reminders", "--date", "2024-06-02", stdout=io.StringIO())
        assert [m for m in mail.outbox if "items to review" in m.subject] == []

    def test_only_national_admins_record_delivery(self, cast, waiting):
        app, _rota, _impl = waiting
        url = reverse("dependency-delivered", args=[app.key])
        for user in (cast.pcc_a, cast.lead_b, cast.viewer):
            assert login(user).post(url, DELIVERED).status_code == 403
        app.refresh_from_db()
        assert app.status == "pending"
        assert mail.outbox == []

    def test_bad_input_changes_nothing(self, cast, waiting):
        app, _rota, _impl = waiting
        client = login(cast.admin)
        url = reverse("dependency-delivered", args=[app.key])
        bad = {"status": "finished", "on_0": "soon", "on_1": "", "on_2": "", "confirmed": "True"}
        response = client.post(url, bad)
        assert response.status_code == 400
        assert b"There is a problem" in response.content
        app.refresh_from_db()
        assert app.status == "pending"
        services.close_dependency(
            dependency=app,
            status=DependencyStatus.DELIVERED,
            on=datetime.date(2024, 6, 1),
            changed_by=cast.admin,
        )
        # Delivered work is not offered for delivery again (its status is corrected instead).
        assert client.post(url, {**DELIVERED, "status": "withdrawn"}).status_code == 404

    def test_status_is_not_edited_directly(self, cast, waiting):
        app, _rota, _impl = waiting
        url = reverse("admin:inspections_dependency_change", args=[app.pk])
        body = login(cast.admin).get(url).content.decode()
        assert 'name="status"' not in body
        assert "Record delivery or withdrawal" in body
