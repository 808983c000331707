"""The 56-day clock: when a report is added each force's PCC staff hear the date their s.55
response is due; the digest reminds them 28 and 7 days before and once when it is late, unless
a response was sent (issued here or recorded as sent elsewhere)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from inspections import services
from inspections.letters import services as letter_services
from inspections.models import Inspection, OutboundEmail, Role

from .conftest import login
from .factories import InspectionFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.date(2026, 3, 2)
DUE = datetime.date(2026, 4, 26)  # 56 days counting publication day


def digest_bodies(day: datetime.date) -> dict[str, str]:
    mail.outbox.clear()
    call_command("send_reminders", "--date", day.isoformat(), stdout=io.StringIO())
    return {message.to[0]: message.body for message in mail.outbox}


def test_publishing_a_report_tells_each_force_its_date(cast, django_capture_on_commit_callbacks):
    UserFactory(username="pcc_a2", role=Role.PCC_STAFF, force=cast.force_a)
    client = login(cast.admin)
    entered = client.post(
        reverse("report-new"),
        {
            "title": "An inspection of armed policing",
            "published_0": "2",
            "published_1": "3",
            "published_2": "2026",
            "addressed_to": "every_force",
            "finding-TOTAL_FORMS": "1",
            "finding-INITIAL_FORMS": "0",
            "finding-0-kind": "recommendation",
            "finding-0-number": "1",
            "finding-0-scope": "local",
            "finding-0-addressee": "chief_constables",
            "finding-0-deadline_kind": "none",
            "finding-0-text": "Forces should review armed policing.",
        },
    )
    assert entered.status_code == 302, entered.context["form"].errors
    # Entered is not published: nobody is told until the check page's button is pressed.
    assert not OutboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(entered["Location"])
    assert response.status_code == 302, response.content.decode()[:2000]
    queued = OutboundEmail.objects.order_by("subject")
    assert [(e.subject, e.recipients) for e in queued] == [
        (
            "Alphashire Police: s.55 response to An inspection of armed policing due by "
            "26 April 2026",
            ["pcc_a2@example.police.uk", "pcc_a@example.police.uk"],
        ),
        (
            "Betashire Police: s.55 response to An inspection of armed policing due by "
            "26 April 2026",
            ["pcc_b@example.police.uk"],
        ),
    ]
    assert all(e.sent_at is not None for e in queued)
    body = next(m.body for m in mail.outbox if "pcc_b@example.police.uk" in m.to)
    assert "within 56 days: by 26 April 2026" in body
    # Moving the publication date tells them again; saving it unchanged does not.
    inspection = Inspection.objects.get(title="An inspection of armed policing")
    services.save_inspection(inspection=inspection)
    assert OutboundEmail.objects.count() == 2
    inspection.published = datetime.date(2026, 3, 9)
    services.save_inspection(inspection=inspection)
    assert OutboundEmail.objects.count() == 4


def test_digest_reminds_at_28_and_7_days_and_when_late(cast):
    InspectionFactory(title="An inspection of armed policing", published=PUBLISHED)
    quiet = [DUE - datetime.timedelta(days=n) for n in (29, 27, 8, 6, 0)]
    quiet.append(DUE + datetime.timedelta(days=2))
    for day in quiet:
        assert "S.55 RESPONSE" not in digest_bodies(day).get("pcc_a@example.police.uk", "")
    body = digest_bodies(DUE - datetime.timedelta(days=28))["pcc_a@example.police.uk"]
    assert "S.55 RESPONSE TO THE HOME SECRETARY (1)" in body
    assert "An inspection of armed policing: due by 26 April 2026, in 28 days" in body
    body = digest_bodies(DUE - datetime.timedelta(days=7))["lead_b@example.police.uk"]
    assert "due by 26 April 2026, in 7 days" in body
    late = digest_bodies(DUE + datetime.timedelta(days=1))
    assert "not yet sent: it was due by 26 April 2026" in late["pcc_a@example.police.uk"]
    assert mail.outbox[0].subject.startswith(("Alphashire Police: s.55 response late", "Beta"))


def test_a_force_that_has_responded_is_not_reminded(cast):
    inspection = InspectionFactory(published=PUBLISHED)
    letter_services.record_letter_sent_elsewhere(
        force=cast.force_a,
        inspection=inspection,
        sent_on=PUBLISHED + datetime.timedelta(days=10),
        file=SimpleUploadedFile("signed.pdf", b"%PDF"),
        author=cast.pcc_a,
        today=PUBLISHED + datetime.timedelta(days=10),
    )
    bodies = digest_bodies(DUE - datetime.timedelta(days=7))
    assert "S.55 RESPONSE" not in bodies.get("pcc_a@example.police.uk", "")
    assert "S.55 RESPONSE" in bodies["pcc_b@example.police.uk"]
