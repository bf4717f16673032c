"""refresh_course_metadata: a first load of a whole catalog from a local LMS and e-commerce, then an unchanged re-run.

The LMS and e-commerce are the test suite's fake services (tests/course_metadata/loaders/fake_services.py) on
a real socket in this process; ``manage.py refresh_course_metadata`` runs in its own process, with the
production settings, on the scratch PostgreSQL database ``lyceum_bench_loaders`` (created and dropped here).
Change-log work is handed to a Redis broker no worker reads, so the figures are the loader's own.

Environment: ``BENCH_LOADERS_DATABASE`` (the scratch database's name), ``BENCH_LOADERS_COURSES`` (10000), ``BENCH_LOADERS_RUNS_PER_COURSE`` (3),
``BENCH_LOADERS_BROKER_URL`` (redis://127.0.0.1:6379/13), ``BENCH_LOADERS_CACHE_URL``
(redis://127.0.0.1:6379/14), ``BENCH_PG_URL`` (the PostgreSQL server, postgres://postgres@127.0.0.1:5432).
Targets: the re-run writes nothing (no change-log entry) and takes under a quarter of the first load.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.harness import admin_execute, database_url, manage  # noqa: E402
from tests.course_metadata.loaders.fake_services import (  # noqa: E402
    FakeServices,
    ecommerce_course,
    lms_run,
    serving,
)

DATABASE = os.environ.get("BENCH_LOADERS_DATABASE", "lyceum_bench_loaders")
COURSES = int(os.environ.get("BENCH_LOADERS_COURSES", "10000"))
RUNS_PER_COURSE = int(os.environ.get("BENCH_LOADERS_RUNS_PER_COURSE", "3"))
# One key for every process of the run: the setup encrypts the partner's client secret, the loaders decrypt it.
SECRETS_KEY = secrets.token_urlsafe(50)

SETUP = """
from course_metadata.models import Partner
Partner.objects.create(short_code="bench", name="Bench", lms_url=%(url)r, courses_api_url=%(url)r + "/api/courses/v1/",
                       ecommerce_api_url=%(url)r + "/api/v2/", oauth2_client_id="lyceum-worker",
                       oauth2_client_secret="s3cret")
"""


def catalog() -> FakeServices:
    runs, offers = [], []
    for i in range(COURSES):
        org, number = f"Org{i % 97}X", f"N{i}"
        for term in range(RUNS_PER_COURSE):
            run = f"{term + 1}T20{30 + term}"
            runs.append(lms_run(org, number, run, pacing="self" if i % 2 else "instructor"))
            offers.append(ecommerce_course(f"course-v1:{org}+{number}+{run}", verified_price=None))
    return FakeServices(lms_runs=runs, ecommerce_courses=offers)


def count(sql: str) -> int:
    import psycopg

    with psycopg.connect(database_url(DATABASE)) as connection:
        row = connection.execute(sql).fetchone()
        return int(row[0]) if row else 0


def timed_refresh(env: dict[str, str]) -> float:
    started = time.perf_counter()
    manage("refresh_course_metadata", "--no-progress", env=env, capture=True)
    return time.perf_counter() - started


def main() -> int:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(DATABASE),
        "PYTHONPATH": str(PROJECT_DIR),
        "DJANGO_SETTINGS_MODULE": "settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SECRET_KEY": secrets.token_urlsafe(50),
        "LYCEUM_SECRETS_KEY": SECRETS_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": os.environ.get("BENCH_LOADERS_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "LYCEUM_CACHE_URL": os.environ.get("BENCH_LOADERS_CACHE_URL", "redis://127.0.0.1:6379/14"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
        "LOADER_HTTP_BACKOFF": "0.5",
    }
    admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
    try:
        manage("migrate", "--noinput", "-v0", env=env)
        state = catalog()
        with serving(state):
            manage("shell", "-c", SETUP % {"url": state.base_url}, env=env)
            first = timed_refresh(env)
            runs = count("SELECT count(*) FROM course_metadata_courserun")
            courses = count("SELECT count(*) FROM course_metadata_course")
            seats = count("SELECT count(*) FROM course_metadata_seat")
            entries = count("SELECT count(*) FROM course_metadata_changelogentry")
            second = timed_refresh(env)
            entries_after = count("SELECT count(*) FROM course_metadata_changelogentry")
            history = count("SELECT count(*) FROM course_metadata_historicalcourserun")
            second_history = history
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    summary = {
        "courses": courses,
        "runs": runs,
        "seats": seats,
        "first_load_s": round(first, 1),
        "first_load_runs_per_s": round(runs / first, 1),
        "unchanged_rerun_s": round(second, 1),
        "rerun_over_first": round(second / first, 3),
        "change_log_entries_first": entries,
        "change_log_entries_rerun": entries_after - entries,
        "history_rows": second_history,
    }
    checks = {
        "loaded everything": runs == COURSES * RUNS_PER_COURSE and courses == COURSES,
        "re-run wrote no change-log entry": entries_after == entries,
        "re-run under a quarter of the first": second < first / 4,
    }
    print(json.dumps(summary))
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
