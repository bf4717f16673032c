"""Search on PostgreSQL with the database backend: 50,000 courses (3 runs each) with their programs and people.

Creates a scratch database (``lyceum_bench_search``), migrates it, seeds it with ``manage.py seed_catalog``,
builds the index with ``manage.py update_index`` (documents/s), serves the API with gunicorn on a free
local port and measures, sequentially: ``search/all/?q=<word>`` with four facets (the facets endpoint),
``search/all/?q=<word>`` alone, and typeahead (median and p90). Finally one published edit: the time from
its commit (which hands the change log to the eager Celery task, as settings.local runs it) until a search
finds the new title. The database is dropped afterwards.

Environment: ``BENCH_SEARCH_COURSES`` (50000), ``BENCH_SEARCH_REQUESTS`` (30 per kind), ``BENCH_PG_URL``
(postgres://postgres@127.0.0.1:5432), ``BENCH_SEARCH_KEEP_DB=1`` to keep the database and
``BENCH_SEARCH_REUSE_DB=1`` to measure a kept one again without seeding and indexing.
"""

from __future__ import annotations

import os
import re
import sys
import time
import urllib.parse

import psycopg

from bench.bench_read_api import CREATE_READER, Measurement, fetch, gunicorn
from bench.harness import admin_execute, database_url, free_port, manage

DATABASE = "lyceum_bench_search"
COURSES = int(os.environ.get("BENCH_SEARCH_COURSES", "50000"))
REQUESTS = max(20, int(os.environ.get("BENCH_SEARCH_REQUESTS", "30")))
KEEP_DB = os.environ.get("BENCH_SEARCH_KEEP_DB") == "1"
REUSE_DB = os.environ.get("BENCH_SEARCH_REUSE_DB") == "1"

# Targets from the search issue, on a 2-core machine.
TARGET_SEARCH_MS, TARGET_TYPEAHEAD_MS, TARGET_DOCS_PER_S, TARGET_EDIT_S = 50.0, 20.0, 2000.0, 1.0
WORDS = ["data", "science", "python", "history", "design", "finance", "biology", "management"]

EDIT = """
import time
from django.db import transaction
from course_metadata.models import Course
from search.backends import get_backend
from search.backends.base import SearchRequest
from search.query.nodes import Term
course = Course.objects.official().order_by("pk").first()
with transaction.atomic():
    course.title = "Zyzzyva Benchmark Edition"
    course.save()
    started = time.perf_counter()
# The commit ran the on-commit hand-off: settings.local runs the change-log task eagerly.
backend = get_backend()
request = SearchRequest(query=Term(None, "zyzzyva"), content_types=("course",), text="zyzzyva")
while not backend.search(request).total:
    if time.perf_counter() - started > 30:
        raise SystemExit("the edit never became searchable")
    time.sleep(0.005)
print(f"EDIT {time.perf_counter() - started:.3f}")
"""


def seeded() -> bool:
    try:
        with psycopg.connect(database_url(DATABASE)) as connection:
            return bool(connection.execute("SELECT count(*) FROM search_searchdocument").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return False


def measure(name: str, paths: list[str], port: int, session: str) -> Measurement:
    for index in range(6):
        fetch(port, paths[index % len(paths)], session)
    result = Measurement(name, [], set(), [])
    for index in range(REQUESTS):
        elapsed, status, queries, size = fetch(port, paths[index % len(paths)], session)
        if status != 200:
            raise RuntimeError(f"{paths[index % len(paths)]} answered {status}")
        result.latencies_ms.append(elapsed)
        result.queries.add(queries)
        result.sizes.append(size)
    return result


def main() -> int:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE),
        "DJANGO_SETTINGS_MODULE": "settings.local",
        "DEBUG": "0",
        "LYCEUM_SEARCH_BACKEND": "database",
    }
    rate = 0.0
    if not (REUSE_DB and seeded()):
        admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
        manage("migrate", "--noinput", "-v0", env=env)
        started = time.perf_counter()
        manage(
            "seed_catalog",
            *("--courses", str(COURSES), "--runs-per-course", "3", "--seed", "7", "--no-progress", "-v0"),
            env=env,
        )
        print(f"seeded {COURSES:,} courses in {time.perf_counter() - started:.0f}s", flush=True)
        output = manage("update_index", "--no-progress", env=env, capture=True)
        print(output.strip(), flush=True)
        match = re.search(r"\((\d+) documents/s\)", output)
        rate = float(match.group(1)) if match else 0.0
        with psycopg.connect(database_url(DATABASE), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    try:
        with psycopg.connect(database_url(DATABASE)) as connection:
            counts = connection.execute(
                "SELECT content_type, count(*) FROM search_searchdocument d JOIN search_searchgeneration g "
                "ON g.id = d.generation_id AND g.state = 'live' GROUP BY 1 ORDER BY 1"
            ).fetchall()
        print("index: " + ", ".join(f"{count:,} {kind}" for kind, count in counts), flush=True)
        session = manage("shell", "-c", CREATE_READER, env=env, capture=True).strip().splitlines()[-1]
        port = free_port()
        search_paths = [f"/api/v1/search/all/?q={urllib.parse.quote(word)}" for word in WORDS]
        # The course facets endpoint counts four facets: level_type, organizations, subjects, prerequisites.
        facet_paths = [f"/api/v1/search/courses/facets/?q={urllib.parse.quote(word)}&page_size=20" for word in WORDS]
        typeahead_paths = [f"/api/v1/search/typeahead/?q={urllib.parse.quote(word[:4])}" for word in WORDS]
        with gunicorn(env, port):
            results = [
                measure("search/all/?q=<word>", search_paths, port, session),
                measure("search/courses/facets/?q=<word> (4 facets)", facet_paths, port, session),
                measure("search/typeahead/?q=<prefix>", typeahead_paths, port, session),
            ]
        edit = manage("shell", "-c", EDIT, env=env, capture=True)
        edit_seconds = float(edit.strip().splitlines()[-1].split()[1])
    finally:
        if not KEEP_DB:
            admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    print(f"{'request':<44} {'p50 ms':>8} {'p90 ms':>8} {'queries':>8} {'bytes':>11}")
    for result in results:
        print(result.row())
    if rate:
        print(f"update_index: {rate:,.0f} documents/s (target >= {TARGET_DOCS_PER_S:,.0f})")
    print(f"published edit searchable after {edit_seconds * 1000:.0f} ms (target < {TARGET_EDIT_S * 1000:.0f} ms)")
    print(
        f"targets: search with facets p50 < {TARGET_SEARCH_MS:.0f} ms "
        f"({'met' if results[1].median < TARGET_SEARCH_MS else 'MISSED'}), typeahead p50 < "
        f"{TARGET_TYPEAHEAD_MS:.0f} ms ({'met' if results[2].median < TARGET_TYPEAHEAD_MS else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
