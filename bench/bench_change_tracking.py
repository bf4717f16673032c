"""Change tracking: the cost of a tracked save against the same save untracked, and change-feed throughput.

Runs on PostgreSQL (DATABASE_URL, else the local test server) in its own scratch database
``lyceum_bench_spine``, created and dropped here. "Untracked" is the same save inside
``tracking.suppressed()``. The feed is read through the API view itself (parsing, the selector, rendering),
1000 entries a page, over 100,000 entries.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DB = "lyceum_bench_spine"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
SAVES = 600
FEED_ENTRIES = 100_000
PAGE = 1000


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else DEFAULT_URL


def _admin(url: str, sql: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def scratch_database() -> Iterator[None]:
    """Point Django's default connection at a fresh scratch database for the duration."""
    url = _server_url()
    _admin(url, f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
    _admin(url, f'CREATE DATABASE "{SCRATCH_DB}"')
    scratch_url = urlunparse(urlparse(url)._replace(path=f"/{SCRATCH_DB}"))
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ["DJANGO_SETTINGS_MODULE"] = "settings.test"
        os.environ["DATABASE_URL"] = scratch_url
        django.setup()
    from django.db import connections

    default = connections["default"]
    default.close()
    saved = dict(default.settings_dict)
    default.settings_dict["NAME"] = SCRATCH_DB
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connections.close_all()
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        _admin(url, f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')


def _per_call(action: Callable[[int], None], repeat: int) -> float:
    """Median seconds per call over ``repeat`` calls, after a short warm-up."""
    for i in range(20):
        action(i)
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _world() -> dict:
    from course_metadata.models import Course, CourseRun, Organization, Partner, Program, Seat, SeatType

    partner = Partner.objects.create(short_code="bench", name="Bench")
    organization = Organization.objects.create(partner=partner, key="BenchX", name="Bench University")
    course = Course.objects.create(partner=partner, key="BenchX+B101", number="B101", title="Benchmarking")
    course.authoring_organizations.add(organization)
    run = CourseRun.objects.create(course=course, key="course-v1:BenchX+B101+1T2025")
    seat = Seat.objects.create(course_run=run, type=SeatType.objects.get(slug="verified"), price=Decimal("49.00"))
    program = Program.objects.create(partner=partner, title="Bench program")
    program.courses.add(course)
    return {"course": course, "run": run, "seat": seat, "program": program, "organization": organization}


def bench_saves() -> list[tuple[str, float, float]]:
    from course_metadata.models import Course, Seat
    from course_metadata.tracking import suppressed

    world = _world()
    course = Course.objects.get(pk=world["course"].pk)
    seat = Seat.objects.get(pk=world["seat"].pk)

    def course_title(i: int) -> None:
        course.title = f"Benchmarking {i % 2}"
        course.save()

    def seat_price(i: int) -> None:
        seat.price = Decimal("49.00") + i % 2
        seat.save()

    def noop(i: int) -> None:
        course.save()

    def untracked(action: Callable[[int], None]) -> Callable[[int], None]:
        def run(i: int) -> None:
            with suppressed():
                action(i)

        return run

    cases = [
        ("course: own field changed", course_title),
        ("seat: price changed (moves run, course, program)", seat_price),
        ("course: no-op save", noop),
    ]
    return [(label, _per_call(action, SAVES), _per_call(untracked(action), SAVES)) for label, action in cases]


def bench_feed() -> tuple[float, float, int]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIRequestFactory, force_authenticate

    from course_metadata.api.changes import ChangeFeedView
    from course_metadata.changelog.cursor import START
    from course_metadata.changelog.feed import change_log_page
    from course_metadata.models import ChangeLogEntry, Course, CourseRun

    course, run = Course.objects.get(), CourseRun.objects.get()
    now = timezone.now()
    targets = [("course", course.pk, course.key), ("courserun", run.pk, run.key)]
    batch = []
    for i in range(FEED_ENTRIES):
        object_type, pk, key = targets[i % 2]
        batch.append(
            ChangeLogEntry(
                object_type=object_type, object_id=pk, key=key, uuid=course.uuid, action="upsert", timestamp=now
            )
        )
    ChangeLogEntry.objects.bulk_create(batch, batch_size=5000)
    total = ChangeLogEntry.objects.count()
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load; the planner needs it
        cursor.execute(f"ANALYZE {ChangeLogEntry._meta.db_table}")

    started = time.perf_counter()
    position, read = START, 0
    while True:
        page = change_log_page(after=position, limit=PAGE)
        read += len(page.changes)
        position = page.next_position
        if not page.has_more:
            break
    selector_rate = read / (time.perf_counter() - started)

    user = User.objects.create(username="bench", is_staff=True)
    view, factory = ChangeFeedView.as_view(), APIRequestFactory()
    started = time.perf_counter()
    after, read = None, 0
    while True:
        params = {"limit": PAGE, **({"after": after} if after else {})}
        request = factory.get("/api/v1/changes/", params)
        force_authenticate(request, user=user)
        response = view(request)
        response.render()
        body = response.data
        read += len(body["results"])
        after = body["next_cursor"]
        if not body["has_more"]:
            break
    api_rate = read / (time.perf_counter() - started)
    assert read == total, (read, total)
    return selector_rate, api_rate, read


@contextmanager
def without_consumers() -> Iterator[None]:
    """Consumers run in workers in production; in the eager test settings they would run inside each save."""
    from course_metadata.changelog import consumers

    saved = dict(consumers._consumers)
    consumers._consumers.clear()
    try:
        yield
    finally:
        consumers._consumers.update(saved)


def report() -> None:
    logging.disable(logging.INFO)
    print(f"Tracked vs untracked save (median of {SAVES}, one transaction each, consumers not run):")
    for label, tracked, untracked in bench_saves():
        print(
            f"  {label:52} tracked {tracked * 1e6:8.0f} µs   untracked {untracked * 1e6:8.0f} µs   "
            f"ratio {tracked / untracked:4.1f}x"
        )
    selector_rate, api_rate, read = bench_feed()
    print(f"Change feed, {read:,} entries in pages of {PAGE}:")
    print(f"  selector (change_log_page)        {selector_rate:12,.0f} entries/s")
    print(f"  API view (GET /api/v1/changes/)   {api_rate:12,.0f} entries/s")


def main() -> int:
    try:
        _admin(_server_url(), "SELECT 1")
    except Exception as error:
        print(f"skipped: PostgreSQL is not reachable at {_server_url()} ({error})")
        return 0
    with scratch_database(), without_consumers():
        report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
