"""Search on PostgreSQL with the database backend: 50,000 courses (3 runs each) with their programs and people.

Seeds a bench database once and reuses it: ``lyceum_bench_search_<SIZE>`` (``BENCH_SEARCH_DB`` to name it)
is migrated, then seeded with ``manage.py seed_catalog --no-change-log`` (bulk inserts, no change-log
consumers) only when it does not hold a finished seed yet; a finished seed leaves a marker table
(``bench_search_seeded``) with its size, so a seed that was interrupted is redone and a kept database is
measured again without seeding. Then, every run: ``manage.py update_index`` (documents/s), ``VACUUM
ANALYZE``, gunicorn on a free local port, and sequential requests: ``search/all/?q=<word>``, the course
facets endpoint (``search/courses/facets/?q=<word>``: four facets), and typeahead (median and p90).
The requests are uncached (no result cache exists) and the output gives the machine's load average around
them. Finally one published edit: the time from its commit (which hands the change log to the eager Celery task,
as settings.local runs it) until a search finds the new title.

Environment: ``BENCH_SEARCH_SIZE`` (courses, 50000; 2000 for a quick run), ``BENCH_SEARCH_REQUESTS``
(30 per kind), ``BENCH_PG_URL`` (postgres://postgres@127.0.0.1:5432), ``BENCH_SEARCH_DB`` (the
database's name), ``BENCH_SEARCH_FRESH=1`` to drop the database and seed again, ``BENCH_SEARCH_DROP=1``
to drop it at the end, ``BENCH_SEARCH_REINDEX=0`` to measure the requests against the index a previous run
left (no ``update_index``).
"""

from __future__ import annotations

import os
import random
import re
import string
import sys
import time
import urllib.parse

import psycopg

from bench.bench_read_api import CREATE_READER, Measurement, fetch, gunicorn
from bench.harness import admin_execute, database_url, free_port, manage

SIZE = int(os.environ.get("BENCH_SEARCH_SIZE") or os.environ.get("BENCH_SEARCH_COURSES") or "50000")
DATABASE = os.environ.get("BENCH_SEARCH_DB") or f"lyceum_bench_search_{SIZE}"
REQUESTS = max(20, int(os.environ.get("BENCH_SEARCH_REQUESTS", "30")))
FRESH = os.environ.get("BENCH_SEARCH_FRESH") == "1"
REINDEX = os.environ.get("BENCH_SEARCH_REINDEX", "1") != "0"
DROP = os.environ.get("BENCH_SEARCH_DROP") == "1"
MARKER = "bench_search_seeded"

# Targets from the search issue, on a 2-core machine.
TARGET_SEARCH_MS, TARGET_TYPEAHEAD_MS, TARGET_DOCS_PER_S, TARGET_EDIT_S = 50.0, 20.0, 2000.0, 1.0
WORDS = ["data", "science", "python", "history", "design", "finance", "biology", "management"]

# {word} is new on every run, so a kept database cannot answer from an earlier run's edit.
EDIT = """
import time
from django.db import transaction
from course_metadata.models import Course
from search.backends import get_backend
from search.backends.base import SearchRequest
from search.query.nodes import Term
course = Course.objects.official().order_by("pk").first()
with transaction.atomic():
    course.title = "{word} Benchmark Edition"
    course.save()
    started = time.perf_counter()
# The commit ran the on-commit hand-off: settings.local runs the change-log task eagerly.
backend = get_backend()
request = SearchRequest(query=Term(None, "{word}"), content_types=("course",), text="{word}")
while not backend.search(request).total:
    if time.perf_counter() - started > 30:
        raise SystemExit("the edit never became searchable")
    time.sleep(0.005)
print(f"EDIT {{time.perf_counter() - started:.3f}}")
"""


def seeded_size() -> int | None:
    """The size of the finished seed in the bench database, or None (no database, or an unfinished seed)."""
    try:
        with psycopg.connect(database_url(DATABASE)) as connection:
            row = connection.execute(f"SELECT courses FROM {MARKER}").fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else None


def prepare(env: dict[str, str]) -> None:
    if FRESH or seeded_size() != SIZE:
        admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
        manage("migrate", "--noinput", "-v0", env=env)
        started = time.perf_counter()
        manage(
            "seed_catalog",
            *("--courses", str(SIZE), "--runs-per-course", "3", "--seed", "7"),
            *("--chunk-size", "2000", "--no-change-log", "--no-progress", "-v0"),
            env=env,
        )
        with psycopg.connect(database_url(DATABASE), autocommit=True) as connection:
            connection.execute(f"CREATE TABLE {MARKER} (courses integer NOT NULL)")
            connection.execute(f"INSERT INTO {MARKER} VALUES (%s)", [SIZE])
        print(f"seeded {SIZE:,} courses in {time.perf_counter() - started:.0f}s ({DATABASE})", flush=True)
    else:
        manage("migrate", "--noinput", "-v0", env=env)
        print(f"reusing the seeded database {DATABASE} ({SIZE:,} courses)", flush=True)


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
        # A worker that has not loaded Django within gunicorn's default 30 s is killed and restarted, which on
        # a loaded machine can go on until the requests time out.
        "GUNICORN_CMD_ARGS": "--timeout 600",
    }
    prepare(env)
    rate = 0.0
    try:
        if REINDEX:
            output = manage("update_index", "--no-progress", "--disable-change-limit", env=env, capture=True)
            print(output.strip(), flush=True)
            match = re.search(r"\((\d+) documents/s\)", output)
            rate = float(match.group(1)) if match else 0.0
        with psycopg.connect(database_url(DATABASE), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
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
            load_before = os.getloadavg()[0]
            results = [
                measure("search/all/?q=<word>", search_paths, port, session),
                measure("search/courses/facets/?q=<word> (4 facets)", facet_paths, port, session),
                measure("search/typeahead/?q=<prefix>", typeahead_paths, port, session),
            ]
            load_after = os.getloadavg()[0]
        word = "zyzzyva" + "".join(random.choices(string.ascii_lowercase, k=8))
        edit = manage("shell", "-c", EDIT.format(word=word), env=env, capture=True)
        edit_seconds = float(edit.strip().splitlines()[-1].split()[1])
    finally:
        if DROP:
            admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    # Other work on the machine inflates every figure: the 1-minute load average around the requests.
    print(
        f"{SIZE:,} courses, {SIZE * 3:,} runs; load average {load_before:.2f} before the requests, {load_after:.2f} after"
    )
    print(f"{'request':<44} {'p50 ms':>8} {'p90 ms':>8} {'queries':>8} {'bytes':>11}")
    for result in results:
        print(result.row())
    if rate:
        print(f"update_index: {rate:,.0f} documents/s (target >= {TARGET_DOCS_PER_S:,.0f})")
    print(f"published edit searchable after {edit_seconds * 1000:.0f} ms (target < {TARGET_EDIT_S * 1000:.0f} ms)")
    print(
        f"targets: search with facets p50 < {TARGET_SEARCH_MS:.0f} ms "
        f"({'met' if results[1].median < TARGET_SEARCH_MS else 'MISSED'}), typeahead p50 < "
        f"{TARGET_TYPEAHEAD_MS:.0f} ms ({'met' if results[2].median < TARGET_TYPEAHEAD_MS else 'MISSED'}), "
        f"update_index ({('met' if rate >= TARGET_DOCS_PER_S else 'MISSED') if rate else 'not run'}), "
        f"edit ({'met' if edit_seconds < TARGET_EDIT_S else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
