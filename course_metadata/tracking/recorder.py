"""From "these rows changed" to moved timestamps and change-log entries, set-based, in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, models
from django.utils import timezone

from course_metadata.tracking import state
from course_metadata.tracking.specs import Spec, spec_for
from dbkit.rows import chunked

UPSERT, DELETE = "upsert", "delete"
# Keeps IN (...) lists under SQLite's bound-parameter limit.
CHUNK = 900

# The logged rows a change reaches, each with its description when the lookup that found it read one.
Closure = dict[Spec, dict[int, "Description | None"]]


@dataclass(frozen=True)
class Description:
    """What an entry says about its object (read before a delete, while the row still exists)."""

    object_type: str
    object_id: int
    key: str
    uuid: Any
    course_uuid: Any
    draft: bool


def _columns(spec: Spec, path: str = "") -> list[str]:
    """pk, uuid, key, course uuid, draft of ``spec``'s rows, reached through ``path`` (or the rows themselves)."""

    def column(name: str | None) -> str:
        if not name:
            return path or "pk"
        return f"{path}__{name}" if path else name

    return [
        column(None),
        column("uuid"),
        column(spec.key),
        column(spec.course_uuid),
        column("draft" if spec.draftable else None),
    ]


def _description(spec: Spec, row: tuple) -> Description:
    pk, uuid, key, course_uuid, draft = row
    return Description(
        object_type=spec.object_type or "",
        object_id=pk,
        key=str(key or "") if spec.key else "",
        uuid=uuid,
        course_uuid=course_uuid if spec.course_uuid else None,
        draft=bool(draft) if spec.draftable else False,
    )


def resolve_parents(
    model: type[models.Model], pks: Iterable[int], path: str, alias: str, parent: Spec | None = None
) -> dict[int, Description | None]:
    """The rows ``path`` leads to from ``pks`` (described on the way when ``parent`` is logged)."""
    found: dict[int, Description | None] = {}
    for batch in chunked(pks, CHUNK):
        rows = model._base_manager.using(alias).filter(pk__in=batch).order_by()
        if parent is not None and parent.logged:
            for row in rows.values_list(*_columns(parent, path)):
                if row[0] is not None:
                    found[row[0]] = _description(parent, row)
        else:
            found.update(dict.fromkeys(pk for pk in rows.values_list(path, flat=True) if pk is not None))
    return found


def closure(
    seeds: Iterable[tuple[Spec, Mapping[int, Description | None], frozenset[str] | None]],
    alias: str,
    *,
    instance: models.Model | None = None,
) -> Closure:
    """Every logged row whose data includes the seed rows (the seeds themselves when logged).

    ``fields`` are the own fields that changed (None for a change of related data), so links declared
    with ``when`` only follow the changes they are about. When the one seed row is at hand as
    ``instance``, a foreign key to a parent that is not logged itself is read from it.
    """
    found: Closure = defaultdict(dict)
    visited: dict[Spec, set[int]] = defaultdict(set)
    # Queue items: (spec, rows, own fields that changed, a link not to follow back).
    queue: deque[tuple[Spec, Mapping[int, Description | None], frozenset[str] | None, str | None]]
    queue = deque((spec, rows, fields, None) for spec, rows, fields in seeds)
    while queue:
        spec, rows, fields, came_back = queue.popleft()
        fresh = set(rows) - visited[spec] if fields is None else set(rows)
        if not fresh:
            continue
        visited[spec] |= fresh
        if spec.logged:
            for pk in fresh:
                found[spec][pk] = found[spec].get(pk) or rows[pk]
        for link in spec.parents:
            if (link.when is not None and not (fields and fields & link.when)) or link.path == came_back:
                continue
            parent = spec_for(link.model)
            if parent is None:
                continue
            at_hand = instance is not None and fresh == {instance.pk} and isinstance(instance, spec.model)
            if link.attname and at_hand and not parent.logged:
                value = getattr(instance, link.attname)
                parents: dict[int, Description | None] = {value: None} if value is not None else {}
            else:
                parents = resolve_parents(spec.model, fresh, link.path, alias, parent)
            if parents:
                queue.append((parent, parents, None, link.back))
    return found


def parents_closure(spec: Spec, pks: set[int], alias: str) -> Closure:
    """The logged rows that include ``pks`` of ``spec``, not counting those rows themselves."""
    seeds = []
    for link in spec.parents:
        parent = spec_for(link.model)
        if link.when is None and parent is not None:
            parents = resolve_parents(spec.model, pks, link.path, alias, parent)
            if parents:
                seeds.append((parent, parents, None))
    return closure(seeds, alias)


def describe(spec: Spec, pks: Iterable[int], alias: str) -> dict[int, Description]:
    """Key, uuid, world and owning course of existing rows (rows already gone are left out)."""
    described: dict[int, Description] = {}
    for batch in chunked(pks, CHUNK):
        rows = spec.model._base_manager.using(alias).filter(pk__in=batch).order_by().values_list(*_columns(spec))
        described.update((row[0], _description(spec, row)) for row in rows)
    return described


