"""`make bench`: build the national-scale database (once) on SQLite and PostgreSQL, then measure
every report page and export, the raw SQL behind each, letters, and the overdue report's
throughput under gunicorn. Prints a table and writes docs/benchmarks.md.

Each database is measured in its own process (Django settings are read once per process)."""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "bench" / "national.sqlite3"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench")
# Ten times the data (860,000 implementations, 8.6 million updates), to show that a 50-row page
# costs the same at both sizes. BENCH_10X=0 skips it (it takes about ten minutes to build).
POSTGRES_10X = os.environ.get(
    "BENCH_POSTGRES_10X_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench_10x"
)
# The pages that show 50 rows, compared at 1 × and 10 ×.
FIFTY_ROW_PAGES = [
    "overdue",
    "due soon",
    "force page",
    "local actions",
    "extension requests",
]
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))
AGAIN = "PostgreSQL, 1 × again"
FIXED_COST_PAGE = "a signed-in page's fixed cost (/sign-out/)"
# The report pages issue 30 asks to cost at most 10 ms of Python each.
REPORT_PAGES = ["overdue", "due soon"]
# PostgreSQL streams a large export through a named cursor; its query is run plainly instead.
SERVER_CURSOR = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH HOLD FOR ')
TODAY = "2026-11-21"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_database(label: str) -> dict[str, Any]:
    """Runs inside a process whose DATABASE_URL is the benchmark database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["TRACKER_TODAY"] = TODAY
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.build import build
    from inspections import clock
    from inspections.letters import content, render
    from inspections.meetings import queries as pack_queries
    from inspections.meetings import services as meetings
    from inspections.models import (
        ExtensionRequest,
        Force,
        ForceImplementation,
        Inspection,
        LocalAction,
        ProgressUpdate,
        Recommendation,
        User,
    )
    from inspections.reports import queries
    from inspections.reports.queries import rows

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    scale = int(os.environ.get("BENCH_SCALE", "1"))
    built = {}
    if not ProgressUpdate.objects.exists():
        started = time.perf_counter()
        build(say=lambda line: print(f"[{label}] {line}", flush=True), scale=scale)
        built["seconds"] = time.perf_counter() - started
    counts = {
        "implementations": ForceImplementation.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "inspections": Inspection.objects.count(),
        **{
            f"findings: {kind}": n
            for kind, n in Recommendation.objects.values_list("kind")
            .annotate(n=Count("pk"))
            .order_by("kind")
        },
        "local actions": LocalAction.objects.count(),
        "extension requests": ExtensionRequest.objects.count(),
    }
    today = clock.today()
    force = Force.objects.get(slug="west-mercia-police")
    national = User.objects.get(username="bench.admin")
    local_user = User.objects.get(username="west-mercia-police.pcc")
    inspection = Inspection.objects.get(slug="bench-200")

    pages = {
        "dashboard": "/",
        "overdue": "/reports/overdue/",
        "due soon": "/reports/due-soon/",
        "dependencies": "/reports/dependencies/",
        "matrix": f"/reports/matrix/?inspection={inspection.slug}",
        "s.55 responses": f"/reports/responses/?inspection={inspection.slug}",
        "force page": f"/forces/{force.slug}/",
        "recommendation": f"/inspections/{inspection.slug}/recommendations/2/",
        "overdue CSV, one region": "/reports/overdue/?format=csv&region=wales",
        "overdue XLSX, one region": "/reports/overdue/?format=xlsx&region=wales",
        "force page XLSX": f"/forces/{force.slug}/?format=xlsx",
        "dashboard CSV": "/?format=csv",
        "local actions": "/reports/actions/",
        "extension requests": "/reports/extensions/",
        "meeting packs": "/meeting-packs/",
        # A page that does nothing of its own (it asks "Sign out?"): what every signed-in page
        # costs before its own work (the session, the user and their force, the layout).
        FIXED_COST_PAGE: "/sign-out/",
    }
    # A whole national table is a large download (tens of thousands of rows): timed 3 times,
    # each beside its limit: the same rows fetched with raw SQL and written with csv.writer.
    whole_exports = {
        "overdue CSV, every force (within control)": (
            "/reports/overdue/?format=csv&table=within-control"
        ),
        "overdue XLSX, every force (within control)": (
            "/reports/overdue/?format=xlsx&table=within-control"
        ),
    }

    def export_limit(user: User) -> dict[str, Any]:
        """Raw SQL of the export's rows, and csv.writer over them: its floor, measured now."""
        return rows_floor(
            rows.values(queries.overdue(queries.implementations(user), today)["within_control"])
        )

    def rows_floor(rows_query: Any) -> dict[str, Any]:
        sql, params = rows_query.query.sql_with_params()
        fetch, write = [], []
        for _ in range(3):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql, params)
                fetched = cursor.fetchall()
                fetch.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            csv.writer(io.StringIO()).writerows(fetched)
            write.append((time.perf_counter() - started) * 1000)
        return {"rows": len(fetched), "sql": min(fetch), "csv": min(write)}

    def page_sql_ms(captured: list[dict[str, str]]) -> float:
        """The page's own SQL, every statement it ran, run again raw with a cursor: the sum of
        each one's median. (A server-side cursor's SELECT is run as the SELECT.)"""
        total = 0.0
        with connection.cursor() as cursor:
            for query in captured:
                sql = SERVER_CURSOR.sub("", query["sql"])
                times = []
                for _ in range(5):
                    started = time.perf_counter()
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                    times.append((time.perf_counter() - started) * 1000)
                total += statistics.median(times)
        return total

    # The 10 × database, and the 1 × one measured again after it, time only the 50-row pages.
    fifty_only = scale > 1 or os.environ.get("BENCH_FIFTY_ONLY") == "1"
    if fifty_only:
        pages = {name: url for name, url in pages.items() if name in FIFTY_ROW_PAGES}
    results = []
    for who, user in (("national", national), ("force", local_user)):
        client = Client()
        client.force_login(user)
        for name, url in pages.items():
            for _ in range(3):  # warm the caches (a large database's pages are read cold)
                client.get(url)
            times, cpu = [], []
            for _ in range(REPEATS if "XLSX" not in name and "CSV" not in name else 5):
                with CaptureQueriesContext(connection) as captured:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    payload = (
                        b"".join(response.streaming_content)  # type: ignore[attr-defined]
                        if response.streaming
                        else response.content
                    )
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            row: dict[str, Any] = {
                "database": label,
                "user": who,
                "page": name,
                "queries": len(captured.captured_queries),
                "median_ms": statistics.median(times),
                "p95_ms": percentile(times, 0.95),
                # This process's CPU: Python's, and on SQLite the database engine's too.
                "cpu_ms": statistics.median(cpu),
                "bytes": len(payload),
            }
            row["raw_sql_ms"] = page_sql_ms(captured.captured_queries)
            row["ratio"] = row["median_ms"] / row["raw_sql_ms"]
            results.append(row)
            print(
                f"[{label}] {who:8} {name:26} {row['median_ms']:8.1f} ms "
                f"p95 {row['p95_ms']:8.1f} ms  {row['queries']} queries",
                flush=True,
            )

    split = {}
    if not fifty_only:
        for who, user in (("national", national), ("force", local_user)):
            client = Client()
            client.force_login(user)
            split[who] = python_split(client, pages["overdue"])
    if fifty_only:
        return {
            "label": label,
            "counts": counts,
            "built": built,
            "pages": results,
            "scale": scale,
            "fifty_only": True,
        }
    client = Client()
    client.force_login(national)
    for name, url in whole_exports.items():
        results.append(measure_whole_export(label, client, name, url, export_limit(national)))
    results.extend(measure_api(label, national, today, rows_floor))

    letters: dict[str, Any] = {}
    built_letter = content.from_data(force, inspection, today)
    for fmt, make in (("docx", render.docx), ("pdf", render.pdf)):
        make(built_letter)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            make(content.from_data(force, inspection, today))
            times.append((time.perf_counter() - started) * 1000)
        letters[fmt] = statistics.median(times)
    started = time.perf_counter()
    for each in Force.objects.order_by("name"):
        render.pdf(content.from_data(each, inspection, today))
    letters["all 43 PDF"] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for each in Force.objects.order_by("name"):
        render.docx(content.from_data(each, inspection, today))
    letters["all 43 DOCX"] = (time.perf_counter() - started) * 1000
    # A force's meeting pack (about 2,000 findings, most overdue) and a region's: made once
    # each, the snapshot and both files.
    region = force.region
    for area, kwargs in (
        ("force meeting pack", {"force": force, "region": None}),
        ("region meeting pack", {"force": None, "region": region}),
    ):
        started = time.perf_counter()
        pack = meetings.make_meeting_pack(
            meeting_date=today, rag_rule="overdue", by=national, **kwargs
        )
        letters[area] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        if not pack.files_ready:
            meetings.write_files(pack)
        letters[f"{area} files"] = (time.perf_counter() - started) * 1000
        letters[f"{area} rows"] = pack_queries.rows_listed(pack.snapshot)
        letters[f"{area} split"] = pack_split(pack.snapshot)
    return {
        "label": label,
        "counts": counts,
        "built": built,
        "pages": results,
        "letters": letters,
        "split": split,
    }


