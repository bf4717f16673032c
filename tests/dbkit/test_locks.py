"""dbkit.locks.single_flight: one holder at a time, across connections (PostgreSQL) or processes (cache)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from dbkit.locks import lock_id, single_flight

pytestmark = pytest.mark.django_db


def test_second_holder_is_refused_while_the_first_holds_it() -> None:
    if connection.vendor == "postgresql":
        other = connection.copy()  # another session, as another worker would have
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id("job")])
            with single_flight("job") as acquired:
                assert acquired is False
            with single_flight("another job") as acquired:
                assert acquired is True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id("job")])
        finally:
            other.close()
    else:
        with single_flight("job") as first:
            assert first is True
            with single_flight("job") as second:
                assert second is False
    with single_flight("job") as again:
        assert again is True  # released at the end of the block


def test_tasks_skip_while_another_run_holds_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import contextmanager

    from course_metadata.tasks import loading, publishing

    @contextmanager
    def held(name: str) -> Iterator[bool]:
        yield False

    monkeypatch.setattr(loading, "single_flight", held)
    monkeypatch.setattr(publishing, "single_flight", held)
    assert loading.refresh_course_metadata() is None
    assert publishing.publish_due_course_runs() is None


def test_beat_schedule_names_registered_tasks() -> None:
    from django.conf import settings

    from settings.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert {
        "drain-change-log",
        "publish-runs-past-go-live",
        "refresh-course-metadata",
        "catalog-availability-clock",
    } <= set(settings.CELERY_BEAT_SCHEDULE)
