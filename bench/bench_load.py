"""Mixed load through gunicorn on PostgreSQL: many clients reading and editing the same courses at once.

Creates a scratch database (``lyceum_bench_load``), migrates and seeds it (``seed_catalog``), adds a few
catalogs and a staff editor, and serves it with gunicorn (``gunicorn.conf.py``, ``settings.production``
with tasks handed to Redis and one Celery worker draining them). Then ``BENCH_LOAD_CLIENTS`` threads run
for ``BENCH_LOAD_SECONDS``; each operation is, with equal odds:

* a read: a course or run list page, a course or run detail, the catalog list or one catalog, or the next
  page of the change feed (each client follows its own cursor);
* an edit of one of 20 shared courses or one of their runs: read it with ``?editable=1`` for its ETag and
  text (the course's full description, the run's OFAC comment: fields the read API shows as stored),
  PATCH it with a unique token appended and ``If-Match``, and on 412 read and try again.

It prints requests per second, p50/p99 latency per kind, status counts and lost writes: tokens whose PATCH
was answered 200 but which are missing from the final editable row. Targets: no 5xx, no lost writes.

Environment: ``BENCH_LOAD_CLIENTS`` (50), ``BENCH_LOAD_SECONDS`` (60), ``BENCH_LOAD_COURSES`` (seeded, 500),
``BENCH_LOAD_WORKERS`` (gunicorn workers, 4), ``BENCH_LOAD_CELERY`` (1: run a Celery worker),
``BENCH_LOAD_BROKER_URL`` (redis://127.0.0.1:6379/13), ``BENCH_LOAD_CACHE_URL`` (redis://127.0.0.1:6379/14), ``BENCH_LOAD_SETTINGS`` (settings.production),
``BENCH_PG_URL`` (postgres://postgres@127.0.0.1:5432), ``BENCH_LOAD_KEEP_DB=1`` to keep the database.
Arguments after ``load`` are not used: ``make bench ARGS=load`` with the variables above, e.g.
``BENCH_LOAD_CLIENTS=10 BENCH_LOAD_SECONDS=10 make bench ARGS=load``.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypedDict

import psycopg

from bench.harness import PROJECT_DIR, PYTHON, admin_execute, database_url, free_port, manage

DATABASE = "lyceum_bench_load"
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
COURSES = int(os.environ.get("BENCH_LOAD_COURSES", "500"))
WORKERS = os.environ.get("BENCH_LOAD_WORKERS", "4")
RUN_CELERY = os.environ.get("BENCH_LOAD_CELERY", "1") == "1"
BROKER_URL = os.environ.get("BENCH_LOAD_BROKER_URL", "redis://127.0.0.1:6379/13")
SETTINGS = os.environ.get("BENCH_LOAD_SETTINGS", "settings.production")
KEEP_DB = os.environ.get("BENCH_LOAD_KEEP_DB") == "1"
SHARED_COURSES = 20
LIST_PAGES = max(1, min(10, COURSES // 20))  # pages of 20 that exist (runs: two per course)
TOKEN_PREFIX = "bench-token-"
MAX_ATTEMPTS = 50  # an edit that keeps losing the race gives up (reported) rather than spin forever
REQUEST_TIMEOUT = 120

# Run with settings.local (tasks eager, one transaction per write) against the bench database.
SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from catalog.services.catalogs import catalog_create
from course_metadata.models import Course, CourseRun, Organization

user, _ = get_user_model().objects.get_or_create(username="bench-load", defaults={"is_staff": True})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
# The backend a login through the site would record (a session naming another is refused).
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
catalogs = [
    catalog_create(title=f"Bench {organization.key}", query={"org": organization.key}).pk
    for organization in Organization.objects.order_by("pk")[:4]
]
courses = list(Course.objects.official().filter(course_runs__draft=False).distinct().order_by("pk")[:%(shared)d])
runs = [CourseRun.objects.official().filter(course=course).order_by("pk").first() for course in courses]
print(json.dumps({
    "session": session.session_key,
    "catalogs": catalogs,
    "courses": [str(course.uuid) for course in courses],
    "runs": [{"key": run.key, "uuid": str(run.uuid)} for run in runs],
}))
"""


class Setup(TypedDict):
    session: str
    catalogs: list[int]
    courses: list[str]
    runs: list[dict[str, str]]


@dataclass
class Target:
    """One shared row the clients edit: its PATCH path, the text field they append to, and what was acknowledged."""

    kind: str  # "course" or "courserun"
    path: str
    uuid: str
    text_field: str
    acknowledged: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    gave_up: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int | str, elapsed_ms: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed_ms)
            self.statuses[f"{kind} {status}"] += 1


def prepare(env: dict[str, str]) -> Setup:
    admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{DATABASE}"')
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v0", env=env)
    seed = ("--courses", str(COURSES), "--runs-per-course", "2", "--seed", "11", "--no-progress", "-v0")
    manage("seed_catalog", *seed, env=env)
    output = manage("shell", "-c", SETUP % {"shared": SHARED_COURSES}, env=env, capture=True)
    print(f"database ready in {time.perf_counter() - started:.0f}s ({COURSES} courses)", flush=True)
    return json.loads(output.strip().splitlines()[-1])


