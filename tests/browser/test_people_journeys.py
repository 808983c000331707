"""An office manages its own people, in Debian's chromium through the real forms, the database
checked after each step, axe on every page and state, at 320 px wide without sideways scroll:
invite (and the invitation accepted), approve, change a role, remove. And Microsoft sign-in end
to end through the tests' own OpenID Connect provider: an invited officer, a first-time user of
a known tenant who waits for approval, and a user of an unknown tenant refused."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inspections.models import Invitation, Role, TenantForce, User
from inspections.services import people as people_services

from ..factories import UserFactory
from ..oidc_provider import TENANT_ONE
from .test_one_truth_journeys import narrow
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_from_the_email() -> str:
    found = re.search(r"https?://\S+(/invitation/\S+/)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_an_office_administrator_invites_approves_changes_and_removes(cast, page_as):
    waiting = UserFactory(
        username="waiting.person",
        first_name="Wyn",
        last_name="Waite",
        role=Role.PENDING,
        force=cast.force_a,
    )
    problems: list[str] = []
    page = page_as(cast.office_a)
    page.goto(reverse("dashboard"))
    page.get_by_role("link", name="People").first.click()
    audit(page, problems, "people page")
    narrow(page, problems, "people page")
    assert "waiting.person" in page.locator("#waiting ~ ul").first.inner_text()

    # Invite: first with nothing filled in, then properly.
    page.get_by_role("link", name="Invite someone").click()
    audit(page, problems, "invite page")
    narrow(page, problems, "invite page")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state()
    assert "Enter the email address" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "invite page with errors")
    assert not Invitation.objects.exists()
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Email address").fill("nia.newcomer@alphashire.example")
    page.get_by_label("PCC staff").check()
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state()
    assert (
        "Invitation sent to nia.newcomer@alphashire.example"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.force) == (Role.PCC_STAFF, cast.force_a)

    # The invitee accepts through the emailed link.
    newcomer = page_as(None)
    newcomer.goto(link_from_the_email())
    audit(newcomer, problems, "invitation page")
    narrow(newcomer, problems, "invitation page")
    newcomer.get_by_label("Choose a username").fill("nia.newcomer")
    newcomer.get_by_label("Choose a password").fill("Long-passphrase-for-Nia-1")
    newcomer.get_by_label("Type the password again").fill("Long-passphrase-for-Nia-1")
    newcomer.get_by_role("button", name="Accept and sign in").click()
    newcomer.wait_for_load_state()
    assert "Welcome, Nia Newcomer" in newcomer.locator(".govuk-notification-banner").inner_text()
    nia = User.objects.get(username="nia.newcomer")
    assert (nia.role, nia.force, nia.is_active) == (Role.PCC_STAFF, cast.force_a, True)

    # Approve the person waiting, as force lead.
    page.goto(reverse("people"))
    page.get_by_role("link", name="Approve or remove").click()
    audit(page, problems, "approve page")
    narrow(page, problems, "approve page")
    page.get_by_label("Chief constable / force lead").check()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert (
        "approved as Chief constable / force lead"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    waiting.refresh_from_db()
    assert waiting.role == Role.FORCE_LEAD

    # Change Nia's role to scrutiny member.
    page.get_by_role("link", name="Nia Newcomer").click()
    page.get_by_label("Scrutiny member (panel or audit committee)").check()
    page.get_by_role("button", name="Save the role").click()
    page.wait_for_load_state()
    nia.refresh_from_db()
    assert nia.role == Role.SCRUTINY

    # Remove her: a check page, then her own open page is signed out at once.
    page.get_by_role("link", name="Nia Newcomer").click()
    page.get_by_role("link", name="Remove").click()
    audit(page, problems, "remove check page")
    narrow(page, problems, "remove check page")
    page.get_by_role("button", name="Remove their access").click()
    page.wait_for_load_state()
    nia.refresh_from_db()
    assert nia.is_active is False
    newcomer.goto(reverse("dashboard"))
    assert newcomer.url.split("?")[0].endswith(reverse("sign-in"))
    audit(page, problems, "people page after the changes")
    assert problems == []


def test_microsoft_sign_in_in_the_browser(cast, sso, page_as):
    problems: list[str] = []
    _invitation, token = people_services.invite(
        by=cast.office_a,
        email="priya@alphashire.example",
        first_name="Priya",
        last_name="Patel",
        role=Role.PCC_STAFF,
        force=cast.force_a,
        now=timezone.now(),
    )
    # An invited officer: the invitation's button, Microsoft (the local provider), and in.
    sso.sign_in_as(tid=TENANT_ONE, oid="oid-priya", preferred_username="priya@alpha.example")
    page = page_as(None)
    page.goto(reverse("invitation", args=[token]))
    audit(page, problems, "invitation page with Microsoft")
    page.get_by_role("button", name="Sign in with Microsoft to accept").click()
    page.wait_for_load_state()
    assert "Signed in as" in page.locator("header").inner_text()
    priya = User.objects.get(socialaccount__uid=f"{TENANT_ONE}:oid-priya")
    assert (priya.role, priya.force) == (Role.PCC_STAFF, cast.force_a)

    # A first-time user of a known tenant: signed in, waiting for approval.
    TenantForce.objects.create(tenant_id=TENANT_ONE, force=cast.force_a)
    sso.sign_in_as(tid=TENANT_ONE, oid="oid-new", preferred_username="new@alpha.example")
    newcomer = page_as(None)
    newcomer.goto(reverse("sign-in"))
    audit(newcomer, problems, "sign-in page with Microsoft")
    narrow(newcomer, problems, "sign-in page with Microsoft")
    newcomer.get_by_role("button", name="Sign in with Microsoft").click()
    newcomer.wait_for_load_state()
    assert newcomer.locator("h1").inner_text() == "Waiting for approval"
    audit(newcomer, problems, "waiting page")
    narrow(newcomer, problems, "waiting page")
    assert User.objects.get(username="new@alpha.example").role == Role.PENDING

    # A user of an unknown tenant: refused, with a page saying why.
    sso.sign_in_as(
        tid="99999999-9999-4999-8999-999999999999", oid="oid-z", preferred_username="z@else.example"
    )
    stranger = page_as(None)
    stranger.goto(reverse("sign-in"))
    stranger.get_by_role("button", name="Sign in with Microsoft").click()
    stranger.wait_for_load_state()
    assert stranger.locator("h1").inner_text() == "You cannot sign in with this account"
    audit(stranger, problems, "refused page")
    assert not User.objects.filter(username="z@else.example").exists()
    assert problems == []
