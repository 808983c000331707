"""Throughput of the overdue report under gunicorn: two instances on different ports (one
worker each, so 2 workers in all) sharing one PostgreSQL database, driven by concurrent clients
on loopback. The load is bounded: a fixed time, and it stops by itself."""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = (8101, 8102)
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
PATH = "/reports/overdue/"


def session_cookie(database_url: str) -> str:
    """A signed-in session for the national administrator, made in the shared database."""
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','tracker.settings');"
        "django.setup();from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import SESSION_KEY,BACKEND_SESSION_KEY,HASH_SESSION_KEY;"
        "from inspections.models import User;u=User.objects.get(username='bench.admin');"
        "s=SessionStore();s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash();s.create();print(s.session_key)"
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
        "TRACKER_TODAY": "2026-11-21",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def run(database_url: str) -> dict:
    os.environ["DJANGO_SECRET_KEY"] = server_env(database_url)["DJANGO_SECRET_KEY"]
    cookie = session_cookie(database_url)
    # Production serves hashed static files from a manifest, as a real deployment would.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, **server_env(database_url)},
        check=True,
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers = [
        subprocess.Popen(
            [
                gunicorn,
                "tracker.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **server_env(database_url)},
        )
        for port in PORTS
    ]
    try:
        wait_until_up()
        latencies: list[float] = []
        errors = [0]
        statuses: list[int] = []
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def client(index: int) -> None:
            port = PORTS[index % len(PORTS)]
            while time.monotonic() < deadline:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                started = time.perf_counter()
                try:
                    connection.request("GET", PATH, headers={"Cookie": f"sessionid={cookie}"})
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                    if not ok and not statuses:
                        statuses.append(response.status)
                except OSError:
                    ok = False
                finally:
                    connection.close()
                with lock:
                    if ok:
                        latencies.append((time.perf_counter() - started) * 1000)
                    else:
                        errors[0] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    if statuses:
        print(f"First failed answer: HTTP {statuses[0]}")
    rps = len(latencies) / elapsed if elapsed else 0.0
    median = statistics.median(latencies) if latencies else 0.0
    summary = (
        f"{rps:.1f} requests/s over {elapsed:.0f} s ({len(latencies)} answered, {errors[0]} "
        f"failed), median latency {median:.0f} ms. Tool: benchmarks/load.py (Python threads, "
        f"{CLIENTS} concurrent clients, a new HTTP connection per request, on loopback, on the "
        f"same 2-core machine as the servers). Servers: 2 gunicorn instances "
        f"(ports {PORTS[0]} and {PORTS[1]}, 1 sync worker each) in production mode against "
        "one PostgreSQL database; the national administrator's overdue report."
    )
    print(summary)
    return {"rps": rps, "median_ms": median, "summary": summary}


def wait_until_up() -> None:
    for port in PORTS:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("HEAD", "/")
                break
            except OSError:
                time.sleep(0.2)
