"""Catalogs: server-side diff, incremental membership upkeep, and the full membership rebuild.

Runs on PostgreSQL in its own scratch database ``lyceum_bench_catalogs`` (created and dropped here), in a
child process so its Django setup and change-log consumers do not mix with other benchmarks'.

* Diff: 100,000 provided keys (90,000 members and 10,000 unknown) against a 100,000-member catalog,
  through the API view (parse, diff, render) and the service alone, with the query count and the
  service's peak Python memory.
* Incremental: a single course edit with 10,000 catalogs defined, timed as the consumer's ``consume()``
  call that processes it (reading the log, rebuilding the course, run and program documents, candidate
  lookups, evaluation, membership writes, version bumps).
* Rebuild: ``rebuild_catalog_membership`` over 1,000 catalogs and 200,000 documents (50,000 courses and
  150,000 runs): first from empty membership, then again as a no-op verification pass.

The 200,000 documents are written directly (COPY), not built from 50,000 seeded courses: the rebuild reads
documents only, and seeding that many courses through the ORM would dominate the run. Document building
from real rows is measured separately on 2,000 courses (6,000 runs).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.catalogs_seed import COURSES, RUNS_PER_COURSE, SEED, catalog_queries, create_catalogs, real_course

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DB = "lyceum_bench_catalogs"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
CATALOGS = 1_000
CATALOGS_FOR_CHANGES = 10_000
DIFF_KEYS = 100_000


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else DEFAULT_URL


def _admin(sql: str) -> None:
    import psycopg

    parsed = urlparse(_server_url())
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    """Run the benchmark in a child process against a fresh scratch database; drop it afterwards."""
    _admin(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
    _admin(f'CREATE DATABASE "{SCRATCH_DB}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.test",
        "DATABASE_URL": urlunparse(urlparse(_server_url())._replace(path=f"/{SCRATCH_DB}")),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT_DIR),
    }
    try:
        code = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=PROJECT_DIR, check=False).returncode
        # bench/run.py reads 1 as True (success): report any failure as 2.
        return 0 if code == 0 else 2
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')


# --- the child ------------------------------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # Work is driven explicitly below: committing must not run every consumer eagerly.
    from course_metadata.changelog import consumers

    consumers.request_processing = lambda: None


def _timed(label: str) -> Any:
    class Timer:
        def __enter__(self) -> Timer:
            self.started = time.perf_counter()
            return self

        def __exit__(self, *exc: object) -> None:
            self.seconds = time.perf_counter() - self.started
            print(f"  {label}: {self.seconds:.2f} s", flush=True)

    return Timer()


def bench_rebuild() -> dict[str, float]:
    from io import StringIO

    from django.core.management import call_command

    from catalog.models import CatalogMembership

    print(f"Full rebuild: {CATALOGS:,} catalogs over {COURSES:,} courses and {COURSES * RUNS_PER_COURSE:,} runs")
    create_catalogs(catalog_queries(random.Random(SEED + 1), CATALOGS))
    with _timed("first rebuild (empty membership)") as first:
        call_command("rebuild_catalog_membership", "--force", "--no-progress", stdout=StringIO())
    members = CatalogMembership.objects.count()
    print(f"  membership rows written: {members:,}")
    with _timed("second rebuild (verification, nothing to change)") as second:
        out = StringIO()
        call_command("rebuild_catalog_membership", "--no-progress", stdout=out)
    print(f"  {out.getvalue().strip().splitlines()[-1]}")
    return {"rebuild_first_s": first.seconds, "rebuild_second_s": second.seconds, "members": members}


def bench_diff() -> dict[str, float]:
    import orjson
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Catalog, CatalogMembership
    from catalog.services.diff import catalog_diff

    catalog = Catalog.objects.get(title="Bench catalog 0")
    size = CatalogMembership.objects.filter(catalog=catalog).count()
    print(f"Diff: {DIFF_KEYS:,} provided keys against a {size:,}-member catalog")
    rng = random.Random(SEED + 2)
    member_keys = list(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))
    keys = rng.sample(member_keys, 90_000) + [f"unknown-{index}" for index in range(10_000)]
    rng.shuffle(keys)
    body = orjson.dumps({"content_keys": keys})
    client = Client()
    client.force_login(User.objects.create(username="bench", is_staff=True))
    url = f"/api/v1/catalogs/{catalog.pk}/diff/"
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, body, content_type="application/json")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:500]
    result = orjson.loads(response.content)
    print(
        f"  buckets: found {len(result['items_found']):,}, not found {len(result['items_not_found']):,}, "
        f"not included {len(result['items_not_included']):,}; {len(queries)} SQL queries per request"
    )
    print(f"  through the view (parse, diff, render; {len(response.content) / 1e6:.1f} MB): "
          f"median {statistics.median(timings):.3f} s, best {min(timings):.3f} s")  # fmt: skip
    service = []
    for _ in range(5):
        started = time.perf_counter()
        catalog_diff(catalog=catalog, content_keys=keys)
        service.append(time.perf_counter() - started)
    tracemalloc.start()
    catalog_diff(catalog=catalog, content_keys=keys)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  service alone: median {statistics.median(service):.3f} s; peak Python memory {peak / 1e6:.0f} MB")
    etag = response["ETag"]
    started = time.perf_counter()
    cached = client.post(url, body, content_type="application/json", HTTP_IF_NONE_MATCH=etag)
    print(f"  If-None-Match with the synced version: {cached.status_code} in {time.perf_counter() - started:.3f} s")
    return {"diff_view_s": statistics.median(timings), "diff_service_s": statistics.median(service)}


def _drain(name: str) -> tuple[int, float]:
    """Run the consumer until it processes something; returns (entries, seconds of the call that did)."""
    from course_metadata.changelog.consumers import consume

    for _ in range(400):
        started = time.perf_counter()
        processed = consume(name)
        seconds = time.perf_counter() - started
        if processed:
            return processed, seconds
        time.sleep(0.01)  # the feed holds entries back while an older transaction may still commit
    raise RuntimeError("the change never reached the consumer")


def bench_csv() -> dict[str, float]:
    """The CSV export of a catalog of every run (archived included), streamed through the view."""
    from django.contrib.auth.models import User
    from django.http import StreamingHttpResponse
    from django.test import Client

    from catalog.models import Catalog
    from catalog.services.membership import catalog_membership_rebuild

    (catalog,) = create_catalogs([{"content_type": "courserun"}])
    Catalog.objects.filter(pk=catalog.pk).update(include_archived=True)
    catalog.refresh_from_db()
    catalog_membership_rebuild(catalog=catalog, force=True)
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/api/v1/catalogs/{catalog.pk}/csv/")
    if not isinstance(response, StreamingHttpResponse):
        raise RuntimeError(f"the CSV export answered {response.status_code} without streaming")
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"CSV: {rows - 1:,} run rows ({size / 1e6:.1f} MB) streamed in {seconds:.2f} s; peak Python memory {peak / 1e6:.1f} MB"
    )
    return {"csv_s": seconds}


def bench_incremental() -> dict[str, float]:
    from django.db import connection, transaction

    from catalog.consumers import CONSUMER_NAME
    from catalog.models import Catalog
    from catalog.services.refresh import content_changes_apply
    from course_metadata.changelog.consumers import register_consumer
    from course_metadata.models import Course, LevelType

    extra = CATALOGS_FOR_CHANGES - Catalog.objects.count()
    create_catalogs(catalog_queries(random.Random(SEED + 3), extra + 2)[2:])
    # A live database's statistics know its catalogs (autovacuum analyzes a table that grew by a tenth
    # within a minute); these 9,000 were inserted a moment ago.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_catalog, catalog_catalogqueryindex, catalog_catalogmembership")
    total = Catalog.objects.count()
    print(f"Incremental: one course edit with {total:,} catalogs defined")
    stats_seen: list[Any] = []

    def handler(changes: list[Any]) -> None:
        from django.utils import timezone

        stats_seen.append(content_changes_apply(changes=changes, now=timezone.now()))

    register_consumer(CONSUMER_NAME, handler)
    course = real_course("Org007", "BENCH1")
    _drain(CONSUMER_NAME)  # the initial documents of the new course, runs and program
    levels = ["Advanced", "Introductory"]
    timings = []
    for index in range(12):
        stats_seen.clear()
        with transaction.atomic():
            edited = Course.objects.get(pk=course.pk)
            edited.title = f"Bench course, edit {index}"
            if index % 2:
                edited.level_type, _ = LevelType.objects.get_or_create(name=levels[index % 4 // 2])
            edited.save()
        entries, seconds = _drain(CONSUMER_NAME)
        timings.append(seconds)
    last = stats_seen[-1]
    print(
        f"  per edit: {entries} log entries, {last.documents} documents rebuilt, {last.evaluations} catalog "
        f"evaluations (of {total:,} catalogs x {last.documents} documents), +{last.added} -{last.removed} "
        f"~{last.updated} memberships, {len(last.catalogs_bumped)} catalogs bumped"
    )
    warm = timings[2:]
    print(f"  consumer time: median {statistics.median(warm) * 1000:.1f} ms, max {max(warm) * 1000:.1f} ms "
          f"(first two, cold: {', '.join(f'{t * 1000:.0f}' for t in timings[:2])} ms)")  # fmt: skip
    return {"incremental_ms": statistics.median(warm) * 1000}


def bench_document_build() -> dict[str, float]:
    """Documents built from real rows: 2,000 courses with 3 runs and a seat each, bulk-inserted."""
    from django.db import transaction
    from django.utils import timezone

    from catalog.selectors.documents import course_documents
    from catalog.services.content import content_store
    from course_metadata.models import Course, CourseRun, Organization, Partner, Seat, SeatType
    from course_metadata.tracking import state

    partner = Partner.objects.get(short_code="edx")
    organization = Organization.objects.get(partner=partner, key="Org007")
    verified = SeatType.objects.get(slug="verified")
    with transaction.atomic(), state.suppressed():
        courses = Course.objects.bulk_create(
            [
                Course(partner=partner, key=f"Org007+DOC{i}", number=f"DOC{i}", title=f"Doc {i}", url_slug=f"doc-{i}")
                for i in range(2000)
            ]
        )
        Course.authoring_organizations.through.objects.bulk_create(
            [
                Course.authoring_organizations.through(course_id=c.pk, organization_id=organization.pk, sort_value=0)
                for c in courses
            ]
        )
        start = timezone.now() - dt.timedelta(days=5)
        runs = CourseRun.objects.bulk_create(
            [
                CourseRun(
                    course=c,
                    key=f"course-v1:Org007+DOC{i}+{t}T2024",
                    slug=f"doc-{i}-{t}",
                    start=start,
                    status="published",
                )
                for i, c in enumerate(courses)
                for t in range(3)
            ]
        )
        Seat.objects.bulk_create([Seat(course_run=r, type=verified, price=Decimal("49")) for r in runs])
    print("Document build from rows: 2,000 courses, 6,000 runs, 6,000 seats")
    ids = [course.pk for course in courses]
    with _timed("build 8,000 documents") as build:
        items = course_documents(ids, now=timezone.now())
    with _timed("store them (new)") as stored:
        content_store(items=items, now=timezone.now())
    with _timed("rebuild and store again (unchanged)") as again:
        content_store(items=course_documents(ids, now=timezone.now()), now=timezone.now())
    rate = len(items) / (build.seconds + stored.seconds)
    print(f"  {rate:,.0f} documents/s built and stored; a 200,000-document rebuild takes about {200_000 / rate:.0f} s")
    return {"documents_per_s": rate, "unchanged_s": again.seconds}


def child() -> int:
    _setup()
    from bench.catalogs_seed import seed_documents

    print(f"Seeding {COURSES:,} course and {COURSES * RUNS_PER_COURSE:,} run documents (COPY) ...", flush=True)
    started = time.perf_counter()
    counts = seed_documents()
    print(f"  {counts['documents']:,} documents, {counts['list values']:,} list values in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    results: dict[str, float] = {}
    results.update(bench_rebuild())
    results.update(bench_diff())
    results.update(bench_csv())
    results.update(bench_incremental())
    results.update(bench_document_build())
    print("\nTargets:")
    targets = [
        ("diff of 100k keys, server time", results["diff_view_s"], 1.5, "s"),
        ("single course change, 10k catalogs", results["incremental_ms"], 50, "ms"),
        ("full rebuild, 1k catalogs over 200k documents", results["rebuild_first_s"], 60, "s"),
    ]
    ok = True
    for label, value, limit, unit in targets:
        met = value < limit
        ok &= met
        print(f"  {label}: {value:.3f} {unit} (target < {limit} {unit}) {'ok' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(PROJECT_DIR))
        sys.exit(child())
    sys.exit(main())
