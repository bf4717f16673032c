"""What change tracking remembers about the transaction in progress, and the switch that turns it off.

Django offers no hook just before COMMIT, so entries are written as changes happen and coalesced through
this per-connection memory: one entry per object per transaction. The memory follows the transaction
through Django's own on-commit bookkeeping: each group of entries is tied to a marker callback registered
with ``transaction.on_commit`` in the savepoint that was active when they were written. Django drops the
callbacks of a savepoint that rolls back (and of a whole transaction that rolls back or commits), so an
entry whose marker is gone is known to be gone from the database as well (or committed and done).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

_suppressed: ContextVar[int] = ContextVar("change_tracking_suppressed", default=0)
_STATE_ATTR = "_lyceum_change_tracking"

ObjectKey = tuple[str, int]  # (object type, primary key)


@contextmanager
def suppressed() -> Iterator[None]:
    """Writes inside this block move no timestamp and write no change-log entry.

    For bookkeeping that is not data: pointing an official row at its draft, swapping primary keys while
    publishing. A save inside still never writes a stale ``data_modified_timestamp`` back.
    """
    token = _suppressed.set(_suppressed.get() + 1)
    try:
        yield
    finally:
        _suppressed.reset(token)


def is_suppressed() -> bool:
    return _suppressed.get() > 0


class _Marker:
    """Registered with on_commit: alive exactly as long as the entries written next to it can commit."""

    __slots__ = ("state",)

    def __init__(self, state: TransactionChanges) -> None:
        self.state = state

    def __call__(self) -> None:
        # The transaction has committed: nothing may turn it into an error of the request now. (Django's
        # robust on_commit would log a failure through ``func.__qualname__``, which an instance lacks, and
        # raise AttributeError instead; the periodic safety net processes entries whose hand-off failed.)
        try:
            self.state.committed()
        except Exception:
            logger.exception("asking for change-log processing failed after commit; the periodic task will do it")


@dataclass(eq=False)
class Entry:
    entry_id: int
    action: str
    marker: _Marker


@dataclass(eq=False)
class TransactionChanges:
    """The entries one transaction has written so far, by object."""

    alias: str
    markers: dict[tuple[str, ...], _Marker] = field(default_factory=dict)
    entries: dict[ObjectKey, Entry] = field(default_factory=dict)
    announced: bool = False
    _alive: set[int] = field(default_factory=set)

    def refresh(self, connection: BaseDatabaseWrapper) -> None:
        # Entries are (savepoint ids, callback, robust).
        self._alive = {id(entry[1]) for entry in connection.run_on_commit}

    def is_alive(self) -> bool:
        return any(id(marker) in self._alive for marker in self.markers.values())

    def entry(self, key: ObjectKey) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None and id(entry.marker) not in self._alive:
            del self.entries[key]
            return None
        return entry

    def marker(self, connection: BaseDatabaseWrapper) -> _Marker:
        """The marker of the innermost savepoint now active, registered on first use."""
        stack = tuple(connection.savepoint_ids)
        marker = self.markers.get(stack)
        if marker is None or id(marker) not in self._alive:
            marker = _Marker(self)
            self.markers[stack] = marker
            transaction.on_commit(marker, using=self.alias, robust=True)
            self._alive.add(id(marker))
        return marker

    def remember(self, key: ObjectKey, entry_id: int, action: str, marker: _Marker) -> None:
        self.entries[key] = Entry(entry_id, action, marker)

    def committed(self) -> None:
        """Runs once per marker after COMMIT: ask for the new entries to be processed, once per transaction."""
        if self.announced:
            return
        self.announced = True
        from course_metadata.changelog.consumers import request_processing

        request_processing()


def current(alias: str) -> TransactionChanges:
    """The change memory of the transaction open on ``alias`` (a fresh one when the last has ended)."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("change tracking needs a transaction: wrap the write in transaction.atomic()")
    state: TransactionChanges | None = getattr(connection, _STATE_ATTR, None)
    if state is not None:
        state.refresh(connection)
        if state.is_alive():
            return state
    state = TransactionChanges(alias=alias)
    state.refresh(connection)
    setattr(connection, _STATE_ATTR, state)
    return state