def pack_split(content: dict[str, Any]) -> dict[str, float]:
    """Where a pack's files' time goes, each part timed once more on its own: the PDF's HTML,
    WeasyPrint's parsing, styling and layout, its writing of the PDF, the DOCX, the annex."""
    from weasyprint import HTML

    from inspections.meetings import render

    split: dict[str, float] = {}
    started = time.perf_counter()
    page = render.html(content)
    split["HTML"] = time.perf_counter() - started
    started = time.perf_counter()
    document = HTML(string=page).render()
    split["WeasyPrint layout"] = time.perf_counter() - started
    split["pages"] = len(document.pages)
    started = time.perf_counter()
    document.write_pdf()
    split["WeasyPrint writing the PDF"] = time.perf_counter() - started
    started = time.perf_counter()
    render.docx(content)
    split["DOCX"] = time.perf_counter() - started
    if content.get("annex"):
        started = time.perf_counter()
        render.annex(content)
        split["annex"] = time.perf_counter() - started
    return split


# Where a page's own time goes, by the code it is spent in (a function's own time, under
# cProfile): the first prefix of the file's path that matches names its part.
SPLIT = [
    (
        "the database driver and engine",
        ("psycopg/", "psycopg_c", "psycopg_binary", "sqlite3.Cursor", "sqlite3.Connection"),
    ),
    ("templates", ("django/template/", "inspections/templatetags/")),
    (
        "making rows into objects",
        (
            "django/db/models/base.py",
            "django/db/models/query.py:__iter__",
            "django/db/models/query.py:_fetch_all",
            "django/db/models/query.py:iterator",
            "django/db/models/sql/compiler.py:results_iter",
            "django/db/models/sql/compiler.py:apply_converters",
            "django/db/models/fields/__init__.py:from_db_value",
            "django/db/models/fields/__init__.py:to_python",
        ),
    ),
    (
        "building and compiling queries",
        (
            "django/db/models/sql/",
            "django/db/models/query.py",
            "django/db/models/fields/",
            "django/db/models/expressions",
            "django/db/models/lookups",
            "django/db/models/query_utils",
            "django/db/models/fields/related_lookups",
            "django/db/models/aggregates",
            "django/db/models/functions/",
            "django/db/backends/",
        ),
    ),
    (
        "middleware, session, user",
        ("django/middleware/", "django/contrib/", "allauth/", "simple_history/", "whitenoise/"),
    ),
    ("the tracker's own code", ("inspections/",)),
]


