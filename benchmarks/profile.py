"""`make profile PAGE=/reports/overdue/ USER=bench.admin`: where one page's time goes.

Runs the page as that user against the benchmark's national-scale SQLite database (built on
first use, as `make bench` builds it; `DATABASE_URL` chooses another, PostgreSQL say), once to
warm up and then ``TIMES`` more under pyinstrument, and prints the call tree with the SQL time
and query count beside it: the split between building queries, the database and rendering."""

from __future__ import annotations

import argparse
import os
import sys
import time

import django

from benchmarks.run import SQLITE, TODAY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="/reports/overdue/")
    parser.add_argument("--user", default="bench.admin")
    parser.add_argument("--times", type=int, default=5)
    options = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{SQLITE}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["TRACKER_TODAY"] = TODAY
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from benchmarks.build import build
    from inspections.models import ProgressUpdate, User

    settings.ALLOWED_HOSTS = ["*"]
    SQLITE.parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if not ProgressUpdate.objects.exists():
        build(say=lambda line: print(line, file=sys.stderr, flush=True))
    user = User.objects.filter(username=options.user).first()
    if user is None:
        names = ", ".join(User.objects.order_by("username").values_list("username", flat=True)[:12])
        sys.exit(f"No user {options.user!r} in the benchmark database (some there: {names}).")
    client = Client()
    client.force_login(user)
    first = client.get(options.page)
    if first.status_code != 200:
        sys.exit(f"{options.page} answered {first.status_code} for {options.user}.")
    profiler = Profiler(interval=0.0005)
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        profiler.start()
        for _ in range(options.times):
            client.get(options.page)
        profiler.stop()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    sql = sum(float(query["time"]) for query in queries.captured_queries)
    each = options.times
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(
        f"{options.page} as {options.user}, {each} requests: {1000 * wall / each:.1f} ms wall, "
        f"{1000 * cpu / each:.1f} ms CPU, {1000 * sql / each:.1f} ms SQL "
        f"in {len(queries.captured_queries) // each} queries each."
    )


if __name__ == "__main__":
    main()
