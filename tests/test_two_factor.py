"""Two-factor authentication for local accounts (allauth's MFA: TOTP and recovery codes): set
up on the account page, asked for after the password, required of national administrators where
the setting says so, and never skipped through the admin's own sign-in."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from inspections.models import AccessEvent, AccessEventKind

from .conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def code_for(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def set_up(client: Client) -> tuple[str, list[str]]:
    client.get(reverse("two-factor"))
    secret = client.session[SECRET_SESSION_KEY]
    page = client.post(reverse("two-factor"), {"code": code_for(secret)}).content.decode()
    assert "Two-factor authentication is on" in page
    return secret, re.findall(r"<code>([^<]+)</code>", page)


def test_setting_up_needs_a_right_code_and_shows_recovery_codes_once(cast):
    client = login(cast.pcc_a)
    page = client.get(reverse("two-factor")).content.decode()
    assert "<svg" in page
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page
    wrong = client.post(reverse("two-factor"), {"code": "000000"})
    assert "That code is wrong" in wrong.content.decode()
    assert not Authenticator.objects.exists()
    done = client.post(reverse("two-factor"), {"code": code_for(secret)}).content.decode()
    codes = re.findall(r"<code>([^<]+)</code>", done)
    assert len(codes) >= 8
    totp = Authenticator.objects.get(user=cast.pcc_a, type=Authenticator.Type.TOTP)
    # Stored encrypted: the secret itself is not in the database.
    assert secret not in str(totp.data)
    assert "Turn off" in client.get(reverse("account")).content.decode()
    assert AccessEvent.objects.filter(kind=AccessEventKind.TWO_FACTOR_ON).exists()


def test_the_code_is_asked_for_after_the_password(cast):
    secret, recovery = set_up(login(cast.pcc_a))
    client = Client()
    response = client.post(reverse("sign-in"), {"login": "pcc_a", "password": PASSWORD})
    assert response["Location"] == reverse("sign-in-code")
    # Not signed in yet.
    assert client.get(reverse("dashboard")).status_code == 302
    wrong = client.post(reverse("sign-in-code"), {"code": "123456"})
    assert "That code is wrong" in wrong.content.decode()
    # One code, kept: worked out again later it could be the next window's, a different code.
    used = code_for(secret, 1)
    right = client.post(reverse("sign-in-code"), {"code": used})
    assert right.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert AccessEvent.objects.filter(
        kind=AccessEventKind.SIGNED_IN,
        subject=cast.pcc_a,
        detail="With a password and a two-factor code",
    ).exists()

    # The same code a second time is refused (used up); a recovery code works once.
    again = Client()
    again.post(reverse("sign-in"), {"login": "pcc_a", "password": PASSWORD})
    assert (
        "That code is wrong" in again.post(reverse("sign-in-code"), {"code": used}).content.decode()
    )
    assert again.post(reverse("sign-in-code"), {"code": recovery[0]}).status_code == 302
    third = Client()
    third.post(reverse("sign-in"), {"login": "pcc_a", "password": PASSWORD})
    assert third.post(reverse("sign-in-code"), {"code": recovery[0]}).status_code == 200


def test_a_used_code_is_marked_where_every_worker_reads_it(cast):
    """allauth marks a code used in Django's cache: here the database's, which every gunicorn
    worker shares (a per-process memory cache would let another worker take the code again)."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    assert isinstance(caches["default"], DatabaseCache)
    secret, _recovery = set_up(login(cast.pcc_a))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tracker_cache")
        before = cursor.fetchone()[0]
    client = Client()
    client.post(reverse("sign-in"), {"login": "pcc_a", "password": PASSWORD})
    assert client.post(reverse("sign-in-code"), {"code": code_for(secret, 1)}).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tracker_cache")
        assert cursor.fetchone()[0] > before
    # Another worker's cache: a fresh connection to the same table sees the code taken.
    other = DatabaseCache("tracker_cache", {})
    assert other.add("probe", "x") is True
    assert caches["default"].add("probe", "y") is False


def test_five_wrong_codes_send_you_back_to_the_password(cast):
    set_up(login(cast.pcc_a))
    client = Client()
    client.post(reverse("sign-in"), {"login": "pcc_a", "password": PASSWORD})
    for _ in range(4):
        assert client.post(reverse("sign-in-code"), {"code": "111111"}).status_code == 200
    last = client.post(reverse("sign-in-code"), {"code": "111111"})
    assert last["Location"] == reverse("sign-in")
    assert client.get(reverse("sign-in-code"))["Location"] == reverse("sign-in")
    assert AccessEvent.objects.filter(kind=AccessEventKind.TWO_FACTOR_FAILED).count() == 5


def test_the_admins_own_sign_in_cannot_skip_the_code(cast):
    set_up(login(cast.admin))
    response = Client().post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 200
    assert "two-factor code" in response.content.decode()


def test_required_of_national_administrators_where_the_setting_says(cast, settings):
    settings.TRACKER_MFA_REQUIRED_FOR_NATIONAL_ADMINS = True
    admin = login(cast.admin)
    assert admin.get(reverse("dashboard"))["Location"] == reverse("two-factor")
    assert admin.get("/admin/")["Location"] == reverse("two-factor")
    assert login(cast.pcc_a).get(reverse("dashboard")).status_code == 200
    set_up(admin)
    assert admin.get(reverse("dashboard")).status_code == 200
    settings.TRACKER_MFA_REQUIRED_FOR_NATIONAL_ADMINS = False
    assert login(cast.viewer).get(reverse("dashboard")).status_code == 200


def test_turning_it_off_needs_a_code(cast):
    client = login(cast.pcc_a)
    secret, _codes = set_up(client)
    wrong = client.post(reverse("two-factor"), {"code": "000000"})
    assert "That code is wrong" in wrong.content.decode()
    assert Authenticator.objects.filter(user=cast.pcc_a).exists()
    client.post(reverse("two-factor"), {"code": code_for(secret, -1)})
    assert not Authenticator.objects.filter(user=cast.pcc_a).exists()
