"""The consumer framework: batches after a stored cursor, exactly once, retried from the cursor on failure."""

from __future__ import annotations

import pytest

from course_metadata.changelog.consumers import consume, consume_all, consumer_position, register_consumer
from course_metadata.models import ConsumerCursor
from course_metadata.tasks.changelog import process_change_log
from tests.factories import CourseFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_consumer_sees_each_change_once_in_batches(commit):
    seen: list[list[str]] = []
    register_consumer("recorder", lambda changes: seen.append([c.key for c in changes]), batch_size=2)
    organizations = [OrganizationFactory() for _ in range(5)]
    commit()  # eager Celery: the on-commit task already ran the consumer
    assert [key for batch in seen for key in batch] == [organization.key for organization in organizations]
    assert all(len(batch) <= 2 for batch in seen)
    assert consume("recorder") == 0
    assert ConsumerCursor.objects.get(name="recorder").processed == 5


def test_a_failing_handler_keeps_its_cursor_and_writes_nothing(commit):
    calls: list[int] = []

    def flaky(changes):
        calls.append(len(changes))
        OrganizationFactory(key=f"Side{len(calls)}")  # the handler's own write, rolled back with the batch
        if len(calls) == 1:
            raise RuntimeError("index unavailable")

    register_consumer("flaky", flaky)
    CourseFactory()
    start = consumer_position("flaky")
    with pytest.raises(RuntimeError):
        consume("flaky")
    assert consumer_position("flaky") == start
    assert not OrganizationFactory._meta.model.objects.filter(key="Side1").exists()
    assert consume("flaky") == calls[0]  # the same batch again, not more, not less
    assert calls[0] == calls[1]
    assert consumer_position("flaky") > start


def test_consume_all_isolates_failures_and_the_task_runs_it(commit):
    good: list[int] = []

    def bad(changes: object) -> None:
        raise ZeroDivisionError("division by zero")

    register_consumer("bad", bad)
    register_consumer("good", lambda changes: good.append(len(changes)))
    OrganizationFactory()
    assert consume_all() == {"bad": -1, "good": 1}
    OrganizationFactory()
    assert process_change_log.apply().get() == {"bad": -1, "good": 1}
    assert good == [1, 1]


def test_drafts_only_reach_consumers_that_ask_for_them(commit):
    public: list[bool] = []
    everything: list[bool] = []
    register_consumer("public", lambda changes: public.extend(c.draft for c in changes))
    register_consumer("editors", lambda changes: everything.extend(c.draft for c in changes), include_drafts=True)
    CourseFactory(draft=True)
    commit()
    assert True not in public
    assert True in everything
