"""Fixtures for the change-tracking tests: commit boundaries inside a test transaction, and log readers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, models

from course_metadata.changelog import consumers
from course_metadata.models import ChangeLogEntry


@pytest.fixture(autouse=True)
def isolated_consumers() -> Iterator[None]:
    """Only the consumers a test registers run on commit (other apps' consumers have their own tests)."""
    saved = dict(consumers._consumers)
    consumers._consumers.clear()
    try:
        yield
    finally:
        consumers._consumers.clear()
        consumers._consumers.update(saved)


def _commit_boundary() -> None:
    """What COMMIT does to Django's on-commit list: run the callbacks, then forget them.

    A ``django_db`` test runs inside one database transaction, so without this every write of a test
    would be "the same transaction" to change tracking. The data stays in the test's transaction.
    """
    callbacks = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    # django-stubs types these entries as (sids, func); Django 4.2+ stores (sids, func, robust).
    for _sids, callback, _robust in callbacks:  # type: ignore[misc]
        callback()


@pytest.fixture
def commit() -> Callable[[], None]:
    return _commit_boundary


@dataclass
class LogWatch:
    """The change-log entries written since the watch was last reset."""

    since: int = 0

    def reset(self) -> None:
        self.since = ChangeLogEntry.objects.aggregate(top=models.Max("id"))["top"] or 0

    def entries(self) -> list[ChangeLogEntry]:
        return list(ChangeLogEntry.objects.filter(id__gt=self.since).order_by("id"))

    def objects(self, action: str | None = None) -> list[tuple[str, int]]:
        return [
            (entry.object_type, entry.object_id) for entry in self.entries() if action is None or entry.action == action
        ]


@pytest.fixture
def log(db: None, commit: Callable[[], None]) -> LogWatch:
    """Call ``log.reset()`` (after ``commit()``) where the change under test starts."""
    return LogWatch()


def stamp(obj: Any) -> Any:
    """The stored data_modified_timestamp of ``obj``."""
    return type(obj)._base_manager.values_list("data_modified_timestamp", flat=True).get(pk=obj.pk)
