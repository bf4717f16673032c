"""Plain SQL statements for the catalog's small, frequent writes.

The change-log consumer writes a handful of rows per change: a few documents, a few dozen memberships,
a few dozen catalog versions. Built through the ORM (``bulk_update``'s ``CASE WHEN`` per row, a ``Q`` per
pair of keys), those statements cost more to compile than to run. These helpers write the SQL text from
the model's metadata and run it with ``executemany`` (one round trip on PostgreSQL, whose driver
pipelines it), passing every value through the model field's own database preparation, so they store
exactly what the ORM would on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> tuple[str, Any]:
    """The quoted column of field ``name`` and a function preparing a value for it."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a concrete field")
    return connection.ops.quote_name(field.column), lambda value: field.get_db_prep_save(value, connection)


def update_each(model: type[Model], changes: Iterable[tuple[Any, Mapping[str, Any]]]) -> int:
    """Set each row's own new values: ``changes`` is (primary key, {field: value}) per row.

    Rows changing the same fields share one statement, run with ``executemany``. Returns the rows given.
    """
    groups: dict[tuple[str, ...], list[tuple[Any, Mapping[str, Any]]]] = defaultdict(list)
    for pk, values in changes:
        if values:
            groups[tuple(sorted(values))].append((pk, values))
    pk_column, prepare_pk = _column(model, model._meta.pk.name)
    count = 0
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            columns = [_column(model, name) for name in names]
            assignments = ", ".join(f"{column} = %s" for column, _ in columns)
            statement = f"UPDATE {_table(model)} SET {assignments} WHERE {pk_column} = %s"
            cursor.executemany(
                statement,
                [
                    [prepare(values[name]) for name, (_, prepare) in zip(names, columns, strict=True)]
                    + [prepare_pk(pk)]
                    for pk, values in rows
                ],
            )
            count += len(rows)
    return count


def set_each(model: type[Model], name: str, key: str, values: Sequence[tuple[Any, Any]]) -> None:
    """For each (key value, value) pair, set field ``name`` to the value on the rows whose field ``key``
    holds the key value, leaving rows that already hold it untouched."""
    if not values:
        return
    column, prepare = _column(model, name)
    key_column, prepare_key = _column(model, key)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {_table(model)} SET {column} = %s WHERE {key_column} = %s AND {column} <> %s",
            [(prepare(value), prepare_key(key_value), prepare(value)) for key_value, value in values],
        )


def insert_each(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values of the fields ``names``, in order), skipping any that would break a unique
    constraint (``ON CONFLICT DO NOTHING``, which PostgreSQL and SQLite both understand)."""
    if not rows:
        return
    columns = [_column(model, name) for name in names]
    statement = (
        f"INSERT INTO {_table(model)} ({', '.join(column for column, _ in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            statement,
            [[prepare(value) for (_, prepare), value in zip(columns, row, strict=True)] for row in rows],
        )


def delete_each(model: type[Model], names: Sequence[str], keys: Sequence[Sequence[Any]]) -> None:
    """Delete the rows whose fields ``names`` hold each of ``keys`` (no cascades: for tables nothing
    references)."""
    if not keys:
        return
    columns = [_column(model, name) for name in names]
    condition = " AND ".join(f"{column} = %s" for column, _ in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {_table(model)} WHERE {condition}",
            [[prepare(value) for (_, prepare), value in zip(columns, key, strict=True)] for key in keys],
        )


def increment(model: type[Model], name: str, pks: Iterable[Any]) -> int:
    """Add one to field ``name`` of the rows with these primary keys; returns how many rows changed."""
    ids = sorted(set(pks))
    if not ids:
        return 0
    column, _ = _column(model, name)
    pk_column, prepare_pk = _column(model, model._meta.pk.name)
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            cursor.execute(
                f"UPDATE {_table(model)} SET {column} = {column} + 1 "
                f"WHERE {pk_column} IN ({', '.join(['%s'] * len(batch))})",
                [prepare_pk(pk) for pk in batch],
            )
            changed += cursor.rowcount
    return changed
