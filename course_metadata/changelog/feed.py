"""The one read path of the change log: a page of changes after a position, for the API and every consumer.

Entries are handed out in (txid, id) order and, on PostgreSQL, only once every transaction with a smaller
id has finished (course_metadata.changelog.horizon), so an entry can never appear behind a position already
handed out (ADR 0020). An upsert
whose object no longer exists is reported as a delete: the tombstone may sort earlier than the upsert
when the deleting transaction started first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL

from course_metadata.changelog.cursor import START, Position
from course_metadata.changelog.horizon import visible_below
from course_metadata.models.changes import ChangeAction, ChangeLogEntry
from course_metadata.tracking.specs import spec_for_object_type
from dbkit.rows import AnyOf, KeyedRows

COLUMNS = ("txid", "id", "object_type", "object_id", "key", "uuid", "course_uuid", "draft", "action", "timestamp")


@dataclass(frozen=True, slots=True)
class Change:
    position: Position
    object_type: str
    object_id: int
    key: str
    uuid: UUID | None
    course_uuid: UUID | None
    draft: bool
    action: str
    timestamp: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "cursor": str(self.position),
            "object_type": self.object_type,
            "key": self.key or None,
            "uuid": self.uuid,
            "draft": self.draft,
            "action": self.action,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True)
class ChangePage:
    changes: list[Change]
    next_position: Position
    has_more: bool


def position_exists(position: Position, *, using: str = "default") -> bool:
    """Whether ``position`` is the start or the position of an entry (an unknown cursor is refused)."""
    if position.is_start:
        return True
    return ChangeLogEntry.objects.using(using).filter(txid=position.txid, id=position.entry_id).exists()


def change_log_page(
    *, after: Position = START, limit: int, drafts: Q | None = None, using: str = "default"
) -> ChangePage:
    """Up to ``limit`` changes after ``after``: official ones, plus the drafts that ``drafts`` selects."""
    # A row-value comparison, so the (txid, id) index is scanned from the position rather than from the start.
    entries = ChangeLogEntry.objects.using(using).filter(
        RawSQL("(txid, id) > (%s, %s)", (after.txid, after.entry_id), output_field=BooleanField())
    )
    bound = visible_below(using)
    if bound is not None:
        entries = entries.filter(txid__lt=bound)
    world = Q(draft=False) if drafts is None else Q(draft=False) | (Q(draft=True) & drafts)
    rows = list(entries.filter(world).order_by("txid", "id").values_list(*COLUMNS)[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    gone = _vanished(rows, using)
    changes = [
        Change(
            position=Position(txid, entry_id),
            object_type=object_type,
            object_id=object_id,
            key=key,
            uuid=uuid,
            course_uuid=course_uuid,
            draft=draft,
            action=ChangeAction.DELETE if (object_type, object_id) in gone else action,
            timestamp=timestamp,
        )
        for txid, entry_id, object_type, object_id, key, uuid, course_uuid, draft, action, timestamp in rows
    ]
    return ChangePage(changes, changes[-1].position if changes else after, has_more)


def _vanished(rows: list[tuple], using: str) -> set[tuple[str, int]]:
    """Objects of upsert entries that no longer exist (one query per object type in the page)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row[8] == ChangeAction.UPSERT:
            wanted[row[2]].add(row[3])
    gone: set[tuple[str, int]] = set()
    for object_type, ids in wanted.items():
        spec = spec_for_object_type(object_type)
        if spec is None:
            continue
        present = {row["pk"] for row in _existing_of(spec.model).fetch(ids, using=using)}
        gone.update((object_type, pk) for pk in ids - present)
    return gone


@cache
def _existing_of(model: type[Model]) -> KeyedRows:
    """The primary keys of ``model`` rows among a list, compiled once (every consumer batch asks)."""
    return KeyedRows(lambda ids: model._base_manager.filter(AnyOf("pk", ids)).values("pk").order_by())
