"""Self-service: each person sets their own reminder frequency, changes their password, and
resets a forgotten one by email."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from inspections.models import User

from .conftest import login

pytestmark = pytest.mark.django_db


def test_a_force_user_sets_their_own_digest_frequency(cast):
    client = login(cast.pcc_a)
    response = client.post(reverse("account"), {"digest_frequency": "weekly"}, follow=True)
    assert "Reminder emails: weekly" in response.content.decode()
    cast.pcc_a.refresh_from_db()
    cast.lead_a.refresh_from_db()
    assert cast.pcc_a.digest_frequency == "weekly"
    assert cast.lead_a.digest_frequency == "daily"  # nobody else's changed
    bad = client.post(reverse("account"), {"digest_frequency": "hourly"})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()


def test_national_users_get_no_digest_setting(cast):
    page = login(cast.viewer).get(reverse("account")).content.decode()
    assert "digest_frequency" not in page
    login(cast.viewer).post(reverse("account"), {"digest_frequency": "none"})
    cast.viewer.refresh_from_db()
    assert cast.viewer.digest_frequency == "daily"


def test_change_password(cast):
    cast.pcc_a.set_password("old-passphrase-long-1")
    cast.pcc_a.save()
    client = login(cast.pcc_a)
    response = client.post(
        reverse("password-change"),
        {
            "old_password": "wrong",
            "new_password1": "New-long-passphrase-2",
            "new_password2": "New-long-passphrase-2",
        },
    )
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(
        reverse("password-change"),
        {
            "old_password": "old-passphrase-long-1",
            "new_password1": "New-long-passphrase-2",
            "new_password2": "New-long-passphrase-2",
        },
    )
    assert response.status_code == 302
    cast.pcc_a.refresh_from_db()
    assert cast.pcc_a.check_password("New-long-passphrase-2")


def test_reset_a_forgotten_password_by_email(cast):
    client = Client()
    response = client.post(reverse("password-reset"), {"email": cast.pcc_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"password1": "Reset-long-passphrase-3", "password2": "Reset-long-passphrase-3"},
    )
    assert response["Location"] == reverse("password-reset-complete")
    assert User.objects.get(pk=cast.pcc_a.pk).check_password("Reset-long-passphrase-3")
    # The key never sits in the address the form is on (nor leaks in a Referer header).
    assert form.redirect_chain[-1][0].endswith("-set-password/")
    # The link works once.
    again = client.get(path, follow=True)
    assert "expired or been used" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(cast):
    response = Client().post(reverse("password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_every_account_reaches_the_admin_however_it_is_made(db):
    assert User.objects.create_user(username="made.by.command", password="x" * 12).is_staff
    assert User.objects.create(username="made.directly").is_staff
