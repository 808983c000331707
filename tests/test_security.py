"""Hardened production settings and sign-in throttling."""

import pytest
from django.test import Client
from django.urls import reverse

from inspections.models import SignInFailure, User

from .test_settings_production import manage

PASSWORD = "a-long-passphrase-9"


@pytest.fixture
def someone(db):
    return User.objects.create_user(
        username="someone", password=PASSWORD, role="viewer", is_staff=True
    )


def attempt(client: Client, password: str, url: str = "/sign-in/"):
    # The service's sign-in is allauth's (its field is "login"); the admin's is Django's.
    field = "login" if url == "/sign-in/" else "username"
    return client.post(url, {field: "someone", "password": password})


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-key-value-0123456789",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.police.uk",
}


def test_deploy_check_reports_nothing(tmp_path):
    """The deployment docs/deploy.md describes, behind its load balancer."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        TRACKER_TRUSTED_PROXIES="10.0.0.5",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_deploy_check_warns_without_trusted_proxies(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        TRACKER_TRUSTED_PROXIES="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "tracker.W001" in result.stderr + result.stdout


def test_pages_carry_the_security_headers(someone):
    client = Client()
    client.force_login(someone)
    response = client.get(reverse("dashboard"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize("url", ["/sign-in/", "/admin/login/"])
def test_repeated_failures_lock_the_username(someone, url):
    client = Client()
    for _ in range(5):
        response = attempt(client, "wrong", url)
        assert response.status_code == 200
        assert "Too many failed attempts" not in response.content.decode()
    response = attempt(client, PASSWORD, url)  # even the right password is refused for now
    assert response.status_code == 200
    assert "Too many failed attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    SignInFailure.objects.update(at="2000-01-01T00:00:00Z")  # the lockout window passes
    response = attempt(client, PASSWORD, url)
    assert response.status_code == 302
    assert not SignInFailure.objects.filter(username="someone").exists()


def test_success_clears_earlier_failures(someone):
    client = Client()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    assert SignInFailure.objects.count() == 0


def test_password_validators_are_on(settings):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "UserAttributeSimilarityValidator",
        "NumericPasswordValidator",
    } <= names


def test_the_health_check_needs_no_sign_in_and_says_whether_the_service_is_ready(db):
    from django.test import Client

    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert Client().post("/healthz/").status_code == 405
