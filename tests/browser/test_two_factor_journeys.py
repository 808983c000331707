"""Two-factor authentication in Debian's chromium through the real forms, the database checked,
axe on every page, at 320 px: a national administrator required to set it up is sent to do so,
scans (reads) the key, turns it on, and signs in again with a code from the app."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from ..test_two_factor import PASSWORD, code_for
from .test_one_truth_journeys import narrow
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_national_administrator_sets_up_and_uses_two_factor(cast, page_as, settings):
    settings.TRACKER_MFA_REQUIRED_FOR_NATIONAL_ADMINS = True
    problems: list[str] = []
    page = page_as(cast.admin)
    page.goto(reverse("dashboard"))
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Set up two-factor authentication"
    audit(page, problems, "set-up page")
    narrow(page, problems, "set-up page")
    secret = page.locator("code.tracker-hash").inner_text().strip()
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_load_state()
    assert "That code is wrong" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "set-up page with an error")
    assert not Authenticator.objects.exists()
    page.get_by_label("Code", exact=True).fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_load_state()
    assert "Two-factor authentication is on" in page.locator("h1").inner_text()
    audit(page, problems, "recovery codes page")
    narrow(page, problems, "recovery codes page")
    assert Authenticator.objects.filter(user=cast.admin).count() == 2

    fresh = page_as(None)
    fresh.goto(reverse("sign-in"))
    fresh.get_by_label("Username").fill("admin")
    fresh.get_by_label("Password").fill(PASSWORD)
    fresh.get_by_role("button", name="Sign in").click()
    fresh.wait_for_load_state()
    assert fresh.locator("h1").inner_text() == "Enter your code"
    audit(fresh, problems, "code page")
    narrow(fresh, problems, "code page")
    fresh.get_by_label("Code", exact=True).fill(code_for(secret, 1))
    fresh.get_by_role("button", name="Sign in").click()
    fresh.wait_for_load_state()
    assert "Signed in as" in fresh.locator("header").inner_text()
    assert problems == []