def python_split(client: Any, url: str, times: int = 10) -> dict[str, float]:
    """Milliseconds a request of ``url`` spends in each part of SPLIT (and "other"), under
    cProfile (which inflates Python's share: compare the parts, not the total with a page's
    time)."""
    import cProfile
    import pstats

    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def part_of(key: tuple[str, int, str]) -> str | None:
        where = f"{key[0]}:{key[2]}"
        return next(
            (name for name, prefixes in SPLIT if any(prefix in where for prefix in prefixes)),
            None,
        )

    parts: dict[str, float] = {name: 0.0 for name, _ in SPLIT}
    parts["other"] = 0.0

    def assign(key: tuple[str, int, str], seconds: float, depth: int = 0) -> None:
        """A builtin's or a helper's time goes to the part of whatever called it (up to four
        calls up), shared by the time each caller spent in it."""
        part = part_of(key)
        if part is not None:
            parts[part] += seconds * 1000 / times
            return
        callers = stats.get(key, (0, 0, 0, 0, {}))[4]
        spent = sum(entry[2] for entry in callers.values())
        if depth >= 4 or not callers or spent <= 0:
            parts["other"] += seconds * 1000 / times
            return
        for caller, entry in callers.items():
            assign(caller, seconds * entry[2] / spent, depth + 1)

    for key, (_cc, _nc, own, _cum, _callers) in stats.items():
        assign(key, own)
    return parts


