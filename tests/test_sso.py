"""Sign in with Microsoft, end to end against the tests' own OpenID Connect provider
(tests/oidc_provider.py): the tracker's client sends the person to the provider, takes the code
back, fetches the ID token and checks it. Accounts are linked on tid + oid, never email; a
person gets in only through an invitation or a tenant's rule; forged tokens are refused."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspections.models import AccessEvent, AccessEventKind, Role, TenantForce, User
from inspections.services import people as people_services

from .oidc_provider import TENANT_ONE, TENANT_TWO

pytestmark = pytest.mark.django_db

UNKNOWN_TENANT = "33333333-3333-4333-8333-333333333333"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def through_the_provider(client: Client, start: str, data: dict | None = None):
    """Press the button, follow the provider's redirect back, and return the tracker's answer."""
    response = client.post(start, data or {})
    assert response.status_code == 302, response.content[:500]
    authorize = response["Location"]
    assert authorize.startswith("http://127.0.0.1:")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(authorize)
    assert redirect.value.code == 302
    parts = urlsplit(redirect.value.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: Client, sso, **identity):
    sso.sign_in_as(**identity)
    return through_the_provider(client, reverse("entra_login"))


def test_the_sign_in_page_offers_microsoft_only_when_set_up(db, sso, settings):
    start = Client().get(reverse("entra_login"))
    assert start.status_code == 200
    assert "Continue to Microsoft" in start.content.decode()
    assert "Sign in with Microsoft" in Client().get(reverse("sign-in")).content.decode()
    settings.TRACKER_SSO_CLIENT_ID = ""
    assert "Sign in with Microsoft" not in Client().get(reverse("sign-in")).content.decode()
    assert Client().post(reverse("entra_login")).status_code == 404


def test_with_one_tenant_sign_in_goes_to_that_tenants_endpoint(db, sso, settings):
    settings.TRACKER_SSO_TENANTS = [TENANT_ONE]
    response = Client().post(reverse("entra_login"))
    assert response["Location"].startswith(f"{sso.url}/{TENANT_ONE}/oauth2/v2.0/authorize?")
    settings.TRACKER_SSO_TENANTS = [TENANT_ONE, TENANT_TWO]
    response = Client().post(reverse("entra_login"))
    assert response["Location"].startswith(f"{sso.url}/organizations/oauth2/v2.0/authorize?")


def test_an_invited_officer_accepts_with_microsoft_and_is_linked_on_tid_and_oid(cast, sso):
    invitation, token = people_services.invite(
        by=cast.office_a,
        email="priya@alphashire.example",
        first_name="Priya",
        last_name="Patel",
        role=Role.PCC_STAFF,
        force=cast.force_a,
        now=timezone.now(),
    )
    client = Client()
    page = client.get(reverse("invitation", args=[token])).content.decode()
    assert "Sign in with Microsoft to accept" in page
    sso.sign_in_as(tid=TENANT_ONE, oid="oid-priya", preferred_username="priya.patel@alpha.example")
    response = through_the_provider(client, reverse("invitation-microsoft", args=[token]))
    assert response.status_code == 302
    user = User.objects.get(socialaccount__uid=f"{TENANT_ONE}:oid-priya")
    assert (user.role, user.force, user.username) == (
        Role.PCC_STAFF,
        cast.force_a,
        "priya.patel@alpha.example",
    )
    assert not user.has_usable_password()
    assert client.get(reverse("dashboard")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == user

    # Later, with a different email claim (or none): the same account, found by tid + oid.
    again = Client()
    sign_in(
        again,
        sso,
        tid=TENANT_ONE,
        oid="oid-priya",
        preferred_username="p.patel@alpha.example",
        email="new@alpha.example",
    )
    assert again.get(reverse("dashboard")).wsgi_request.user == user
    assert User.objects.filter(socialaccount__provider="entra").count() == 1


def test_an_email_never_matches_an_existing_account(cast, sso):
    TenantForce.objects.create(tenant_id=TENANT_ONE, force=cast.force_a)
    client = Client()
    # Someone whose email claim is PCC staff A's address gets no part of that account.
    sign_in(
        client,
        sso,
        tid=TENANT_ONE,
        oid="oid-stranger",
        preferred_username="stranger",
        email=cast.pcc_a.email,
    )
    stranger = client.get(reverse("dashboard")).wsgi_request.user
    assert stranger != cast.pcc_a
    assert stranger.role == Role.PENDING
    assert not SocialAccount.objects.filter(user=cast.pcc_a).exists()


def test_a_known_tenant_waits_for_approval_then_the_office_approves(cast, sso):
    TenantForce.objects.create(tenant_id=TENANT_ONE, force=cast.force_a, name="Alphashire OPCC")
    client = Client()
    response = sign_in(
        client, sso, tid=TENANT_ONE, oid="oid-new", preferred_username="new.person@alpha.example"
    )
    assert response.status_code == 302
    waiting = client.get(reverse("dashboard"))
    assert waiting.status_code == 403
    assert "Waiting for approval" in waiting.content.decode()
    person = User.objects.get(username="new.person@alpha.example")
    assert (person.role, person.force) == (Role.PENDING, cast.force_a)
    people_page = Client()
    people_page.force_login(cast.office_a)
    assert "new.person@alpha.example" in people_page.get(reverse("people")).content.decode()
    people_page.post(reverse("person", args=[person.pk]), {"role": Role.SCRUTINY})
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_tenant_serving_several_forces_needs_an_invitation(cast, sso):
    TenantForce.objects.create(tenant_id=TENANT_TWO, force=cast.force_a)
    TenantForce.objects.create(tenant_id=TENANT_TWO, force=cast.force_b)
    response = sign_in(
        Client(), sso, tid=TENANT_TWO, oid="oid-x", preferred_username="x@shared.example"
    )
    assert response.status_code == 403
    assert "You need an invitation" in response.content.decode()
    assert not User.objects.filter(username="x@shared.example").exists()
    assert AccessEvent.objects.filter(kind=AccessEventKind.SSO_REFUSED).exists()


def test_an_unknown_tenant_is_refused_with_a_clear_page(cast, sso):
    response = sign_in(
        Client(), sso, tid=UNKNOWN_TENANT, oid="oid-y", preferred_username="y@elsewhere.example"
    )
    assert response.status_code == 403
    assert "not one this tracker accepts" in response.content.decode()
    assert not User.objects.filter(username="y@elsewhere.example").exists()


# Each forged token, and what gave it away.
FORGERIES = {
    "wrong_issuer": "Invalid issuer",
    "tampered": "Signature verification failed",
    "expired": "Signature has expired",
    "foreign_key": "Signature verification failed",
}


@pytest.mark.parametrize("mode", sorted(FORGERIES))
def test_forged_tokens_are_refused(cast, sso, mode):
    TenantForce.objects.create(tenant_id=TENANT_ONE, force=cast.force_a)
    client = Client()
    response = sign_in(
        client, sso, tid=TENANT_ONE, oid="oid-forged", preferred_username="forged", mode=mode
    )
    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert not User.objects.filter(username="forged").exists()
    assert client.get(reverse("dashboard")).status_code == 302
    refused = AccessEvent.objects.get(kind=AccessEventKind.SSO_REFUSED)
    assert FORGERIES[mode] in refused.detail


def test_a_removed_person_cannot_come_back_with_microsoft(cast, sso):
    TenantForce.objects.create(tenant_id=TENANT_ONE, force=cast.force_a)
    client = Client()
    sign_in(client, sso, tid=TENANT_ONE, oid="oid-gone", preferred_username="gone")
    person = User.objects.get(username="gone")
    people_services.remove(by=cast.office_a, person=person)
    assert client.get(reverse("dashboard")).status_code == 302
    response = sign_in(Client(), sso, tid=TENANT_ONE, oid="oid-gone", preferred_username="gone")
    assert response.status_code == 403
    assert "access to the tracker has been removed" in response.content.decode()


def test_sso_only_keeps_passwords_for_national_administrators(cast, sso, settings):
    settings.TRACKER_SSO_ONLY = True
    refused = Client().post(
        reverse("sign-in"), {"login": "pcc_a", "password": "correct-horse-battery"}
    )
    assert refused.status_code == 200
    assert "Sign in with your organisation" in refused.content.decode()
    allowed = Client().post(
        reverse("sign-in"), {"login": "admin", "password": "correct-horse-battery"}
    )
    assert allowed.status_code == 302
