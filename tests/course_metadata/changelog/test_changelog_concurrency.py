"""Two transactions committing out of order never make a reader of the feed skip an entry (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from course_metadata.changelog.cursor import START, Position
from course_metadata.changelog.feed import change_log_page
from course_metadata.models import Organization
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def rename(pk: int, name: str) -> None:
    organization = Organization.objects.get(pk=pk)
    organization.name = name
    organization.save()


def read(after: Position) -> tuple[list[tuple[str, int]], Position]:
    page = change_log_page(after=after, limit=100)
    return [(change.object_type, change.object_id) for change in page.changes], page.next_position


@pytest.fixture
def organizations():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers: commit order is id order there")
    first, second = OrganizationFactory(), OrganizationFactory()
    _, position = read(START)
    while True:  # drain what the fixtures wrote
        changes, position_next = read(position)
        if not changes:
            break
        position = position_next
    return first, second, position


@pytest.mark.parametrize("a_logs_late", [False, True], ids=["a-logs-first", "a-logs-after-b"])
def test_late_commit_is_not_skipped(organizations, a_logs_late):
    first, second, start = organizations
    a_started, b_committed, a_may_commit = threading.Event(), threading.Event(), threading.Event()

    def transaction_a() -> None:
        with transaction.atomic():
            if a_logs_late:
                # Take a transaction id now, but write the entry only after B has committed its own.
                Organization.objects.filter(pk=first.pk).select_for_update().get()
                connection.cursor().execute("SELECT pg_current_xact_id()")
                a_started.set()
                assert b_committed.wait(TIMEOUT)
                rename(first.pk, "A (late entry)")
            else:
                rename(first.pk, "A")
                a_started.set()
            assert a_may_commit.wait(TIMEOUT)

    thread_a, errors_a = in_thread(transaction_a)
    assert a_started.wait(TIMEOUT)

    thread_b, errors_b = in_thread(lambda: rename(second.pk, "B"))
    thread_b.join(TIMEOUT)
    assert not errors_b
    b_committed.set()

    # Between the commits: B's entry exists and is committed, but handing it out could skip A's.
    for _ in range(3):
        changes, position = read(start)
        assert changes == []
        assert position == start

    a_may_commit.set()
    thread_a.join(TIMEOUT)
    assert not errors_a

    changes, position = read(start)
    assert changes == [("organization", first.pk), ("organization", second.pk)]
    assert read(position) == ([], position)
