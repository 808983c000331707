"""Self-service in Debian's chromium: choose a reminder frequency, and reset a forgotten
password from the sign-in page through the emailed link, then sign in with it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from inspections.models import SignInFailure, User

from .test_admin_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_digest_frequency_and_password_reset(cast, page_as, live_server):
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("dashboard"))
    page.get_by_role("link", name=cast.pcc_a.get_full_name() or cast.pcc_a.username).click()
    page.wait_for_load_state()
    problems += violations(page)
    page.get_by_label("Weekly (Mondays)").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Reminder emails: weekly" in page.locator(".govuk-notification-banner").inner_text()
    assert User.objects.get(pk=cast.pcc_a.pk).digest_frequency == "weekly"

    anonymous = page_as(None)
    anonymous.goto(reverse("sign-in"))
    # A wrong password: the error summary says so, and nothing signs in.
    anonymous.get_by_label("Username").fill(cast.pcc_a.username)
    anonymous.get_by_label("Password").fill("not-the-password")
    anonymous.get_by_role("button", name="Sign in").click()
    anonymous.wait_for_load_state()
    assert "password is not right" in anonymous.locator(".govuk-error-summary").inner_text()
    assert anonymous.title().startswith("Error: Sign in")
    problems += violations(anonymous)
    assert SignInFailure.objects.filter(username=cast.pcc_a.username).count() == 1
    anonymous.get_by_role("link", name="Forgotten your password?").click()
    anonymous.wait_for_load_state()
    problems += violations(anonymous)
    anonymous.get_by_label("Email").fill(cast.pcc_a.email)
    anonymous.get_by_role("button", name="Send the link").click()
    anonymous.wait_for_load_state()
    assert anonymous.locator("h1").inner_text() == "Check your email"
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[-1].body).group(0)
    anonymous.goto(live_server.url + "/password-reset/" + link.split("/password-reset/", 1)[1])
    anonymous.wait_for_load_state()
    problems += violations(anonymous)
    anonymous.get_by_label("New password", exact=True).fill("Chosen-long-passphrase-7")
    anonymous.get_by_label("Confirm new password").fill("Chosen-long-passphrase-7")
    anonymous.get_by_role("button", name="Save the new password").click()
    anonymous.wait_for_load_state()
    assert anonymous.locator("h1").inner_text() == "Password saved"
    anonymous.get_by_role("link", name="Sign in with your new password").click()
    anonymous.get_by_label("Username").fill(cast.pcc_a.username)
    anonymous.get_by_label("Password").fill("Chosen-long-passphrase-7")
    anonymous.get_by_role("button", name="Sign in").click()
    anonymous.wait_for_load_state()
    assert "Signed in as" in anonymous.locator("header").inner_text()
    assert problems == []
