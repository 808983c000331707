"""The one test that builds a database from its migrations (every other test runs on a database
built straight from the models, for speed): every migration applies from zero on the embedded
database, the data migrations and the search index come with them, and the health check says
whether any is waiting."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEALTH = (
    "import django, json; django.setup(); from django.test import Client;"
    "from django.conf import settings; settings.ALLOWED_HOSTS = ['testserver'];"
    "r = Client().get('/healthz/'); print(r.status_code, json.dumps(r.json()))"
)
SEARCH = (
    "import django; django.setup(); from django.db import connection;"
    "c = connection.cursor();"
    "c.execute(\"SELECT count(*) FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\\\'\");"
    "print(c.fetchone()[0])"
)


def run(*args: str, database: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="tracker.settings")
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def test_every_migration_applies_from_zero_and_the_health_check_follows(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    run("manage.py", "migrate", "inspections", "0031", "--verbosity", "0", database=database)
    status, _body = run("-c", HEALTH, database=database).split(" ", 1)
    assert status == "503"
    run("manage.py", "migrate", "--verbosity", "0", database=database)
    assert run("-c", HEALTH, database=database) == '200 {"status": "ok"}'
    # The search index of findings, updates and letter sections came with the migrations.
    assert run("-c", SEARCH, database=database) == "3"
    # That the models need no new migration is `make test`'s own check (makemigrations --check).
