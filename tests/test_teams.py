"""Notices in Microsoft Teams, against a local HTTP server standing in for a Teams Workflows
webhook: the office sets its channel, sends a test card, sees a failure and retries it; items
returned, dependencies delivered, s.55 reminders and the daily digest reach it as Adaptive Cards
that validate against the schema of the elements used; nothing else on the network is posted to."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest
from django.urls import reverse

from inspections import reminders, services, teams
from inspections.models import OutboundPost, Status, TeamsChannel
from inspections.services import people as people_services

from .conftest import TODAY, login, record

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(teams.SCHEMA.read_text())


class Webhook:
    """A stand-in for a Teams Workflows webhook: keeps what is posted; can be told to fail."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.fail_with = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                return

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                if hook.fail_with:
                    self.send_response(hook.fail_with)
                    self.end_headers()
                    return
                hook.received.append(body)
                self.send_response(202)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/workflows/abc/triggers/manual"
        # A short poll: shutdown() waits for the loop's next turn (half a second by default).
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()

    def cards(self) -> list[dict]:
        cards = []
        for message in self.received:
            assert message["type"] == "message"
            (attachment,) = message["attachments"]
            assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
            jsonschema.validate(attachment["content"], SCHEMA)
            cards.append(attachment["content"])
        return cards


@pytest.fixture
def webhook(settings):
    settings.TRACKER_TEAMS_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.TRACKER_TEAMS_HTTPS_ONLY = False
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def titles(hook: Webhook) -> list[str]:
    return [card["body"][0]["text"] for card in hook.cards()]


def test_the_office_sets_its_channel_and_sends_a_test_card(cast, webhook, settings):
    office = login(cast.office_a)
    page = reverse("teams-channel")
    for bad, message in (
        ("http://10.0.0.5/hook", "not a Teams Workflows address"),
        ("ftp://127.0.0.1/x", "must start with https://"),
    ):
        response = office.post(page, {"action": "save", "webhook_url": bad})
        assert message in response.content.decode()
    assert not TeamsChannel.objects.exists()
    office.post(page, {"action": "save", "webhook_url": webhook.url})
    assert TeamsChannel.objects.get().force == cast.force_a
    office.post(page, {"action": "test"})
    assert titles(webhook) == ["Alphashire Police: the tracker can post here"]
    # Teams down: the card is kept, the failure shown, and a retry posts it.
    webhook.fail_with = 500
    office.post(page, {"action": "test"})
    failed = OutboundPost.objects.get(sent_at__isnull=True)
    assert "Teams answered 500" in failed.last_error
    assert "Not posted" in office.get(page).content.decode()
    webhook.fail_with = 0
    office.post(page, {"action": "retry"})
    failed.refresh_from_db()
    assert failed.sent_at is not None
    assert len(webhook.received) == 2
    settings.TRACKER_TEAMS_HTTPS_ONLY = True
    assert (
        "https://"
        in office.post(page, {"action": "save", "webhook_url": webhook.url}).content.decode()
    )


def test_only_the_offices_administrators_set_it(cast, webhook):
    assert login(cast.pcc_a).get(reverse("teams-channel")).status_code == 403
    assert (
        login(cast.scrutiny_a)
        .post(reverse("teams-channel"), {"action": "save", "webhook_url": webhook.url})
        .status_code
        == 403
    )
    admin = login(cast.admin)
    assert admin.get(reverse("teams-channel")).status_code == 404
    admin.post(
        reverse("teams-channel") + f"?force={cast.force_b.slug}",
        {"action": "save", "webhook_url": webhook.url},
    )
    assert TeamsChannel.objects.get().force == cast.force_b


def test_notices_reach_the_channel_through_the_outbox(
    cast, webhook, impl_a, dependency, django_capture_on_commit_callbacks, settings
):
    settings.TRACKER_TODAY = TODAY.isoformat()
    people_services.set_teams_channel(by=cast.office_a, force=cast.force_a, webhook_url=webhook.url)
    with django_capture_on_commit_callbacks(execute=True):
        record(impl_a, cast.pcc_a, Status.IMPLEMENTED, as_of=TODAY)
        services.review_implementation(
            implementation=impl_a, reviewer=cast.lead_a, sign_off=False, note="Add evidence."
        )
    assert any("returned to PCC staff" in title for title in titles(webhook))
    with django_capture_on_commit_callbacks(execute=True):
        record(
            impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, as_of=TODAY, dependencies=[dependency]
        )
        services.close_dependency(
            dependency=dependency, status="delivered", on=TODAY, changed_by=cast.admin
        )
    assert any("Revised APP is delivered" in title for title in titles(webhook))
    # Force B has no channel: nothing of its is posted anywhere.
    assert not OutboundPost.objects.filter(force=cast.force_b).exists()


def test_the_daily_digest_is_posted_once_a_day(cast, webhook, impl_a):
    people_services.set_teams_channel(by=cast.office_a, force=cast.force_a, webhook_url=webhook.url)
    record(impl_a, cast.pcc_a, Status.IN_PROGRESS, as_of=TODAY)
    reminders.send_digests(today=TODAY)
    reminders.send_digests(today=TODAY)
    digest_cards = [t for t in titles(webhook) if t.startswith("Alphashire Police:")]
    assert len(digest_cards) == 1
    facts = webhook.cards()[0]["body"][1]["facts"]
    assert {"title": "Updates recorded", "value": "1"} in facts
