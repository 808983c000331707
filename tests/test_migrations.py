"""The one test that builds a database from its migrations (every other test runs on a database
built straight from the models, for speed): every migration applies from zero on the embedded
database, the data migrations and the search index come with them, and the health check says
whether any is waiting."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every step in one process (each process costs Django's start-up): migrate Django's own
# accounts (ours not yet), ask the health check, migrate the rest, ask again, count the search
# index's tables. The tracker's migrations arrive as one squashed migration on a new database.
STEPS = """
import django, json
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

settings.ALLOWED_HOSTS = ["testserver"]
call_command("migrate", "auth", verbosity=0)
waiting = Client().get("/healthz/").status_code
call_command("migrate", verbosity=0)
ready = Client().get("/healthz/")
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT type, count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB '*_fts' "
        "OR type = 'trigger' AND name GLOB '*_fts_*' GROUP BY 1"
    )
    search = dict(cursor.fetchall())
    cursor.execute("SELECT name FROM django_migrations WHERE app = 'inspections' ORDER BY name")
    recorded = [name for (name,) in cursor.fetchall()]
answers = {
    "waiting": waiting,
    "ready": [ready.status_code, ready.json()],
    "search": search,
    "recorded": recorded,
}
print(json.dumps(answers))
"""


def run(*args: str, database: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="tracker.settings")
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def test_every_migration_applies_from_zero_and_the_health_check_follows(tmp_path):
    result = json.loads(run("-c", STEPS, database=tmp_path / "fresh.sqlite3"))
    # Part-way, the health check says a migration is waiting; after them all, that it is ready.
    assert result["waiting"] == 503
    assert result["ready"] == [200, {"status": "ok"}]
    # The search index of recommendations, updates and letter sections came with the
    # migrations: a table each and the three triggers that keep it in step.
    assert result["search"] == {"table": 3, "trigger": 9}
    # The squash is recorded with every migration it replaces, so a database built from it
    # takes the next migration after 0041 like one built from the 41 one by one.
    squashed = "0001_squashed_0041_action_tallies"
    replaced = sorted(p.stem for p in (ROOT / "inspections/migrations").glob("00[0-9][0-9]_*.py"))
    replaced.remove(squashed)
    assert len(replaced) == 41
    assert result["recorded"] == sorted([*replaced, squashed])
    # That the models need no new migration is `make test`'s own check (makemigrations --check).