@contextmanager
def process(command: list[str], env: dict[str, str], log: IO[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited during startup") from None
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


class Client:
    """One simulated user: a staff editor's session, used from one thread."""

    def __init__(self, port: int, session: str, tally: Tally, seed: int) -> None:
        self.port = port
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        self.cookie = f"sessionid={session}; csrftoken={self.csrf}"
        self.tally = tally
        self.random = random.Random(seed)
        self.feed_after: str | None = None

    def request(
        self, kind: str, method: str, path: str, body: dict[str, Any] | None = None, **headers: str
    ) -> tuple[int | None, str | None, dict[str, Any]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        all_headers = {"Cookie": self.cookie, "Accept": "application/json", **headers}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers.update({"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        started = time.perf_counter()
        try:
            connection.request(method, path, body=payload, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
        except OSError as error:
            self.tally.add(kind, type(error).__name__, (time.perf_counter() - started) * 1000)
            return None, None, {}
        finally:
            connection.close()
        self.tally.add(kind, response.status, (time.perf_counter() - started) * 1000)
        parsed = (
            json.loads(data) if data and response.getheader("Content-Type", "").startswith("application/json") else None
        )
        return response.status, response.getheader("ETag"), parsed or {}

    def read(self, setup: Setup) -> None:
        api = "/api/v1"
        choice = self.random.randrange(7)
        if choice == 0:
            self.request("read list", "GET", f"{api}/courses/?page_size=20&page={self.random.randint(1, LIST_PAGES)}")
        elif choice == 1:
            self.request(
                "read list", "GET", f"{api}/course_runs/?page_size=20&page={self.random.randint(1, LIST_PAGES)}"
            )
        elif choice == 2:
            uuid = self.random.choice(setup["courses"])
            self.request("read detail", "GET", f"{api}/courses/{uuid}/")
        elif choice == 3:
            run = self.random.choice(setup["runs"])
            self.request("read detail", "GET", f"{api}/course_runs/{run['key']}/")
        elif choice == 4:
            self.request("read catalog", "GET", f"{api}/catalogs/")
        elif choice == 5:
            catalog = self.random.choice(setup["catalogs"])
            self.request("read catalog", "GET", f"{api}/catalogs/{catalog}/")
        else:
            after = f"&after={urllib.parse.quote(self.feed_after)}" if self.feed_after else ""
            status, _, page = self.request("read changes", "GET", f"{api}/changes/?limit=100{after}")
            if status == 200 and page.get("next_cursor"):
                self.feed_after = page["next_cursor"]

    def edit(self, target: Target, token: str) -> None:
        for _ in range(MAX_ATTEMPTS):
            status, etag, row = self.request("write read", "GET", f"{target.path}?editable=1")
            if status != 200 or not etag:
                continue
            text = row.get(target.text_field) or ""
            status, _, _ = self.request(
                "write patch",
                "PATCH",
                target.path,
                {target.text_field: f"{text} {token}".strip()},
                **{"If-Match": etag},
            )
            if status == 200:
                with target.lock:
                    target.acknowledged.add(token)
                return
            if status != 412:
                return  # an error is counted in the status table; the token was not acknowledged
            with self.tally.lock:
                self.tally.retries += 1
        with self.tally.lock:
            self.tally.gave_up += 1


def warm_up(port: int, setup: Setup, tally: Tally) -> None:
    """Until every worker has loaded the app and answered (not measured): the port opens before that."""
    client = Client(port, setup["session"], tally, seed=-1)
    for _ in range(4 * int(WORKERS)):
        status, _, _ = client.request("warm-up", "GET", f"/api/v1/courses/{setup['courses'][0]}/")
        if status != 200:
            raise RuntimeError(f"the server answered {status} while warming up")


def run_clients(port: int, setup: Setup, targets: list[Target], tally: Tally) -> float:
    deadline = time.monotonic() + SECONDS
    start = threading.Barrier(CLIENTS + 1)

    def work(index: int) -> None:
        client = Client(port, setup["session"], tally, seed=index)
        start.wait()
        sequence = 0
        while time.monotonic() < deadline:
            if client.random.random() < 0.5:
                client.read(setup)
            else:
                sequence += 1
                client.edit(client.random.choice(targets), f"{TOKEN_PREFIX}{index}-{sequence}")

    threads = [threading.Thread(target=work, args=(index,), daemon=True) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def lost_writes(targets: list[Target]) -> tuple[int, int, int]:
    """(acknowledged tokens, acknowledged but missing from the final editable row, present but never acknowledged)."""
    acknowledged = missing = unacknowledged = 0
    with psycopg.connect(database_url(DATABASE)) as connection:
        for target in targets:
            table = "course_metadata_course" if target.kind == "course" else "course_metadata_courserun"
            column = target.text_field  # the read API shows both fields as stored
            row = connection.execute(
                f"SELECT {column} FROM {table} WHERE uuid = %s ORDER BY draft DESC LIMIT 1",
                [target.uuid],
            ).fetchone()
            present = {word for word in (row[0] if row else "").split() if word.startswith(TOKEN_PREFIX)}
            acknowledged += len(target.acknowledged)
            missing += len(target.acknowledged - present)
            unacknowledged += len(present - target.acknowledged)
    return acknowledged, missing, unacknowledged


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(tally: Tally, elapsed: float, writes: tuple[int, int, int]) -> bool:
    total = sum(len(values) for values in tally.latencies.values())
    everything = [value for values in tally.latencies.values() for value in values]
    print(f"\n{CLIENTS} clients for {elapsed:.1f}s: {total:,} requests, {total / elapsed:,.1f} requests/s")
    print(f"\n{'kind':<16} {'requests':>9} {'p50 ms':>9} {'p99 ms':>9}")
    for kind in sorted(tally.latencies):
        values = tally.latencies[kind]
        print(f"{kind:<16} {len(values):>9,} {percentile(values, 0.5):>9.1f} {percentile(values, 0.99):>9.1f}")
    print(f"{'all':<16} {total:>9,} {percentile(everything, 0.5):>9.1f} {percentile(everything, 0.99):>9.1f}")
    print("\nstatuses:")
    for label, count in sorted(tally.statuses.items()):
        print(f"  {label:<24} {count:>8,}")
    acknowledged, missing, unacknowledged = writes
    server_errors = sum(
        count
        for label, count in tally.statuses.items()
        if not label.rsplit(" ", 1)[1].isdigit() or label.endswith(("500", "502", "503", "504"))
    )
    print(
        f"\nwrites: {acknowledged:,} acknowledged, {tally.retries:,} retried after 412, {tally.gave_up} gave up; "
        f"lost (acknowledged, missing): {missing}; present but not acknowledged: {unacknowledged}"
    )
    unexpected = sum(count for label, count in tally.statuses.items() if label.rsplit(" ", 1)[1] not in {"200", "412"})
    checks = {
        "no server errors or dropped connections": server_errors == 0,
        "every request answered 200 (or 412 to a stale If-Match)": unexpected == 0,
        "no lost writes": missing == 0,
    }
    print()
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    summary = {
        "requests_per_second": round(total / elapsed, 1),
        "p50_ms": round(percentile(everything, 0.5), 1),
        "p99_ms": round(percentile(everything, 0.99), 1),
        "server_errors": server_errors,
        "other_unexpected_statuses": unexpected - server_errors,
        "acknowledged_writes": acknowledged,
        "lost_writes": missing,
    }
    print(json.dumps(summary))
    return all(checks.values())


def main() -> int:
    base_env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE),
        "PYTHONPATH": str(PROJECT_DIR),
        # 412s are expected here and logged as warnings by Django: keep the figures readable.
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
    }
    # One signing key for both: the session made by the setup must be valid for the server.
    base_env["SECRET_KEY"] = secrets.token_urlsafe(50)
    base_env["LYCEUM_SECRETS_KEY"] = secrets.token_urlsafe(50)
    setup_env = {**base_env, "DJANGO_SETTINGS_MODULE": "settings.local", "DEBUG": "0"}
    served_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "JWT_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_BROKER_URL": BROKER_URL,
        # Production's cache (failed-login counts) is Redis; the compose host name does not exist here.
        "LYCEUM_CACHE_URL": os.environ.get("BENCH_LOAD_CACHE_URL", "redis://127.0.0.1:6379/14"),
        "LYCEUM_SECURE_COOKIES": "0",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_WORKERS": WORKERS,
    }
    try:
        setup = prepare(setup_env)
        api = "/api/v1"
        targets = [Target("course", f"{api}/courses/{uuid}/", uuid, "full_description") for uuid in setup["courses"]]
        targets += [
            Target("courserun", f"{api}/course_runs/{run['key']}/", run["uuid"], "ofac_comment")
            for run in setup["runs"]
        ]
        port = free_port()
        tally = Tally()
        celery = [PYTHON, "-m", "celery", "-A", "settings", "worker", "--pool=solo", "--loglevel=WARNING"]
        gunicorn = [PYTHON, "-m", "gunicorn", "settings.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        log = tempfile.NamedTemporaryFile(prefix="bench_load_", suffix=".log", delete=False)  # noqa: SIM115
        with process(gunicorn, served_env, log) as server:
            wait_for_port(port, server)
            warm_up(port, setup, tally=Tally())
            with process(celery, served_env, log) if RUN_CELERY else nullcontext():
                print(
                    f"serving with {SETTINGS}, {WORKERS} gunicorn workers; {CLIENTS} clients for {SECONDS:.0f}s",
                    flush=True,
                )
                elapsed = run_clients(port, setup, targets, tally)
        log.close()
        ok = report(tally, elapsed, lost_writes(targets))
        server_log = Path(log.name).read_text(errors="replace")
        print(f"server and worker log: {log.name} ({server_log.count('Traceback')} tracebacks)")
        return 0 if ok else 1
    finally:
        if not KEEP_DB:
            admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@contextmanager
def nullcontext() -> Iterator[None]:  # contextlib's is typed for a value; this one yields nothing
    yield


if __name__ == "__main__":
    sys.exit(main())