def write(
    upserts: Closure,
    *,
    alias: str,
    stamped: Mapping[Spec, set[int]] | None = None,
    tombstones: Iterable[Description] = (),
) -> None:
    """Move the timestamps and write the entries, once per object per transaction.

    ``stamped`` rows already carry their new timestamp (the save that changed them wrote it). A row that
    was written to the log earlier in this transaction was stamped then: it is left alone, except that a
    delete turns its entry into a tombstone.
    """
    from course_metadata.models.changes import ChangeLogEntry

    txn = state.current(alias)
    connection = connections[alias]
    now = timezone.now()
    stamped = stamped or {}
    tombstones = list(tombstones)
    new: list[tuple[state.ObjectKey, Description, str]] = []
    to_tombstone: list[int] = []
    for description in tombstones:
        key = (description.object_type, description.object_id)
        entry = txn.entry(key)
        if entry is None:
            new.append((key, description, DELETE))
        else:
            # Even when it already says delete: that may have been written in a savepoint since rolled back.
            to_tombstone.append(entry.entry_id)
            entry.action = DELETE
    for spec, rows in upserts.items():
        fresh = {pk for pk in rows if txn.entry((spec.object_type or "", pk)) is None}
        fresh -= {d.object_id for d in tombstones if d.object_type == spec.object_type}
        if not fresh:
            continue
        if spec.timestamp_field:
            _stamp(spec, fresh - stamped.get(spec, set()), now, alias)
        described = {pk: known for pk in fresh if (known := rows[pk]) is not None}
        unknown = fresh - set(described)
        if unknown:
            described.update(describe(spec, unknown, alias))
        for description in described.values():
            new.append(((spec.object_type or "", description.object_id), description, UPSERT))
    if to_tombstone:
        ChangeLogEntry.objects.using(alias).filter(pk__in=to_tombstone).update(action=DELETE)
    if new:
        marker = txn.marker(connection)
        ids = entries_insert([(description, action) for _key, description, action in new], now=now, alias=alias)
        for (key, _description, action), entry_id in zip(new, ids, strict=True):
            txn.remember(key, entry_id, action, marker)


# The columns an entry is written with; ``txid`` is left to its database default (the writing transaction).
ENTRY_COLUMNS = ("object_type", "object_id", "key", "uuid", "course_uuid", "draft", "action", "timestamp")
ENTRY_ROWS_PER_INSERT = 1000


def entries_insert(entries: Sequence[tuple[Description, str]], *, now: Any, alias: str) -> list[int]:
    """INSERT the entries as plain rows (a statement per 1,000, fewer on SQLite); their ids, in order.

    ``bulk_create`` built a model instance per entry and resolved the ``txid`` default expression once per
    row, which cost more than the statement itself on a catalog load (ADR 0124). The SQL is the same
    multi-row INSERT ... RETURNING, with ``txid`` omitted so the column default fills it.
    """
    from course_metadata.models.changes import ChangeLogEntry

    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        created = ChangeLogEntry.objects.using(alias).bulk_create(
            [_entry(description, action, now) for description, action in entries]
        )
        return [row.pk for row in created]
    meta = ChangeLogEntry._meta
    fields = [cast(models.Field, meta.get_field(name)) for name in ENTRY_COLUMNS]
    quote = connection.ops.quote_name
    head = "INSERT INTO %s (%s) VALUES " % (quote(meta.db_table), ", ".join(quote(str(f.column)) for f in fields))  # noqa: UP031
    row_sql = "(%s)" % ", ".join(["%s"] * len(fields))  # noqa: UP031
    per_insert = max(1, min(ENTRY_ROWS_PER_INSERT, connection.ops.bulk_batch_size(fields, entries)))
    ids: list[int] = []
    for start in range(0, len(entries), per_insert):
        batch = entries[start : start + per_insert]
        params: list[Any] = []
        for description, action in batch:
            values = (
                description.object_type,
                description.object_id,
                description.key[:255],
                description.uuid,
                description.course_uuid,
                description.draft,
                action,
                now,
            )
            params.extend(
                field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)
            )
        sql = head + ", ".join([row_sql] * len(batch)) + " RETURNING " + quote(str(meta.pk.column))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _stamp(spec: Spec, pks: set[int], now: Any, alias: str) -> None:
    assert spec.timestamp_field is not None
    owner = spec.model._meta.get_field(spec.timestamp_field).model  # the table that holds the column
    for batch in chunked(pks, CHUNK):
        owner._base_manager.using(alias).filter(pk__in=batch).update(**{spec.timestamp_field: now})


def _entry(description: Description, action: str, now: Any) -> Any:
    from course_metadata.models.changes import ChangeLogEntry

    return ChangeLogEntry(
        object_type=description.object_type,
        object_id=description.object_id,
        key=description.key[:255],
        uuid=description.uuid,
        course_uuid=description.course_uuid,
        draft=description.draft,
        action=action,
        timestamp=now,
    )


def rows_changed(
    model: type[models.Model],
    pks: Iterable[int],
    *,
    alias: str,
    fields: frozenset[str] | None = None,
    stamped: bool = False,
    instance: models.Model | None = None,
) -> None:
    """``pks`` of ``model`` changed (their own ``fields``, or related data when None): record it.

    ``instance`` is the changed row when there is one (a save): its foreign keys and description are
    read from it rather than queried.
    """
    spec = spec_for(model)
    if spec is None or state.is_suppressed():
        return
    seeds: dict[int, Description | None] = dict.fromkeys(pks)
    if not seeds:
        return
    if instance is not None and spec.logged and spec.course_uuid in (None, "uuid"):
        seeds[instance.pk] = describe_instance(spec, instance)
    found = closure([(spec, seeds, fields)], alias, instance=instance)
    write(found, alias=alias, stamped={spec: set(seeds)} if stamped else None)


def describe_instance(spec: Spec, instance: models.Model) -> Description:
    """The description of a row at hand whose described columns are all its own."""
    return Description(
        object_type=spec.object_type or "",
        object_id=instance.pk,
        key=str(getattr(instance, spec.key) or "") if spec.key else "",
        uuid=getattr(instance, "uuid", None),
        course_uuid=getattr(instance, "uuid", None) if spec.course_uuid else None,
        draft=bool(getattr(instance, "draft", False)),
    )
