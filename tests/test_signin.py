"""Sign-in attacks found on a copy of main: look-alike usernames earning fresh guesses, a forged
or shared client address, and inputs that gave a server error instead of a message."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from inspections.models import AccessEvent, AccessEventKind, SignInFailure, User

from .conftest import login

PASSWORD = "a-long-passphrase-9"


@pytest.fixture
def lead(db):
    return User.objects.create_user(username="gwent.lead", password=PASSWORD, role="viewer")


def attempt(client, username, password="wrong", **headers):
    return client.post("/sign-in/", {"login": username, "password": password}, **headers)


@pytest.mark.parametrize(
    "variant", ["ｇwent.lead", "GWENT.LEAD", "Gwent.Lead", " gwent.lead ", "ｇｗｅｎｔ.ｌｅａｄ"]
)
def test_look_alike_usernames_share_one_count(lead, variant):
    client = Client()
    for name in ("gwent.lead", variant, "gwent.lead", variant, "gwent.lead"):
        assert "Too many" not in attempt(client, name).content.decode()
    # Five failures across the variants lock every variant, even with the right password.
    for name in ("gwent.lead", variant):
        response = attempt(client, name, PASSWORD)
        assert "Too many failed attempts" in response.content.decode()
    assert set(SignInFailure.objects.values_list("username", flat=True)) == {"gwent.lead"}


def test_a_variant_signs_in_as_the_one_account(lead):
    response = attempt(Client(), "ＧＷＥＮＴ.lead", PASSWORD)
    assert response.status_code == 302


def test_two_accounts_cannot_differ_only_in_case_or_width(lead):
    assert User.objects.create_user(username="Other.Person", password=PASSWORD).username == (
        "other.person"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="GWENT.LEAD")
    admin = User.objects.create_user(username="boss", role="national_admin", is_staff=True)
    response = login(admin).post(
        reverse("admin:inspections_user_add"),
        {
            "username": "ｇwent.lead",
            "usable_password": "true",
            "password1": "Another-long-passphrase-1",
            "password2": "Another-long-passphrase-1",
            "role": "viewer",
            "digest_frequency": "daily",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(username__iexact="gwent.lead").count() == 1


def test_the_lockout_message_promises_nothing_that_does_not_exist(lead):
    client = Client()
    for _ in range(6):
        response = attempt(client, "gwent.lead")
    text = response.content.decode()
    assert "ask a national administrator to unlock your account" in text
    assert "reset your password" not in text


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy(lead, settings):
    settings.TRACKER_SIGN_IN_MAX_PER_IP = 3
    settings.TRACKER_TRUSTED_PROXIES = ["10.0.0.5"]
    client = Client()
    # Straight from a client: its own X-Forwarded-For is ignored, its address counted.
    attempt(client, "a", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert SignInFailure.objects.get().ip_address == "192.0.2.7"
    # Through the load balancer: the address the balancer added (the right-most) is counted,
    # not whatever the client put in front of it.
    for name in ("b", "c", "d"):
        attempt(
            client,
            name,
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.9",
        )
    assert SignInFailure.objects.filter(ip_address="198.51.100.9").count() == 3
    # Colleagues behind the same balancer, from other addresses, are not locked out.
    response = attempt(
        client, "gwent.lead", PASSWORD, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.10"
    )
    assert response.status_code == 302


def test_old_failures_are_pruned(lead):
    SignInFailure.objects.create(username="old", ip_address="192.0.2.1")
    SignInFailure.objects.update(at="2000-01-01T00:00:00Z")
    attempt(Client(), "gwent.lead")
    assert list(SignInFailure.objects.values_list("username", flat=True)) == ["gwent.lead"]


def test_a_national_administrator_can_unlock_an_account(lead):
    client = Client()
    for _ in range(5):
        attempt(client, "gwent.lead")
    assert "Too many" in attempt(client, "gwent.lead", PASSWORD).content.decode()
    admin = User.objects.create_user(username="boss", role="national_admin", is_staff=True)
    response = login(admin).post(
        reverse("admin:inspections_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [lead.pk]},
        follow=True,
    )
    assert "Sign-in unlocked for 1 people" in response.content.decode()
    assert attempt(Client(), "gwent.lead", PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["gwent\x00lead", "\x00", "a" * 5000, "gwent\x0blead"])
def test_hostile_usernames_get_a_message_not_a_server_error(username):
    client = Client(raise_request_exception=False)
    for url, field in (("/sign-in/", "login"), ("/admin/login/", "username")):
        response = client.post(url, {field: username, "password": "x"})
        assert response.status_code == 200, (url, username)
        text = response.content.decode()
        assert any(mark in text for mark in ("govuk-error-summary", "errornote", "errorlist"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "progressupdate/?as_of__year=2024&as_of__month=99999999999",
        "progressupdate/?as_of__year=2024&as_of__month=1&as_of__day=99999999999",
        "firearmsstatistic/?year_ending__year=99999999",
        "progressupdate/?as_of__year=99999999999999999999999",
        "targetdaterevision/?changed_at__year=2024&changed_at__month=0",
    ],
)
def test_absurd_admin_filters_are_a_clear_400(cast, query):
    client = login(cast.admin)
    client.raise_request_exception = False
    response = client.get(f"/admin/inspections/{query}")
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "That filter cannot be used" in response.content.decode()


def test_history_pages_take_no_post(cast, impl_a):
    from .conftest import record

    update = record(impl_a, cast.pcc_a)
    client = login(cast.admin)
    client.raise_request_exception = False
    for name, pk in (
        ("admin:inspections_progressupdate_history", update.pk),
        ("admin:inspections_forceimplementation_history", impl_a.pk),
    ):
        assert client.post(reverse(name, args=[pk]), {"x": "1"}).status_code == 405


def test_another_forces_item_is_answered_as_if_it_did_not_exist(cast, impl_b):
    response = login(cast.pcc_a).post(
        reverse("admin:inspections_progressupdate_add"),
        {
            "implementation": impl_b.pk,
            "status": "in_progress",
            "as_of": "2024-01-01",
            "narrative": "Intruder",
        },
    )
    text = response.content.decode()
    assert "Select a valid choice" in text
    assert cast.force_b.name not in text


def test_failures_on_unknown_usernames_do_not_lock_out_known_ones_at_that_address(lead, settings):
    settings.TRACKER_SIGN_IN_MAX_PER_IP = 3
    client = Client()
    for name in ("nobody.1", "nobody.2", "nobody.3"):
        assert "Too many" not in attempt(client, name).content.decode()
    assert not SignInFailure.objects.filter(known_account=True).exists()
    # Whoever is guessing names is now told only "too many", right or wrong, so nothing says
    # which usernames exist...
    assert "Too many" in attempt(client, "nobody.4").content.decode()
    assert "Too many" in attempt(client, "gwent.lead").content.decode()
    # ...while a colleague at the same address with the right password still signs in.
    assert attempt(client, "gwent.lead", PASSWORD).status_code == 302


def test_failures_against_real_accounts_from_one_address_lock_that_address(db, settings):
    settings.TRACKER_SIGN_IN_MAX_PER_IP = 3
    people = [
        User.objects.create_user(username=f"person.{n}", password=PASSWORD, role="viewer")
        for n in range(5)
    ]
    client = Client()
    for person in people[:3]:
        assert "Too many" not in attempt(client, person.username).content.decode()
    response = attempt(client, people[3].username, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    # From another address the same person signs in.
    assert (
        attempt(client, people[4].username, PASSWORD, REMOTE_ADDR="192.0.2.99").status_code == 302
    )


def test_a_locked_account_tried_again_and_again_stays_locked_only_for_its_window(lead):
    client = Client()
    for _ in range(5):
        attempt(client, "gwent.lead")
    for _ in range(10):
        assert "Too many" in attempt(client, "gwent.lead").content.decode()
    # Refused attempts were never checked, so they are not failures that lengthen the lock.
    assert SignInFailure.objects.filter(username="gwent.lead").count() == 5
    SignInFailure.objects.update(at="2000-01-01T00:00:00Z")
    assert attempt(client, "gwent.lead", PASSWORD).status_code == 302


def reset(client, email, **headers):
    return client.post(reverse("password-reset"), {"email": email}, **headers)


def test_password_reset_emails_are_limited_per_address_with_the_same_answer(db, mailoutbox):
    User.objects.create_user(
        username="gwent.pcc", email="pcc@gwent.example", password=PASSWORD, role="viewer"
    )
    answers = {
        reset(Client(), "pcc@gwent.example", REMOTE_ADDR=f"192.0.2.{n}")["Location"]
        for n in range(20)
    }
    assert answers == {reverse("password-reset-sent")}
    assert len(mailoutbox) == 3
    # An address with no account is answered the same way, and sends nothing.
    assert reset(Client(), "nobody@example.com")["Location"] == reverse("password-reset-sent")
    assert len(mailoutbox) == 3


def test_password_reset_requests_are_limited_per_client(db, mailoutbox, settings):
    for n in range(12):
        User.objects.create_user(
            username=f"p{n}", email=f"p{n}@force.example", password=PASSWORD, role="viewer"
        )
    client = Client()
    for n in range(12):
        assert reset(client, f"p{n}@force.example").status_code == 302
    assert len(mailoutbox) == settings.TRACKER_PASSWORD_RESET_MAX_PER_CLIENT
    # Another client is not held back by the first.
    reset(Client(), "p11@force.example", REMOTE_ADDR="192.0.2.200")
    assert len(mailoutbox) == settings.TRACKER_PASSWORD_RESET_MAX_PER_CLIENT + 1


@pytest.mark.parametrize(("url", "field"), [("/sign-in/", "login"), ("/admin/login/", "username")])
def test_a_form_without_a_password_does_not_wipe_the_count(lead, url, field):
    """A post with no password checks nothing: it used to count as a success and forget the
    failures before it, so a guesser could reset the count every fourth try."""
    client = Client()
    for _ in range(5):
        attempt(client, "gwent.lead")
    blank = client.post(url, {field: "gwent.lead", "password": ""})
    assert blank.status_code == 200
    assert SignInFailure.objects.filter(username="gwent.lead").count() == 5
    assert "Too many failed attempts" in attempt(client, "gwent.lead", PASSWORD).content.decode()


def test_signing_in_and_out_are_in_the_access_trail(lead):
    client = Client()
    assert client.get(reverse("sign-in")).status_code == 200
    response = attempt(client, "gwent.lead", PASSWORD)
    assert response["Location"] == reverse("dashboard")
    # Signed in, the sign-in page sends you on.
    assert client.get(reverse("sign-in")).status_code == 302
    assert client.get(reverse("sign-out")).status_code == 200
    assert client.post(reverse("sign-out"))["Location"] == reverse("sign-in")
    assert client.get(reverse("dashboard")).status_code == 302
    trail = list(
        AccessEvent.objects.filter(subject=lead).order_by("pk").values_list("kind", "detail")
    )
    assert trail == [
        (AccessEventKind.SIGNED_IN, "With a username and password"),
        (AccessEventKind.SIGNED_OUT, ""),
    ]


def test_signing_in_goes_on_to_a_page_of_the_tracker_never_elsewhere(lead):
    sent_on = Client().post(
        reverse("sign-in"), {"login": "gwent.lead", "password": PASSWORD, "next": "/search/"}
    )
    assert sent_on["Location"] == "/search/"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        page = Client().get(reverse("sign-in"), {"next": elsewhere}).content.decode()
        assert "evil.example" not in page
        response = Client().post(
            reverse("sign-in"), {"login": "gwent.lead", "password": PASSWORD, "next": elsewhere}
        )
        assert response["Location"] == reverse("dashboard"), elsewhere
