"""The database backend's tables and index generations (ADR 0081).

Documents live in ``search_searchdocument`` (one row per document and index generation); the vendor
columns and indexes are created by the migrations (``search/migrations``): on PostgreSQL a weighted
``tsvector``, the per-field lexemes and GIN indexes, on SQLite the FTS5 table ``search_fts`` whose rowid is
the document's id. A generation is one complete index: one ``live``, at most one ``building``, a few
``retired``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from search import schema
from search.models import SearchGeneration

DOCS = "search_searchdocument"
GENS = "search_searchgeneration"
FTS = "search_fts"
TYPEAHEAD = "search_typeahead"  # PostgreSQL only
NARROW = "search_narrow"  # PostgreSQL only (ADR 0092)
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in schema.FIELDS if f.kind is schema.Kind.TEXT)
FTS_COLUMNS = TEXT_FIELDS
DEFAULT_FIELDS: tuple[str, ...] = tuple(schema.TEXT_WEIGHTS)
UNWEIGHTED_TEXT: tuple[str, ...] = tuple(name for name in TEXT_FIELDS if name not in schema.TEXT_WEIGHTS)

ROW_COLUMNS = (
    "doc_id",
    "content_type",
    "partner",
    "key",
    "aggregation_key",
    "sort_start",
    "sort_title",
    "body",
    "facts",
)


def vendor() -> str:
    return connection.vendor


def _encode_other(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in a search document")


def dump_json(value: Any) -> bytes:
    return orjson.dumps(value, default=_encode_other)


def to_json(value: Any) -> str:
    return dump_json(value).decode()


def _new_name() -> str:
    return f"search-{timezone.now():%Y%m%d%H%M%S%f}"


def ensure_ready() -> None:
    if not SearchGeneration.objects.filter(state=SearchGeneration.State.LIVE).exists():
        SearchGeneration.objects.get_or_create(name=_new_name(), defaults={"state": SearchGeneration.State.LIVE})


def writable() -> list[int]:
    """The generations a write goes to: the live one and the one being built (edits during a rebuild)."""
    ensure_ready()
    return list(
        SearchGeneration.objects.filter(
            state__in=[SearchGeneration.State.LIVE, SearchGeneration.State.BUILDING]
        ).values_list("pk", flat=True)
    )


def live() -> int | None:
    return SearchGeneration.objects.filter(state=SearchGeneration.State.LIVE).values_list("pk", flat=True).first()


def new_generation() -> SearchGeneration:
    for stale in SearchGeneration.objects.filter(state=SearchGeneration.State.BUILDING):
        drop(stale.pk)
    return SearchGeneration.objects.create(name=_new_name(), state=SearchGeneration.State.BUILDING)


def swap(generation_id: int) -> None:
    if vendor() == "postgresql":
        # Fresh statistics before the new generation goes live: with the old ones the planner takes it
        # for a handful of rows and filters it row by row instead of using the text index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DOCS}")
    with transaction.atomic():
        now = timezone.now()
        SearchGeneration.objects.filter(state=SearchGeneration.State.LIVE).update(
            state=SearchGeneration.State.RETIRED, swapped=now
        )
        SearchGeneration.objects.filter(pk=generation_id).update(state=SearchGeneration.State.LIVE, swapped=now)
        query_rows_drop(
            list(SearchGeneration.objects.filter(state=SearchGeneration.State.RETIRED).values_list("pk", flat=True))
        )


def query_rows_drop(generation_ids: list[int]) -> None:
    """Drop the typeahead and narrow rows of generations that are no longer live (PostgreSQL).

    Searches read those rows through their GIN indexes, which cover every generation: a retired one's rows
    would match too and be filtered out one by one, so each kept generation would add the live one's cost
    to every search. A retired generation keeps its documents, the record of what was live (ADR 0093).
    """
    if not generation_ids or vendor() != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (TYPEAHEAD, NARROW):
            cursor.execute(f"DELETE FROM {table} WHERE generation_id = ANY(%s)", [generation_ids])


def prune(keep: int) -> list[str]:
    retired = list(SearchGeneration.objects.filter(state=SearchGeneration.State.RETIRED).order_by("-swapped", "-pk"))
    dropped = retired[keep:]
    for generation in dropped:
        drop(generation.pk)
    return [generation.name for generation in dropped]


def drop(generation_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute(
                f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {DOCS} WHERE generation_id = %s)",
                [generation_id],
            )
        else:
            cursor.execute(f"DELETE FROM {TYPEAHEAD} WHERE generation_id = %s", [generation_id])
            cursor.execute(f"DELETE FROM {NARROW} WHERE generation_id = %s", [generation_id])
        cursor.execute(f"DELETE FROM {DOCS} WHERE generation_id = %s", [generation_id])
        cursor.execute(f"DELETE FROM {GENS} WHERE id = %s", [generation_id])


def count(generation_id: int, content_types: Iterable[str] | None = None) -> int:
    sql = f"SELECT count(*) FROM {DOCS} d WHERE d.generation_id = %s"
    params: list[Any] = [generation_id]
    if content_types is not None:
        types = list(content_types)
        sql += f" AND d.content_type IN ({', '.join(['%s'] * len(types))})" if types else " AND 1=0"
        params += types
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