def measure_whole_export(
    label: str, client: Any, name: str, url: str, floor: dict[str, Any]
) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            size = sum(len(chunk) for chunk in response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, (name, response.status_code)
    raw = floor["sql"] + floor["csv"]
    row = {
        "database": label,
        "user": "national",
        "page": name,
        "queries": len(captured.captured_queries),
        "median_ms": statistics.median(times),
        "p95_ms": max(times),
        "bytes": size,
        "raw_sql_ms": raw,
        "ratio": statistics.median(times) / raw,
        "rows": floor["rows"],
    }
    print(
        f"[{label}] national {name} {row['median_ms']:8.0f} ms for {floor['rows']:,} rows; "
        f"raw SQL {floor['sql']:.0f} ms + csv.writer {floor['csv']:.0f} ms",
        flush=True,
    )
    return row


def measure_api(
    label: str, national: Any, today: Any, rows_floor: Callable[[Any], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The API read with a national key (what Power BI reads): the implementations endpoint's
    first page of 1,000 rows beside its own SQL, and the whole table as one CSV beside the same
    rows fetched raw and written with csv.writer."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inspections.models import ForceImplementation
    from inspections.reports import queries
    from inspections.reports.queries import rows
    from inspections.services import people

    _key, secret = people.create_api_key(by=None, force=None, name="benchmark")
    api = Client(headers={"authorization": f"Bearer {secret}"})
    url = "/api/v1/implementations/?limit=1000"
    api.get(url)
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = api.get(url)
            times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, response.status_code
    own_sql = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            started = time.perf_counter()
            cursor.execute(query["sql"])
            if cursor.description is not None:
                cursor.fetchall()
            own_sql += (time.perf_counter() - started) * 1000
    page = {
        "database": label,
        "user": "national",
        "page": "API implementations, 1,000 rows",
        "queries": len(captured.captured_queries),
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "bytes": len(response.content),
        "raw_sql_ms": own_sql,
        "ratio": statistics.median(times) / own_sql if own_sql else 0.0,
    }
    print(
        f"[{label}] national {page['page']} {page['median_ms']:8.1f} ms; its SQL {own_sql:.1f} ms",
        flush=True,
    )
    floor = rows_floor(
        rows.values(queries.listed_with_flags(ForceImplementation.objects.all(), today), flags=True)
    )
    whole = measure_whole_export(
        label, api, "API implementations.csv, every force", "/api/v1/implementations.csv", floor
    )
    return [page, whole]


def child(
    label: str, database_url: str, scale: int = 1, fifty_only: bool = False
) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "BENCH_SCALE": str(scale),
        "BENCH_FIFTY_ONLY": "1" if fifty_only else "0",
    }
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--measure", label],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr[-4000:] if out.returncode else "")
    print(out.stdout.split("@@RESULT@@")[0], end="")
    if out.returncode:
        raise SystemExit(f"Measuring {label} failed.")
    result: dict[str, Any] = json.loads(out.stdout.split("@@RESULT@@")[1])
    return result


def postgres_available() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


def ensure_postgres_database(url: str = POSTGRES) -> None:
    name = url.rsplit("/", 1)[1]
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def throughput() -> dict[str, Any]:
    from benchmarks import load

    return load.run(POSTGRES)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}"
    )


