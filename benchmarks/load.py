"""Throughput under gunicorn, measured with wrk (Debian's package): the documented deployment
(docs/deploy.md: gunicorn's sync workers, one per core) against the PostgreSQL benchmark
database, driven over loopback by wrk, whose C event loop is not the bottleneck (Python threads
were). With it, the CPU each request cost the app's workers and the database, and each worker's
share of the app's: with gthread workers and kept-alive connections one of the two workers was
seen to get no connections at all, hiding half of what the machine can serve. Bounded: a fixed
duration per page, then everything stops."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = 8101
# One sync worker per core, as docs/deploy.md runs it.
WORKERS = os.cpu_count() or 2
TICKS = os.sysconf("SC_CLK_TCK")
CONNECTIONS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
PAGES = {
    "national overdue report": ("bench.admin", "/reports/overdue/"),
    "a force user's overdue report": ("west-mercia-police.pcc", "/reports/overdue/"),
}


def session_cookie(database_url: str, username: str) -> str:
    """A signed-in session for ``username``, made in the shared database, by the backend the
    settings sign people in with (a backend not in ``AUTHENTICATION_BACKENDS`` is a signed-out
    session: every request was a redirect to the sign-in page, measured as throughput)."""
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','tracker.settings');"
        "django.setup();from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import SESSION_KEY,BACKEND_SESSION_KEY,HASH_SESSION_KEY;"
        f"from inspections.models import User;u=User.objects.get(username='{username}');"
        "s=SessionStore();s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='inspections.backends.TrackerModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash();s.create();"
        # Production asks a national administrator to have two-factor authentication set up
        # (one query a page): so does the benchmark's.
        "from allauth.mfa.totp.internal.auth import TOTP,generate_totp_secret;"
        "from inspections.signin import has_two_factor;"
        "u.is_national_admin and not has_two_factor(u) and TOTP.activate(u,generate_totp_secret());"
        "print(s.session_key)"
    )
    env = {**os.environ, **server_env(database_url)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def server_env(database_url: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-" + "k" * 60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # No TRACKER_TODAY: production mode refuses a fixed date, so the servers use the real
        # one (the data was built for 2026-11-21; the pages cost the same either way).
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def wrk(url: str, cookie: str) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{SECONDS}s",
            "--timeout",
            "30s",
            "--latency",
            "--header",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    median_ms = float(median.group(1)) * scale[median.group(2)] if median else 0.0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    served = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps,
        "median_ms": median_ms,
        "failed": float(non_2xx.group(1) if non_2xx else 0),
        "requests": float(served.group(1) if served else 0),
    }


def cpu_seconds(pid: int) -> float:
    """A process's user and system CPU so far (fields 14 and 15 of /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    """The gunicorn master's workers."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def database_cpu_seconds() -> float:
    """Every postgres process's CPU so far: the backends serving the workers, and the rest."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    total += cpu_seconds(int(entry.name))
            except OSError:
                continue
    return total


def run(database_url: str) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        summary = "Not measured: wrk is missing (apt-get install wrk; make bench installs it)."
        print(summary)
        return {"summary": summary, "pages": {}}
    os.environ["DJANGO_SECRET_KEY"] = server_env(database_url)["DJANGO_SECRET_KEY"]
    cookies = {page: session_cookie(database_url, user) for page, (user, _) in PAGES.items()}
    # Production serves hashed static files from a manifest, as a real deployment would.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, **server_env(database_url)},
        check=True,
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "tracker.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **server_env(database_url)},
    )
    results: dict[str, dict[str, Any]] = {}
    try:
        wait_until_up()
        for page, (_, path) in PAGES.items():
            answers_the_page(path, cookies[page])
            workers = children(server.pid)
            before = {pid: cpu_seconds(pid) for pid in workers}
            database_before = database_cpu_seconds()
            results[page] = dict(wrk(f"http://127.0.0.1:{PORT}{path}", cookies[page]))
            spent = {pid: cpu_seconds(pid) - before[pid] for pid in workers}
            requests = max(results[page]["requests"], 1)
            results[page]["app_cpu_ms"] = sum(spent.values()) * 1000 / requests
            results[page]["database_cpu_ms"] = (
                (database_cpu_seconds() - database_before) * 1000 / requests
            )
            total = sum(spent.values()) or 1
            results[page]["shares"] = sorted(
                (round(100 * seconds / total) for seconds in spent.values()), reverse=True
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        f"- {page}: {r['rps']:.1f} requests/s, median latency {r['median_ms']:.0f} ms; CPU a "
        f"request: {r['app_cpu_ms']:.1f} ms in the app's workers, {r['database_cpu_ms']:.1f} ms "
        f"in PostgreSQL; the workers' shares of the app's CPU: "
        + " / ".join(f"{share} %" for share in r["shares"])
        + (f"; {r['failed']:.0f} failed" if r["failed"] else "")
        for page, r in results.items()
    ]
    summary = "\n".join(
        [
            *lines,
            "",
            f"Tool: wrk, 2 threads, {CONNECTIONS} keep-alive connections, {SECONDS} s per page, "
            f"on loopback on the same {os.cpu_count()}-core machine as the server. Server: one "
            f"gunicorn, {WORKERS} sync workers (docs/deploy.md), production settings, the "
            "PostgreSQL benchmark database. CPU is each process's user and system time over the "
            "run (/proc), divided by the requests served: the app's is its workers', "
            "PostgreSQL's every postgres process's on the machine.",
        ]
    )
    print(summary)
    return {"summary": summary, "pages": results}


def answers_the_page(path: str, cookie: str) -> None:
    """The page itself, before it is timed: wrk counts a redirect (to the sign-in page, say)
    as an answer, and a fast one."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    status = connection.getresponse().status
    if status != 200:
        raise SystemExit(f"{path} answered {status}, not the page: throughput not measured.")


def wait_until_up() -> None:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("HEAD", "/")
            return
        except OSError:
            time.sleep(0.2)
