"""The Celery beat schedule (settings.CELERY_BEAT_SCHEDULE): every task is safe to run twice at once.

Two runs of a task overlap in real threads, each with its own database connection: the first takes its
lock and is held right after it, the second runs the task meanwhile and must return at once without doing
the work; then the first goes on and does it, once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

from catalog import tasks as catalog_tasks
from course_metadata.changelog import consumers as changelog_consumers
from course_metadata.changelog.feed import Change
from course_metadata.models import CourseRun, CourseRunStatus
from course_metadata.tasks import loading, publishing
from course_metadata.tasks.changelog import process_change_log
from dbkit import locks
from eventbus import tasks as eventbus_tasks
from settings.celery import app
from tests.factories import OrganizationFactory
from tests.factories.drafts import future, past

pytestmark = pytest.mark.django_db(transaction=True)

GIVE_UP_AFTER_SECONDS = 60

# Schedule entry -> (its task, the module whose ``single_flight`` guards it).
LOCKED = {
    "publish-runs-past-go-live": ("course_metadata.tasks.publish_due_course_runs", publishing),
    "catalog-availability-clock": ("catalog.tasks.refresh_content_past_boundary", catalog_tasks),
    "catalog-requested-refreshes": ("catalog.tasks.refresh_requested_catalog_memberships", catalog_tasks),
    "refresh-course-metadata": ("course_metadata.tasks.refresh_course_metadata", loading),
    "eventbus-trim-streams": ("eventbus.tasks.trim_event_bus_streams", eventbus_tasks),
}
# Guarded by its consumers' cursor rows instead (course_metadata.changelog.consumers).
BY_CURSOR = {"drain-change-log": "course_metadata.tasks.process_change_log"}


def test_every_scheduled_task_is_one_tested_here() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(schedule) == set(LOCKED) | set(BY_CURSOR)
    for entry, (task, _) in LOCKED.items():
        assert schedule[entry]["task"] == task
    for entry, task in BY_CURSOR.items():
        assert schedule[entry]["task"] == task
    app.loader.import_default_modules()
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)


class Overlap:
    """The first run of a task, stopped inside its lock until released; results of every run by name."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.results: dict[str, Any] = {}
        self.errors: list[BaseException] = []

    def run(self, name: str, task: Callable[[], Any]) -> threading.Thread:
        def target() -> None:
            try:
                self.results[name] = task()
            except BaseException as error:
                self.errors.append(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=target, name=name)
        thread.start()
        return thread

    def first_inside_then_second(self, task: Callable[[], Any]) -> None:
        first = self.run("first", task)
        try:
            assert self.inside.wait(timeout=GIVE_UP_AFTER_SECONDS), self.errors
            second = self.run("second", task)
            second.join(timeout=GIVE_UP_AFTER_SECONDS)
            assert not second.is_alive(), "the second run waited for the first instead of skipping"
        finally:
            self.release.set()
            first.join(timeout=GIVE_UP_AFTER_SECONDS)
        assert self.errors == []


@pytest.fixture
def overlap(monkeypatch: pytest.MonkeyPatch) -> Overlap:
    state = Overlap()

    @contextmanager
    def held_after_taking(name: str, **kwargs: Any) -> Iterator[bool]:
        with locks.single_flight(name, **kwargs) as acquired:
            if acquired:
                state.inside.set()
                state.release.wait(timeout=GIVE_UP_AFTER_SECONDS)
            yield acquired

    for _, module in LOCKED.values():
        monkeypatch.setattr(module, "single_flight", held_after_taking)
    return state


@pytest.mark.parametrize("entry", sorted(LOCKED))
def test_a_second_run_skips_while_the_first_holds_the_lock(entry: str, overlap: Overlap) -> None:
    task = app.tasks[LOCKED[entry][0]]
    overlap.first_inside_then_second(lambda: task.apply().get())
    assert overlap.results["second"] is None  # skipped
    assert overlap.results["first"] is not None  # did the work
    assert overlap.inside.is_set()


def test_two_go_live_runs_at_once_publish_a_due_run_once(overlap: Overlap) -> None:
    from tests.course_metadata.test_publishing import reviewed_run

    run = reviewed_run(go_live_date=future())
    CourseRun.objects.filter(pk=run.pk).update(go_live_date=past())

    overlap.first_inside_then_second(publishing.publish_due_course_runs)

    assert (overlap.results["first"], overlap.results["second"]) == ([run.key], None)
    assert CourseRun.objects.get(pk=run.pk).status == CourseRunStatus.PUBLISHED
    assert CourseRun.objects.official().get(uuid=run.uuid).status == CourseRunStatus.PUBLISHED


@pytest.fixture
def slow_consumer() -> Iterator[tuple[Overlap, list[Change]]]:
    """A change-log consumer whose first batch stops (holding its cursor row) until released.

    Registered after the writes: on commit, the eager task queue runs the consumers in this thread.
    """
    OrganizationFactory.create_batch(3)
    state = Overlap()
    handled: list[Change] = []

    def handle(changes: list[Change]) -> None:
        if not state.inside.is_set():
            state.inside.set()
            state.release.wait(timeout=GIVE_UP_AFTER_SECONDS)
        handled.extend(changes)

    changelog_consumers.register_consumer("periodic-test", handle)
    try:
        yield state, handled
    finally:
        changelog_consumers._consumers.pop("periodic-test", None)


def test_two_change_log_drains_at_once_hand_each_change_to_a_consumer_once(
    slow_consumer: tuple[Overlap, list[Change]],
) -> None:
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite has no row locks to skip: its writers take turns")
    state, handled = slow_consumer

    state.first_inside_then_second(process_change_log)

    # Skipped, not waited for, though this was the consumer's first run (its cursor row was new).
    assert state.results["second"]["periodic-test"] == 0
    positions = [change.position for change in handled]
    assert state.results["first"]["periodic-test"] == len(handled) >= 3
    assert positions == sorted(set(positions))  # each change once, in log order
    assert changelog_consumers.consume("periodic-test") == 0  # and the cursor moved past them
