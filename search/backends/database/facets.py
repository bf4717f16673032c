"""Facets in one statement: over the documents table the matching rows in a CTE and one grouped sub-select
per facet field (``facet_counts``); over the narrow rows one pass of ``GROUPING SETS`` (``narrow_counts``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection

from search import schema
from search.backends.database import narrow
from search.backends.database.compiler import pg_elements
from search.backends.database.storage import DOCS, vendor


def facet_counts(where: str, params: list[Any], names: Sequence[str]) -> dict[str, list[tuple[Any, int]]]:
    if not names:
        return {}
    limit = int(getattr(settings, "SEARCH_FACET_LIMIT", 100))
    pg = vendor() == "postgresql"
    parts: list[str] = []
    fields = [schema.resolve(name)[0] for name in names]
    for index, found in enumerate(fields):
        name = found.name
        if found.multi:
            source = (
                f"m CROSS JOIN {pg_elements('m', name)} e(v)"
                if pg
                else f"m CROSS JOIN json_each(m.facts, '$.{name}') e"
            )
            value = "e.v" if pg else "e.value"
        else:
            source = "m"
            value = f"(m.facts->>'{name}')" if pg else f"json_extract(m.facts, '$.{name}')"
        parts.append(
            f"SELECT * FROM (SELECT {index} AS f, {value} AS v, count(*) AS c FROM {source} "
            f"WHERE {value} IS NOT NULL GROUP BY {value} ORDER BY c DESC, v LIMIT {limit}) p{index}"
        )
    materialized = "MATERIALIZED " if pg else ""
    sql = f"WITH m AS {materialized}(SELECT d.facts FROM {DOCS} d WHERE {where}) " + " UNION ALL ".join(parts)
    found_values: dict[str, list[tuple[Any, int]]] = {name: [] for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for index, value, count in rows:
        found = fields[index]
        found_values[names[index]].append((_facet_value(found, value), int(count)))
    for values in found_values.values():
        values.sort(key=lambda item: (-item[1], str(item[0])))
    return found_values


def _facet_value(found: schema.SearchField, value: Any) -> Any:
    if found.kind is schema.Kind.BOOLEAN:
        return value in (True, 1, "true", "1")
    if found.kind is schema.Kind.NUMBER and isinstance(value, str):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


# PostgreSQL's GROUPING() takes at most 31 arguments: one per facet field and per query.
MAX_GROUPED = 31


def narrow_counts(
    where: str, params: list[Any], queries: Mapping[str, tuple[str, list[Any]]], names: Sequence[str]
) -> tuple[int, dict[str, int], dict[str, list[tuple[Any, int]]]]:
    """The total, the named query counts and the facets from ``search_narrow`` (PostgreSQL, ADRs 0092 and 0093) in
    one statement and one pass over the matching rows: ``GROUPING SETS`` count the rows per distinct array of
    each facet column and per value of each query's flag (plus the total), then the few distinct arrays are
    unnested and summed per value."""
    if not queries and not names:
        # The total alone: a plain count, which PostgreSQL may split between parallel workers.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {narrow.TABLE} n WHERE {where}", params)
            return int(cursor.fetchone()[0]), {}, {}
    if len(queries) + len(names) > MAX_GROUPED:
        raise narrow.NotNarrow(", ".join([*names, *queries]))  # more keys than GROUPING() takes
    limit = int(getattr(settings, "SEARCH_FACET_LIMIT", 100))
    fields = [schema.resolve(name)[0] for name in names]
    keys: list[str] = []
    key_params: list[Any] = []
    for found in fields:
        if found.name == "content_type":
            keys.append("ARRAY[n.content_type]::text[]")
        elif found.name in narrow.FIELDS and found.kind is not schema.Kind.DATE:
            keys.append(f"n.{narrow.column(found.name)}")
        else:
            raise narrow.NotNarrow(found.name)
    for sql, more in queries.values():
        keys.append(f"({sql})")
        key_params += more
    width = len(keys)
    every = (1 << width) - 1

    def alone(index: int) -> int:
        # GROUPING(k0, ..., kN) sets a bit, k0 the highest, for each key a row is not grouped by.
        return every & ~(1 << (width - 1 - index))

    aliases = [f"k{index}" for index in range(width)]
    grouped = (
        f"SELECT GROUPING({', '.join(aliases)}) AS s, {', '.join(aliases)}, count(*) AS c FROM "
        f"(SELECT {', '.join(f'{key} AS {alias}' for key, alias in zip(keys, aliases, strict=True))} "
        f"FROM {narrow.TABLE} n WHERE {where}) m "
        f"GROUP BY GROUPING SETS ((), {', '.join(f'({alias})' for alias in aliases)})"
    )
    parts = [f"SELECT -1 AS f, NULL::text AS v, c FROM g WHERE s = {every}"]
    for index in range(len(queries)):
        position = len(fields) + index
        parts.append(f"SELECT {-2 - index}, NULL, c FROM g WHERE s = {alone(position)} AND k{position}")
    for index in range(len(fields)):
        parts.append(
            f"SELECT * FROM (SELECT {index} AS f, v, sum(c) AS c FROM "
            f"(SELECT unnest(g.k{index}) AS v, g.c FROM g WHERE s = {alone(index)}) e "
            f"GROUP BY v ORDER BY 3 DESC, v LIMIT {limit}) p{index}"
        )
    sql = f"WITH g AS ({grouped}) " + " UNION ALL ".join(parts)
    total = 0
    counts = dict.fromkeys(queries, 0)
    query_names = list(queries)
    found_values: dict[str, list[tuple[Any, int]]] = {name: [] for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key_params, *params])
        rows = cursor.fetchall()
    for index, value, count in rows:
        if index == -1:
            total = int(count)
        elif index < -1:
            counts[query_names[-2 - index]] = int(count)
        else:
            found_values[names[index]].append((_facet_value(fields[index], value), int(count)))
    for values in found_values.values():
        values.sort(key=lambda item: (-item[1], str(item[0])))
    return total, counts, found_values