def write_report(runs: list[dict[str, Any]], load_result: dict[str, Any] | None) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}: {machine()}.",
        "",
        "Each page is requested through Django's test client in-process (so the times are "
        f"server time without the network), {REPEATS} times after three warm-ups; exports "
        "5 times, whole national exports 3 times. Raw SQL is the page's own SQL: every "
        "statement its last request ran, each run again directly with a cursor (the median of "
        "5), summed; the ratio is page ÷ raw SQL. CPU is the process's own over the request "
        "(Python, and on SQLite the database engine too). For a whole national export the "
        "raw column is its floor, measured in the same run: the same rows fetched with raw SQL "
        "plus csv.writer writing them (the target is CSV ≤ 2 × that, XLSX ≤ 6 s). "
        "Targets (issue 15): national overdue report ≤ 40 ms on both engines; national "
        "dashboard ≤ 100 ms on PostgreSQL; every force user's page ≤ 25 ms; every page ≤ 3 × "
        "its raw SQL; ≥ 100 requests/s for a force user's overdue report and ≥ 50 for the "
        "national one with 2 gunicorn workers; DOCX < 150 ms; PDF < 1 s.",
        "",
    ]
    tenfold = next((run for run in runs if run.get("scale", 1) > 1), None)
    for run in runs:
        if run.get("fifty_only"):
            continue
        counts = run["counts"]
        lines += [
            f"## {run['label']}",
            "",
            f"{counts['inspections']} inspections, {counts['implementations']:,} "
            f"implementations, {counts['updates']:,} progress updates. Findings by kind: "
            + ", ".join(
                f"{key.removeprefix('findings: ').replace('_', ' ')} {n:,}"
                for key, n in counts.items()
                if key.startswith("findings: ")
            )
            + f"; {counts.get('local actions', 0):,} local actions, "
            f"{counts.get('extension requests', 0):,} extension requests awaiting decision.",
        ]
        if run["built"]:
            lines.append(f"Built in {run['built']['seconds']:.0f} s.")
        lines += [
            "",
            "| user | page | queries | median ms | p95 ms | CPU ms | raw SQL ms | page ÷ SQL "
            "| size KB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in run["pages"]:
            raw = f"{row['raw_sql_ms']:.1f}" if "raw_sql_ms" in row else ""
            ratio = f"{row['ratio']:.1f}" if "ratio" in row else ""
            cpu = f"{row['cpu_ms']:.1f}" if "cpu_ms" in row else ""
            lines.append(
                f"| {row['user']} | {row['page']} | {row['queries']} | "
                f"{row['median_ms']:.1f} | {row['p95_ms']:.1f} | {cpu} | {raw} | {ratio} | "
                f"{row['bytes'] / 1024:.0f} |"
            )
        letters = run["letters"]
        lines += [
            "",
            f"Letters (one force, median of 5): DOCX {letters['docx']:.0f} ms, PDF "
            f"{letters['pdf']:.0f} ms. All 43 forces: PDF {letters['all 43 PDF'] / 1000:.1f}"
            f" s, DOCX {letters['all 43 DOCX'] / 1000:.1f} s.",
            "",
            "Meeting packs, made once each: the request (snapshot, and the files when the pack "
            "lists at most 300 rows) and writing the DOCX and PDF (by `render_meeting_packs` "
            f"for a larger pack). One force's, {letters['force meeting pack rows']:,} rows: "
            f"{letters['force meeting pack']:.0f} ms, files "
            f"{letters['force meeting pack files'] / 1000:.1f} s; one region's, "
            f"{letters['region meeting pack rows']:,} rows: "
            f"{letters['region meeting pack']:.0f} ms, files "
            f"{letters['region meeting pack files'] / 1000:.1f} s.",
            "",
        ]
    if tenfold is not None:
        lines += scale_section(runs, tenfold)
    if load_result:
        lines += [
            "## Throughput (PostgreSQL, wrk, 2 gunicorn workers)",
            "",
            load_result["summary"],
            "",
        ]
    lines += targets_section(runs, load_result, tenfold)
    text = "\n".join(lines) + "\n"
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    return text


def python_ms(row: dict[str, Any]) -> float:
    """A page's time outside its SQL: building the queries, reading the rows into objects,
    rendering. (Its SQL is the raw time of every statement it ran, run again with a cursor.)"""
    return float(row["median_ms"]) - float(row["raw_sql_ms"])


def targets_section(
    runs: list[dict[str, Any]], load_result: dict[str, Any] | None, tenfold: dict[str, Any] | None
) -> list[str]:
    """Issue 30's targets, each met or not, from the figures above, with the split of the time
    where one is not met."""
    full = {run["label"]: run for run in runs if not run.get("fifty_only") and "letters" in run}
    by_engine = {
        label: {(row["user"], row["page"]): row for row in run["pages"]}
        for label, run in full.items()
    }
    lines = ["## Issue 30's targets", ""]

    def verdict(met: bool) -> str:
        return "met" if met else "**not met**"

    lines += [
        "**Python per report page ≤ 10 ms at 1 ×** (page time less its own SQL; on PostgreSQL "
        "also the app process's CPU, which is all Python and the driver):",
        "",
        "| engine | user | page | page ms | its SQL ms | Python ms | app CPU ms | |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, rows in by_engine.items():
        for who in ("national", "force"):
            for page in REPORT_PAGES:
                row = rows.get((who, page))
                if row is None:
                    continue
                cpu = f"{row['cpu_ms']:.1f}" if label.startswith("PostgreSQL") else ""
                lines.append(
                    f"| {label} | {who} | {page} | {row['median_ms']:.1f} | "
                    f"{row['raw_sql_ms']:.1f} | {python_ms(row):.1f} | {cpu} | "
                    f"{verdict(python_ms(row) <= 10)} |"
                )
    lines += [
        "",
        "Where the overdue report's own time goes (cProfile, ms a request; it inflates Python, "
        "so compare the parts):",
        "",
    ]
    for label, run in full.items():
        for who, parts in run.get("split", {}).items():
            total = sum(parts.values()) or 1
            lines.append(
                f"- {label}, {who}: "
                + "; ".join(
                    f"{name} {ms:.1f} ({100 * ms / total:.0f} %)"
                    for name, ms in sorted(parts.items(), key=lambda item: -item[1])
                )
            )
    lines += ["", "**A signed-in page's fixed cost ≤ 2 ms and 2 queries:**", ""]
    for label, rows in by_engine.items():
        for who in ("national", "force"):
            row = rows.get((who, FIXED_COST_PAGE))
            if row is None:
                continue
            met = row["median_ms"] <= 2 and row["queries"] <= 2
            lines.append(
                f"- {label}, {who} user: {row['median_ms']:.1f} ms, {row['queries']} queries "
                f"({row['raw_sql_ms']:.1f} ms of it SQL): {verdict(met)}"
            )
    lines += ["", "**Every page ≤ max(2 × its own SQL, its own SQL + 5 ms):**", ""]
    for label, run in full.items():
        pages = [row for row in run["pages"] if "raw_sql_ms" in row and row.get("rows") is None]
        over = [
            row
            for row in pages
            if row["median_ms"] > max(2 * row["raw_sql_ms"], row["raw_sql_ms"] + 5)
        ]
        worst = sorted(over, key=python_ms, reverse=True)[:5]
        lines.append(
            f"- {label}: {len(pages) - len(over)} of {len(pages)} pages within it: "
            f"{verdict(not over)}"
            + (
                ". The most time outside their SQL: "
                + "; ".join(
                    f"{row['user']} {row['page']} {python_ms(row):.0f} ms beside "
                    f"{row['raw_sql_ms']:.0f} ms of SQL"
                    for row in worst
                )
                if worst
                else ""
            )
        )
    if load_result and load_result.get("pages"):
        lines += ["", "**Throughput ≥ 100 requests/s (a force user's) and ≥ 60 (national):**", ""]
        for page, goal in (("a force user's overdue report", 100), ("national overdue report", 60)):
            result = load_result["pages"].get(page)
            if not result:
                continue
            cpu = result["app_cpu_ms"] + result["database_cpu_ms"]
            cores = os.cpu_count() or 2
            lines.append(
                f"- {page}: {result['rps']:.1f} requests/s ({verdict(result['rps'] >= goal)}). "
                f"CPU a request {cpu:.1f} ms ({result['app_cpu_ms']:.1f} app, "
                f"{result['database_cpu_ms']:.1f} PostgreSQL), so at most about "
                f"{1000 * cores / cpu:.0f} requests/s on {cores} cores; {goal} requests/s needs "
                f"{1000 * cores / goal:.0f} ms a request in all."
            )
    if tenfold is not None:
        small = by_engine.get("PostgreSQL", {})
        flat = [
            row["median_ms"] / small[(row["user"], row["page"])]["median_ms"]
            for row in tenfold["pages"]
            if (row["user"], row["page"]) in small
        ]
        within = sum(1 for ratio in flat if ratio <= 1.25)
        lines += [
            "",
            f"**Every 50-row page within 25 % at 10 × and 1 ×:** {within} of {len(flat)} "
            f"({verdict(within == len(flat))}; the table above).",
        ]
    lines += ["", "**Meeting packs' files: a force's ≤ 3 s, a region's ≤ 15 s:**", ""]
    for label, run in full.items():
        letters = run["letters"]
        force_s = letters["force meeting pack files"] / 1000
        region_s = letters["region meeting pack files"] / 1000
        lines.append(
            f"- {label}: a force's {force_s:.1f} s ({verdict(force_s <= 3)}), a region's "
            f"{region_s:.1f} s ({verdict(region_s <= 15)})"
        )
        for area in ("force meeting pack", "region meeting pack"):
            parts = dict(letters.get(f"{area} split") or {})
            if not parts:
                continue
            page_count = int(parts.pop("pages", 0))
            lines.append(
                f"  - the {area.removesuffix(' meeting pack')}'s, timed again part by part "
                f"({letters[f'{area} rows']:,} rows, a PDF of {page_count:,} pages): "
                + "; ".join(f"{name} {seconds:.1f} s" for name, seconds in parts.items())
            )
    if "SQLite" in by_engine and "PostgreSQL" in by_engine:
        national = [
            (page, row, by_engine["PostgreSQL"][("national", page)])
            for (who, page), row in by_engine["SQLite"].items()
            if who == "national" and ("national", page) in by_engine["PostgreSQL"]
        ]
        slower = [
            f"{page} ({row['median_ms']:.0f} ms against {other['median_ms']:.0f} ms)"
            for page, row, other in national
            if row["median_ms"] > 1.5 * other["median_ms"]
        ]
        lines += [
            "",
            f"**SQLite's national pages within 1.5 × PostgreSQL's:** "
            f"{len(national) - len(slower)} of {len(national)} ({verdict(not slower)})"
            + (": not " + "; ".join(slower) if slower else "")
            + ".",
        ]
    return [*lines, ""]


def scale_section(runs: list[dict[str, Any]], tenfold: dict[str, Any]) -> list[str]:
    """Each 50-row page at 1 × and 10 × the data on PostgreSQL: the cost should stay flat. The
    1 × pages are timed before and again after the 10 × ones; the ratio is to their mean."""
    first = {
        (r["user"], r["page"]): r
        for r in next(x for x in runs if x["label"] == "PostgreSQL")["pages"]
    }
    again_run = next((x for x in runs if x["label"] == AGAIN), None)
    again = {(r["user"], r["page"]): r for r in again_run["pages"]} if again_run else {}
    counts = tenfold["counts"]
    lines = [
        "## 1 × and 10 × the data (PostgreSQL)",
        "",
        f"At 10 ×: {counts['inspections']:,} inspections, {counts['implementations']:,} "
        f"implementations, {counts['updates']:,} progress updates"
        + (f"; built in {tenfold['built']['seconds'] / 60:.0f} min" if tenfold["built"] else "")
        + ". A 50-row page should cost the same at both sizes (within 25 %). The 1 × pages are "
        "timed in the PostgreSQL run above and again straight after the 10 × ones (the "
        "machine's speed drifts during a run); the ratio is to the mean of the two. The last "
        "two columns are the page's own SQL at each size: where a page grows, they say "
        "whether its SQL does.",
        "",
        "| user | page | 1 × ms | 1 × ms, again | 10 × ms | 10 × ÷ 1 × | within 25 % "
        "| its SQL at 1 ×, ms | at 10 ×, ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for row in tenfold["pages"]:
        key = (row["user"], row["page"])
        if key not in first:
            continue
        small = [first[key]["median_ms"], *([again[key]["median_ms"]] if key in again else [])]
        ratio = row["median_ms"] / statistics.mean(small)
        repeat = f"{small[1]:.1f}" if len(small) > 1 else ""
        lines.append(
            f"| {row['user']} | {row['page']} | {small[0]:.1f} | {repeat} | "
            f"{row['median_ms']:.1f} | {ratio:.2f} | {'yes' if ratio <= 1.25 else 'no'} | "
            f"{first[key]['raw_sql_ms']:.1f} | {row['raw_sql_ms']:.1f} |"
        )
    return [*lines, ""]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        result = measure_database(sys.argv[2])
        print("@@RESULT@@" + json.dumps(result, default=str))
        return
    SQLITE.parent.mkdir(exist_ok=True)
    runs = [child("SQLite", f"sqlite:///{SQLITE}")]
    load_result = None
    if postgres_available():
        ensure_postgres_database()
        runs.append(child("PostgreSQL", POSTGRES))
        if os.environ.get("BENCH_10X", "1") != "0":
            ensure_postgres_database(POSTGRES_10X)
            runs.append(child("PostgreSQL, 10 × the data", POSTGRES_10X, scale=10))
            # 1 × again straight after, so that the machine's drift during the run shows.
            runs.append(child(AGAIN, POSTGRES, fifty_only=True))
        load_result = throughput()
    else:
        print("PostgreSQL is not running on 127.0.0.1:5432: measured SQLite only.")
    print(write_report(runs, load_result))


if __name__ == "__main__":
    main()
