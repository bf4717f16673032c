"""A change-log consumer whose PostgreSQL connection is killed mid-batch loses nothing and counts nothing twice.

The connection is really terminated (``pg_terminate_backend`` from a second session), once at a point the
handler reaches after its own writes and once in the middle of a long statement. The batch's writes and the
cursor roll back together; the next run, in a fresh connection, does the batch again whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connections
from django.db.models import F

from course_metadata.changelog.consumers import consume, consumer_position, register_consumer
from course_metadata.changelog.cursor import START, Position
from course_metadata.changelog.feed import Change, change_log_page
from course_metadata.models import ConsumerCursor
from course_metadata.tasks.changelog import process_change_log
from tests.connection_loss import backend_pid, needs_postgresql, terminate_backend
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

# A bound on every wait, so that a broken test fails instead of hanging (never a synchronisation).
TIMEOUT = 30
EFFECTS = "probe-effects"


def _logged_positions() -> list[Position]:
    return [change.position for change in change_log_page(after=START, limit=1000).changes]


def _effects() -> int:
    """The probe's own database writes: a counter bumped by each batch in the consumer's transaction."""
    return ConsumerCursor.objects.get(name=EFFECTS).processed


def _count_effects(changes: list[Change]) -> None:
    ConsumerCursor.objects.filter(name=EFFECTS).update(processed=F("processed") + len(changes))


@pytest.fixture
def logged() -> list[Position]:
    needs_postgresql()
    for _ in range(3):
        OrganizationFactory.create()  # each in its own committed transaction
    ConsumerCursor.objects.create(name=EFFECTS)
    positions = _logged_positions()
    assert len(positions) >= 3
    return positions


def _probe(delivered: list[list[Position]], kill_on_call: int, then: Callable[[], None]) -> Callable:
    calls = 0

    def handler(changes: list[Change]) -> None:
        nonlocal calls
        calls += 1
        delivered.append([change.position for change in changes])
        _count_effects(changes)
        if calls == kill_on_call:
            then()

    return handler


def test_a_batch_whose_connection_is_killed_after_its_writes_is_done_again_whole(logged: list[Position]) -> None:
    delivered: list[list[Position]] = []

    def kill_own_connection() -> None:
        terminate_backend(backend_pid())
        ConsumerCursor.objects.count()  # the handler's next statement meets the dead connection

    register_consumer("probe", _probe(delivered, 2, kill_own_connection), batch_size=2)

    with pytest.raises(DatabaseError):
        consume("probe")

    # Django dropped the dead connection; the next query opens a new one and sees only the first batch done.
    assert consumer_position("probe") == logged[1]
    assert _effects() == 2

    assert consume("probe") == len(logged) - 2

    assert consumer_position("probe") == logged[-1]
    assert _effects() == len(logged)  # the killed batch's writes rolled back with its cursor: counted once
    # At least once, in log order: the killed batch is delivered again whole, then the rest.
    assert delivered[0] == logged[:2]
    assert delivered[1] == delivered[2] == logged[2:4]
    assert [position for batch in delivered[2:] for position in batch] == logged[2:]


def test_a_connection_killed_in_a_long_statement_fails_that_consumer_only_and_the_next_run_resumes(
    logged: list[Position],
) -> None:
    """Through ``process_change_log`` (the on-commit and periodic task): the consumer after the killed one runs
    on a new connection, and the next run of the task picks the killed batch up from the cursor."""
    started = threading.Event()
    victim: list[int] = []
    delivered: list[list[Position]] = []

    def long_statement() -> None:
        victim.append(backend_pid())
        started.set()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [TIMEOUT])  # killed while it runs

    register_consumer("a-slow", _probe(delivered, 1, long_statement), batch_size=100)
    other: list[Change] = []
    register_consumer("b-after", other.extend, batch_size=100)

    results: list[dict[str, int]] = []

    def run_task() -> None:
        try:
            results.append(process_change_log())
        finally:
            connections.close_all()

    worker = threading.Thread(target=run_task, daemon=True)
    worker.start()
    assert started.wait(TIMEOUT)
    terminate_backend(victim[0])
    worker.join(TIMEOUT)
    assert not worker.is_alive()

    assert results == [{"a-slow": -1, "b-after": len(logged)}]
    assert [change.position for change in other] == logged
    assert consumer_position("a-slow") == START
    assert _effects() == 0

    assert process_change_log() == {"a-slow": len(logged), "b-after": 0}
    assert consumer_position("a-slow") == logged[-1]
    assert _effects() == len(logged)
    assert delivered == [logged, logged]
