"""Production mode refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "TRACKER_TODAY"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "tracker.example.police.uk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    del env[missing]
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Production mode" in result.stderr


def test_production_starts_with_its_settings(tmp_path):
    result = manage(
        "check",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="tracker.example.police.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_fixed_date(tmp_path):
    result = manage(
        "check",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="tracker.example.police.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TRACKER_TODAY="2026-01-01",
    )
    assert result.returncode != 0
    assert "unset TRACKER_TODAY" in result.stderr


def test_debug_flag_must_be_a_boolean():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_a_bucket_moves_files_to_shared_object_storage(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND'], "
        "settings.STORAGES['default']['OPTIONS']['bucket_name'], "
        "settings.STORAGES['default']['OPTIONS']['default_acl'])"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "TRACKER_TODAY"))
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_STORAGE_BUCKET="tracker-files",
        DJANGO_STORAGE_ENDPOINT="https://s3.example.internal",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "tracker-files", "private"]
    import importlib.util

    assert importlib.util.find_spec("storages.backends.s3"), "django-storages is not installed"


def test_production_collects_static_files(tmp_path):
    """Hashed static files for production: fails if any CSS points at a file we do not ship."""
    result = manage(
        "collectstatic",
        "--no-input",
        "-v0",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="tracker.example.police.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "build/tracker.css" in manifest
    assert "admin/css/base.css" in manifest


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgres_pages_run_without_the_jit_compiler():
    """JIT compiling cost the national dashboard 500 ms of 590 (see tracker/settings.py)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
