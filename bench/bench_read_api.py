"""Read API latency through a real HTTP server: 10,000 courses (3 runs each) in PostgreSQL, gunicorn,
sequential requests.

Creates a scratch database (``lyceum_bench_api``), migrates it, seeds it with ``manage.py seed_catalog``,
marks 1% of the courses as recently changed, serves it with gunicorn (settings.local + DATABASE_URL) on
a free local port and prints, per request kind: median and p90 latency, SQL queries per request (counted
server-side, ``bench/read_api_wsgi.py``) and response bytes. The database is dropped afterwards.

Environment: ``BENCH_API_COURSES`` (10000), ``BENCH_API_REQUESTS`` (30 per kind), ``BENCH_PG_URL``
(postgres://postgres@127.0.0.1:5432), ``BENCH_API_DATABASE`` (lyceum_bench_api), ``BENCH_API_KEEP_DB=1`` to keep the database and ``BENCH_API_REUSE_DB=1``
to measure a kept one again without seeding.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from bench.harness import PROJECT_DIR, PYTHON, admin_execute, database_url, free_port, manage

DATABASE = os.environ.get("BENCH_API_DATABASE", "lyceum_bench_api")
COURSES = int(os.environ.get("BENCH_API_COURSES", "10000"))
REQUESTS = max(20, int(os.environ.get("BENCH_API_REQUESTS", "30")))
KEEP_DB = os.environ.get("BENCH_API_KEEP_DB") == "1"
REUSE_DB = os.environ.get("BENCH_API_REUSE_DB") == "1"
RECENT_SHARE = 0.01

# Targets from the read API issue, on a 2-core machine.
TARGET_LIST_MS, TARGET_LIST_QUERIES, TARGET_DETAIL_MS = 150.0, 12, 20.0

CREATE_READER = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
user, _ = get_user_model().objects.get_or_create(username="bench-reader")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "settings.authentication.backends.ThrottledModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


@dataclass
class Measurement:
    name: str
    latencies_ms: list[float]
    queries: set[int]
    sizes: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p90(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    def row(self) -> str:
        queries = "/".join(str(q) for q in sorted(self.queries))
        return (
            f"{self.name:<44} {self.median:>8.1f} {self.p90:>8.1f} {queries:>8} {statistics.median(self.sizes):>11,.0f}"
        )


def seeded_database_exists() -> bool:
    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is None:
            return False
    try:
        with psycopg.connect(database_url(DATABASE)) as connection:
            return bool(connection.execute("SELECT count(*) FROM course_metadata_course").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return False


def prepare_database(env: dict[str, str]) -> None:
    if REUSE_DB and seeded_database_exists():
        print(f"reusing {DATABASE}", flush=True)
        return
    admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v0", env=env)
    print(f"migrated in {time.perf_counter() - started:.0f}s", flush=True)
    started = time.perf_counter()
    manage(
        "seed_catalog",
        *("--courses", str(COURSES), "--runs-per-course", "3", "--seed", "7", "--no-progress", "-v0"),
        env=env,
    )
    print(f"seeded {COURSES:,} courses in {time.perf_counter() - started:.0f}s", flush=True)


def mark_recent_changes() -> tuple[list[str], str]:
    """Every course last changed a month ago except 1%, changed an hour ago; returns their keys and a cutoff."""
    with psycopg.connect(database_url(DATABASE), autocommit=True) as connection:
        total = connection.execute("SELECT count(*) FROM course_metadata_course WHERE NOT draft").fetchone()[0]  # type: ignore[index]
        recent = max(1, round(total * RECENT_SHARE))
        connection.execute("UPDATE course_metadata_course SET data_modified_timestamp = now() - interval '30 days'")
        keys = [
            row[0]
            for row in connection.execute(
                "SELECT key FROM course_metadata_course WHERE NOT draft ORDER BY md5(key) LIMIT %s", [recent]
            )
        ]
        connection.execute(
            "UPDATE course_metadata_course SET data_modified_timestamp = now() - interval '1 hour' "
            "WHERE NOT draft AND key = ANY(%s)",
            [keys],
        )
        cutoff = connection.execute(
            "SELECT to_char(now() - interval '2 hours', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        ).fetchone()[0]  # type: ignore[index]
        connection.execute("VACUUM ANALYZE")
        stats = connection.execute(
            "SELECT (SELECT count(*) FROM course_metadata_courserun WHERE NOT draft),"
            " (SELECT count(*) FROM course_metadata_seat WHERE NOT draft),"
            " (SELECT count(*) FROM course_metadata_program)"
        ).fetchone()
    print(f"catalog: {total:,} courses, {stats[0]:,} runs, {stats[1]:,} seats, {stats[2]:,} programs", flush=True)  # type: ignore[index]
    return sorted(keys), str(cutoff)


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[None]:
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "read_api_wsgi:application",
            "--pythonpath",
            f"{PROJECT_DIR},{PROJECT_DIR / 'bench'}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn exited during startup") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def fetch(port: int, path: str, session: str) -> tuple[float, int, int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}", "Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return elapsed, response.status, int(response.getheader("X-Query-Count", "-1")), len(body)


def measure(name: str, paths: list[str], port: int, session: str) -> Measurement:
    for index in range(10):  # warm both worker processes (their connections) and the database caches
        fetch(port, paths[index % len(paths)], session)
    result = Measurement(name, [], set(), [])
    for index in range(REQUESTS):
        path = paths[index % len(paths)]
        elapsed, status, queries, size = fetch(port, path, session)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        result.latencies_ms.append(elapsed)
        result.queries.add(queries)
        result.sizes.append(size)
    return result


def run(port: int, session: str, recent_keys: list[str], cutoff: str, sample_keys: list[str]) -> list[Measurement]:
    api = "/api/v1"
    pages = range(1, 21)
    keys = urllib.parse.quote(",".join(recent_keys), safe=",")
    size = len(recent_keys)
    return [
        measure("courses/?page_size=100", [f"{api}/courses/?page_size=100&page={p}" for p in pages], port, session),
        measure(
            "course_runs/?page_size=100", [f"{api}/course_runs/?page_size=100&page={p}" for p in pages], port, session
        ),
        measure("programs/?page_size=20", [f"{api}/programs/?page_size=20&page={p}" for p in pages], port, session),
        measure(
            "courses/{key}/",
            [f"{api}/courses/{urllib.parse.quote(key, safe='+')}/" for key in sample_keys],
            port,
            session,
        ),
        measure(
            f"courses/?timestamp=<1%: {size}>",
            [f"{api}/courses/?timestamp={cutoff}&page_size={size}"],
            port,
            session,
        ),
        measure(f"courses/?keys=<the same {size}>", [f"{api}/courses/?keys={keys}&page_size={size}"], port, session),
    ]


def report(results: list[Measurement]) -> bool:
    print(f"\n{'request':<44} {'median':>8} {'p90':>8} {'queries':>8} {'bytes':>11}")
    print(f"{'':<44} {'ms':>8} {'ms':>8}")
    for result in results:
        print(result.row())
    courses, detail = results[0], results[3]
    timestamp, keys = results[4], results[5]
    checks = {
        f"courses/?page_size=100 median < {TARGET_LIST_MS:.0f} ms": courses.median < TARGET_LIST_MS,
        f"courses/?page_size=100 <= {TARGET_LIST_QUERIES} queries": max(courses.queries) <= TARGET_LIST_QUERIES,
        f"courses/{{key}}/ median < {TARGET_DETAIL_MS:.0f} ms": detail.median < TARGET_DETAIL_MS,
        # "no more than by key", with 10% allowance for timer noise between two equal-cost requests
        "timestamp (1%) costs no more than the same courses by key": timestamp.median <= keys.median * 1.10
        and max(timestamp.queries) <= max(keys.queries),
    }
    print()
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    return all(checks.values())


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.local",
        "DATABASE_URL": database_url(DATABASE),
        "PYTHONPATH": str(PROJECT_DIR),
        # Per-batch consumer logging and the access log would bury the figures.
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "GUNICORN_ACCESS_LOG": "",
        # Served as in production: no debug pages, no query log.
        "DEBUG": "0",
    }
    try:
        prepare_database(env)
        recent_keys, cutoff = mark_recent_changes()
        session = manage("shell", "-c", CREATE_READER, env=env, capture=True).strip().splitlines()[-1]
        with psycopg.connect(database_url(DATABASE)) as connection:
            sample_keys = [
                row[0]
                for row in connection.execute(
                    "SELECT key FROM course_metadata_course WHERE NOT draft ORDER BY md5(key || 'x') LIMIT 20"
                )
            ]
        port = free_port()
        with gunicorn(env, port):
            results = run(port, session, recent_keys, cutoff, sample_keys)
        ok = report(results)
        print(json.dumps({result.name: round(result.median, 1) for result in results}))
        return 0 if ok else 1
    finally:
        if not KEEP_DB:
            admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
