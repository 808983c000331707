"""An office's settings in Debian's chromium through the real forms, the database checked after
each, axe on every page and state, 320 px without sideways scroll: an office administrator makes
an API key (shown once) and revokes it, and sets the office's Teams channel and sends a test card
to a local stand-in webhook; a national administrator links a Microsoft tenant to a force; an
office administrator gives a removed person their access back."""

import pytest
from django.urls import reverse

from inspections.models import ApiKey, OutboundPost, Role, TeamsChannel, TenantForce, User
from inspections.services import people as people_services

from ..factories import UserFactory
from ..test_teams import Webhook
from .test_one_truth_journeys import narrow
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webhook(settings):
    settings.TRACKER_TEAMS_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.TRACKER_TEAMS_HTTPS_ONLY = False
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def test_an_office_administrator_keeps_its_keys_and_teams_channel(cast, page_as, webhook):
    problems: list[str] = []
    page = page_as(cast.office_a)
    page.goto(reverse("people"))
    page.get_by_role("link", name="API keys for Power BI and other tools").click()
    audit(page, problems, "API keys")
    narrow(page, problems, "API keys")
    page.get_by_role("button", name="Make the key").click()
    page.wait_for_load_state()
    assert "Say what the key is for" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "API keys with an error")
    page.get_by_label("What the key is for").fill("Power BI: panel dashboard")
    page.get_by_role("button", name="Make the key").click()
    page.wait_for_load_state()
    secret = page.locator("#new-key").inner_text().strip()
    key = ApiKey.objects.get()
    assert (key.force, key.name) == (cast.force_a, "Power BI: panel dashboard")
    assert people_services.key_for(secret) == key
    audit(page, problems, "key made")
    narrow(page, problems, "key made")
    page.get_by_role("button", name="Revoke Power BI: panel dashboard").click()
    page.wait_for_load_state()
    key.refresh_from_db()
    assert key.revoked_at is not None

    page.goto(reverse("people"))
    page.get_by_role("link", name="Notices in Microsoft Teams").click()
    audit(page, problems, "Teams")
    narrow(page, problems, "Teams")
    page.get_by_label("The channel's webhook address").fill("http://10.1.2.3/hook")
    page.get_by_role("button", name="Save the channel").click()
    page.wait_for_load_state()
    assert "not a Teams Workflows address" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "Teams with an error")
    assert not TeamsChannel.objects.exists()
    page.get_by_label("The channel's webhook address").fill(webhook.url)
    page.get_by_role("button", name="Save the channel").click()
    page.wait_for_load_state()
    assert TeamsChannel.objects.get().force == cast.force_a
    page.get_by_role("button", name="Send a test card").click()
    page.wait_for_load_state()
    assert "Test card posted" in page.locator(".govuk-notification-banner").inner_text()
    assert OutboundPost.objects.get().sent_at is not None
    assert len(webhook.cards()) == 1
    audit(page, problems, "Teams after a test card")
    narrow(page, problems, "Teams after a test card")
    assert problems == []


def test_tenant_rules_and_giving_access_back(cast, page_as):
    problems: list[str] = []
    admin = page_as(cast.admin)
    admin.goto(reverse("people"))
    admin.get_by_role("link", name="Say which tenant serves which force").click()
    audit(admin, problems, "tenants")
    narrow(admin, problems, "tenants")
    admin.get_by_label("Tenant ID").fill("not a tenant")
    admin.get_by_role("button", name="Add the tenant").click()
    admin.wait_for_load_state()
    assert (
        "Enter the tenant ID as Entra ID shows it"
        in admin.locator(".govuk-error-summary").inner_text()
    )
    audit(admin, problems, "tenants with an error")
    admin.get_by_label("Tenant ID").fill("AAAAAAAA-1111-4111-8111-111111111111")
    admin.get_by_label("Force it serves").select_option(label=cast.force_a.name)
    admin.get_by_label("Whose tenant it is").fill("Alphashire OPCC")
    admin.get_by_role("button", name="Add the tenant").click()
    admin.wait_for_load_state()
    rule = TenantForce.objects.get()
    assert (rule.tenant_id, rule.force) == ("aaaaaaaa-1111-4111-8111-111111111111", cast.force_a)
    audit(admin, problems, "tenant added")
    narrow(admin, problems, "tenant added")

    gone = UserFactory(
        username="gone.person", first_name="Gwen", last_name="Gone", role=Role.SCRUTINY,
        force=cast.force_a, is_active=False,
    )  # fmt: skip
    office = page_as(cast.office_a)
    office.goto(reverse("people"))
    office.get_by_role("link", name="Gwen Gone").click()
    audit(office, problems, "removed person")
    narrow(office, problems, "removed person")
    office.get_by_role("button", name="Give their access back").click()
    office.wait_for_load_state()
    assert User.objects.get(pk=gone.pk).is_active
    assert problems == []
