"""Facets: the matching rows in a CTE and one grouped sub-select per facet field, in one statement."""

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


def narrow_counts(
    where: str, params: list[Any], queries: Mapping[str, tuple[str, list[Any]]], names: Sequence[str]
) -> tuple[int, dict[str, int], dict[str, list[tuple[Any, int]]]]:
    """The total, the named query counts and the facets from ``search_narrow`` (PostgreSQL, ADR 0092) in one
    statement: the matching rows' facet columns and query flags once, then the total, one count per query and
    one grouped sub-select per facet field over them."""
    if not queries and not names:
        # The total alone: a plain count, which PostgreSQL may split between parallel workers.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {narrow.TABLE} n WHERE {where}", params)
            return int(cursor.fetchone()[0]), {}, {}
    limit = int(getattr(settings, "SEARCH_FACET_LIMIT", 100))
    fields = [schema.resolve(name)[0] for name in names]
    columns = ["1 AS one"]
    column_params: list[Any] = []
    parts = ["SELECT -1 AS f, NULL::text AS v, count(*) AS c FROM m"]
    for index, (sql, more) in enumerate(queries.values()):
        columns.append(f"({sql}) AS q{index}")
        column_params += more
        parts.append(f"SELECT {-2 - index}, NULL, count(*) FILTER (WHERE m.q{index}) FROM m")
    for index, found in enumerate(fields):
        if found.name == "content_type":
            columns.append(f"ARRAY[n.content_type]::text[] AS c{index}")
        elif found.name in narrow.FIELDS and found.kind is not schema.Kind.DATE:
            columns.append(f"n.{narrow.column(found.name)} AS c{index}")
        else:
            raise narrow.NotNarrow(found.name)
        parts.append(
            # unnest in the select list (one set-returning projection) rather than a function scan per row.
            f"SELECT * FROM (SELECT {index} AS f, v, count(*) AS c FROM (SELECT unnest(m.c{index}) AS v FROM m) e "
            f"GROUP BY v ORDER BY c DESC, v LIMIT {limit}) p{index}"
        )
    sql = (
        f"WITH m AS MATERIALIZED (SELECT {', '.join(columns)} FROM {narrow.TABLE} n WHERE {where}) "
        + " UNION ALL ".join(parts)
    )
    total = 0
    counts = dict.fromkeys(queries, 0)
    query_names = list(queries)
    found_values: dict[str, list[tuple[Any, int]]] = {name: [] for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *params])
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
