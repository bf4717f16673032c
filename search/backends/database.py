"""The database search backend: PostgreSQL full-text search, or SQLite FTS5 for the embedded default (ADR 0081).

Documents live in ``search_searchdocument`` (one row per document and index generation) with their body as
JSON. The query tree compiles to one SQL condition:

- default full text (a bare word): PostgreSQL matches the weighted ``search_vector`` (title A, short
  description B, full description C, other text D) with ``to_tsquery('english', …)``; SQLite matches the
  FTS5 table's default columns. A field's own text: its weight class within its content types on
  PostgreSQL (every weighted field owns its class within the types that carry it), else the per-field
  lexemes ``field_tokens`` (``"org:edx"``); the FTS5 column on SQLite. Accents are folded before storage
  and in queries (``search.text``).
- keyword, number, date and boolean fields (and ``<text field>.raw``): the JSON body, with containment
  (GIN-indexed) for terms on PostgreSQL and ``json_each`` for lists on SQLite.

Scores multiply text relevance (``ts_rank`` with the schema's weights on PostgreSQL; on SQLite the weight classes whose fields match) by ``search.ranking``'s
boosts; facets are SQL aggregations over the matching rows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from search import ranking, schema
from search.backends.base import DocRef, Document, Hit, SearchRequest, SearchResult
from search.models import SearchGeneration
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.text import BadValue, boolean_value, date_value, number_value, plain, words

DOCS = "search_searchdocument"
GENS = "search_searchgeneration"
FTS = "search_fts"
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
SORT_COLUMNS = {
    "aggregation_key": "d.aggregation_key",
    "start": "d.sort_start",
    "title": "d.sort_title",
    "full_name": "d.sort_title",
    "key": "d.key",
}


def _encode_other(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in a search document")


def _json(value: Any) -> str:
    return orjson.dumps(value, default=_encode_other).decode()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _wildcard_regex(pattern: str) -> str:
    return "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)


class Compiler:
    """Turns a query tree into a SQL condition on the documents table aliased ``d``."""

    def __init__(self, vendor: str, now: dt.datetime) -> None:
        self.vendor = vendor
        self.pg = vendor == "postgresql"
        self.now = now

    def compile(self, node: Node) -> tuple[str, list[Any]]:
        if isinstance(node, MatchAll):
            return "1=1", []
        if isinstance(node, And | Or):
            if not node.children:
                return ("1=1" if isinstance(node, And) else "1=0"), []
            parts = [self.compile(child) for child in node.children]
            joiner = " AND " if isinstance(node, And) else " OR "
            return "(" + joiner.join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]
        if isinstance(node, Not):
            sql, params = self.compile(node.child)
            return f"NOT ({sql})", params
        if isinstance(node, Exists):
            return self._exists(schema.resolve(node.field)[0])
        field_name = getattr(node, "field", None)
        if field_name is None:
            return self._text(node, None)
        found, exact = schema.resolve(field_name)
        if isinstance(node, Range):
            return self._range(found, node)
        if exact:
            return self._exact(found, node)
        return self._text(node, found)

    # --- exact values (keyword, number, date, boolean, text.raw) ---------------------------------------

    def _typed(self, found: schema.SearchField, raw: str, *, end_of_day: bool = False) -> Any:
        if found.kind is schema.Kind.NUMBER:
            return number_value(raw)
        if found.kind is schema.Kind.BOOLEAN:
            return boolean_value(raw)
        if found.kind is schema.Kind.DATE:
            return date_value(raw, now=self.now, end_of_day=end_of_day)
        return raw

    def _param(self, value: Any) -> Any:
        if isinstance(value, bool) and not self.pg:
            return int(value)
        return value

    def _any_value(self, found: schema.SearchField, condition: str, params: list[Any]) -> tuple[str, list[Any]]:
        """``condition`` (on ``v``) holds for the field's value, or for any of its values."""
        name = found.name
        if self.pg:
            cast = "::numeric" if found.kind is schema.Kind.NUMBER else ""
            if found.multi:
                return (
                    f"EXISTS (SELECT 1 FROM {_pg_elements('d', name)} e(v) WHERE {condition.format(v=f'e.v{cast}')})",
                    params,
                )
            # COALESCE: a missing value compares as NULL, and NOT (NULL) would drop the row as well.
            value = f"(d.facts->>'{name}'){cast}"
            return f"COALESCE({condition.format(v=value)}, false)", params
        if found.multi:
            return (
                f"EXISTS (SELECT 1 FROM json_each(d.facts, '$.{name}') j WHERE {condition.format(v='j.value')})",
                params,
            )
        value = f"json_extract(d.facts, '$.{name}')"
        return f"COALESCE({condition.format(v=value)}, 0)", params

    def _exact(self, found: schema.SearchField, node: Node) -> tuple[str, list[Any]]:
        if isinstance(node, Term | Phrase):
            if found.kind is schema.Kind.DATE:
                return self._range(found, Range(found.name, node.value, node.value))
            value = self._typed(found, node.value)
            if found.kind is schema.Kind.NUMBER and float(value).is_integer():
                value = int(value)
            if self.pg:
                if found.multi:
                    return "(d.facts @> %s::jsonb OR d.facts @> %s::jsonb)", [
                        _json({found.name: [value]}),
                        _json({found.name: value}),
                    ]
                return "d.facts @> %s::jsonb", [_json({found.name: value})]
            return self._any_value(found, "{v} = %s", [self._param(value)])
        if isinstance(node, Prefix):
            if self.pg:
                return self._any_value(found, "{v} LIKE %s", [_like_escape(node.value) + "%"])
            return self._any_value(found, "substr({v}, 1, %s) = %s", [len(node.value), node.value])
        if isinstance(node, Wildcard):
            if self.pg:
                return self._any_value(found, "{v} ~ %s", ["^" + _wildcard_regex(node.pattern) + "$"])
            glob = node.pattern.replace("[", "[[]")
            return self._any_value(found, "{v} GLOB %s", [glob])
        raise TypeError(node)

    def _range(self, found: schema.SearchField, node: Range) -> tuple[str, list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        for bound, op, inclusive, end_of_day in (
            (node.low, ">", node.include_low, False),
            (node.high, "<", node.include_high, True),
        ):
            if bound is None or bound == "*":
                continue
            value = self._typed(found, bound, end_of_day=end_of_day and inclusive)
            conditions.append(f"{{v}} {op}{'=' if inclusive else ''} %s")
            params.append(self._param(value))
        if not conditions:
            return self._exists(found)
        return self._any_value(found, " AND ".join(conditions), params)

    def _exists(self, found: schema.SearchField) -> tuple[str, list[Any]]:
        name = found.name
        column = "d.facts" if name in schema.STRUCTURED else "d.body"
        if self.pg:
            return f"COALESCE({column}->'{name}', 'null'::jsonb) NOT IN ('null'::jsonb, '[]'::jsonb, '\"\"'::jsonb)", []
        return (
            f"COALESCE(json_type({column}, '$.{name}'), 'null') != 'null' "
            f"AND COALESCE(json_extract({column}, '$.{name}'), '') NOT IN ('', '[]')",
            [],
        )

    # --- analysed text ---------------------------------------------------------------------------------

    def _text(self, node: Node, found: schema.SearchField | None) -> tuple[str, list[Any]]:
        fields = (found.name,) if found is not None else DEFAULT_FIELDS
        if isinstance(node, Wildcard):
            return self._text_wildcard(node.pattern, fields)
        value = node.value  # type: ignore[union-attr]
        tokens = words(value)
        if not tokens:
            return ("1=1" if isinstance(node, Prefix) and not value.strip("*") else "1=0"), []
        prefix = isinstance(node, Prefix)
        phrase = isinstance(node, Phrase)
        if self.pg:
            return self._pg_text(fields, tokens, prefix=prefix, phrase=phrase)
        return self._fts_match(fields, tokens, prefix=prefix, phrase=phrase)

    def _pg_text(
        self, fields: Sequence[str], tokens: list[str], *, prefix: bool, phrase: bool
    ) -> tuple[str, list[Any]]:
        if len(fields) == 1 and fields[0] not in schema.TEXT_WEIGHTS:
            return self._pg_tokens(fields[0], tokens, prefix=prefix)
        weight = schema.TEXT_WEIGHTS[fields[0]] if len(fields) == 1 else ""
        operands = [f"'{token}':{weight}" for token in tokens]
        if prefix:
            operands[-1] = f"'{tokens[-1]}':*{weight}"
        query = (" <-> " if phrase else " & ").join(operands)
        sql = "d.search_vector @@ to_tsquery('english', %s)"
        if len(fields) == 1:
            types = sorted(schema.field(fields[0]).content_types)
            sql = f"(d.content_type IN ({', '.join(['%s'] * len(types))}) AND {sql})"
            return sql, [*types, query]
        return sql, [query]

    def _pg_tokens(self, name: str, tokens: list[str], *, prefix: bool) -> tuple[str, list[Any]]:
        whole = tokens[:-1] if prefix else tokens
        parts: list[str] = []
        params: list[Any] = []
        if whole:
            parts.append(
                "d.field_tokens @> ARRAY(SELECT %s || l FROM "
                "unnest(tsvector_to_array(to_tsvector('english', %s))) l)::text[]"
            )
            params += [f"{name}:", " ".join(whole)]
        if prefix:
            parts.append("EXISTS (SELECT 1 FROM unnest(d.field_tokens) t WHERE t LIKE %s)")
            params.append(f"{name}:{_like_escape(tokens[-1])}%")
        return "(" + " AND ".join(parts) + ")", params

    def _fts_match(
        self, fields: Sequence[str], tokens: list[str], *, prefix: bool, phrase: bool
    ) -> tuple[str, list[Any]]:
        quoted = [f'"{token}"' for token in tokens]
        if phrase:
            expression = '"' + " ".join(tokens) + '"'
        else:
            if prefix:
                quoted[-1] += "*"
            expression = "(" + " AND ".join(quoted) + ")"
        match = "{" + " ".join(fields) + "} : " + expression
        return f"d.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)", [match]

    def _text_wildcard(self, pattern: str, fields: Sequence[str]) -> tuple[str, list[Any]]:
        folded = plain(pattern)
        if self.pg:
            regex = r"(^|\W)" + _wildcard_regex(folded) + r"($|\W)"
            parts = [f"lower(d.body->>'{name}') ~ %s" for name in fields]
            return "(" + " OR ".join(parts) + ")", [regex] * len(fields)
        like = "%" + folded.replace("*", "%").replace("?", "_") + "%"
        parts = [f"lower(json_extract(d.body, '$.{name}')) LIKE %s" for name in fields]
        return "(" + " OR ".join(parts) + ")", [like] * len(fields)


class DatabaseIndexBuild:
    def __init__(self, backend: DatabaseBackend, generation: SearchGeneration) -> None:
        self.backend = backend
        self.generation = generation
        self.name = generation.name

    def add(self, documents: Sequence[Document]) -> None:
        self.backend._write([self.generation.pk], documents)

    def count(self) -> int:
        return self.backend._count(self.generation.pk)

    def swap(self) -> None:
        if self.backend.vendor == "postgresql":
            # Fresh statistics before the new generation goes live: with the old ones the planner takes it
            # for a handful of rows and filters it row by row instead of using the text index.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DOCS}")
        with transaction.atomic():
            now = timezone.now()
            SearchGeneration.objects.filter(state=SearchGeneration.State.LIVE).update(
                state=SearchGeneration.State.RETIRED, swapped=now
            )
            SearchGeneration.objects.filter(pk=self.generation.pk).update(
                state=SearchGeneration.State.LIVE, swapped=now
            )

    def discard(self) -> None:
        self.backend._drop(self.generation.pk)


class DatabaseBackend:
    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- generations -----------------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        if not SearchGeneration.objects.filter(state=SearchGeneration.State.LIVE).exists():
            SearchGeneration.objects.get_or_create(
                name=f"search-{timezone.now():%Y%m%d%H%M%S%f}", defaults={"state": SearchGeneration.State.LIVE}
            )

    def _writable(self) -> list[int]:
        self.ensure_ready()
        return list(
            SearchGeneration.objects.filter(
                state__in=[SearchGeneration.State.LIVE, SearchGeneration.State.BUILDING]
            ).values_list("pk", flat=True)
        )

    def new_build(self) -> DatabaseIndexBuild:
        for stale in SearchGeneration.objects.filter(state=SearchGeneration.State.BUILDING):
            self._drop(stale.pk)
        generation = SearchGeneration.objects.create(
            name=f"search-{timezone.now():%Y%m%d%H%M%S%f}", state=SearchGeneration.State.BUILDING
        )
        return DatabaseIndexBuild(self, generation)

    def prune(self, keep: int) -> list[str]:
        retired = list(
            SearchGeneration.objects.filter(state=SearchGeneration.State.RETIRED).order_by("-swapped", "-pk")
        )
        dropped = retired[keep:]
        for generation in dropped:
            self._drop(generation.pk)
        return [generation.name for generation in dropped]

    def _drop(self, generation_id: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute(
                    f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {DOCS} WHERE generation_id = %s)",
                    [generation_id],
                )
            cursor.execute(f"DELETE FROM {DOCS} WHERE generation_id = %s", [generation_id])
            cursor.execute(f"DELETE FROM {GENS} WHERE id = %s", [generation_id])

    def _count(self, generation_id: int, content_types: Iterable[str] | None = None) -> int:
        sql = f"SELECT count(*) FROM {DOCS} d WHERE d.generation_id = %s"
        params: list[Any] = [generation_id]
        if content_types is not None:
            types = list(content_types)
            sql += f" AND d.content_type IN ({', '.join(['%s'] * len(types))})" if types else " AND 1=0"
            params += types
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])

    # --- writes ----------------------------------------------------------------------------------------

    def index(self, documents: Sequence[Document]) -> None:
        if documents:
            self._write(self._writable(), documents)

    def delete(self, ids: Iterable[str]) -> None:
        wanted = sorted(set(ids))
        if not wanted:
            return
        generations = self._writable()
        with transaction.atomic(), connection.cursor() as cursor:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ", ".join(["%s"] * len(part))
                for generation in generations:
                    if self.vendor == "sqlite":
                        cursor.execute(
                            f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {DOCS} "
                            f"WHERE generation_id = %s AND doc_id IN ({marks}))",
                            [generation, *part],
                        )
                    cursor.execute(
                        f"DELETE FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks})", [generation, *part]
                    )

    @staticmethod
    def _row(document: Document) -> dict[str, Any]:
        body = document.body
        start = body.get("start")
        if isinstance(start, list):
            start = min(start) if start else None
        title = body.get("title") or body.get("full_name") or ""
        return {
            "doc_id": document.id,
            "content_type": document.content_type,
            "partner": body.get("partner") or "",
            "key": body.get("key") or "",
            "aggregation_key": body.get("aggregation_key") or document.id,
            "sort_start": start or "",
            "sort_title": plain(title)[:300],
        }

    def _write(self, generations: Sequence[int], documents: Sequence[Document]) -> None:
        unique = list({document.id: document for document in documents}.values())
        rows = [self._row(document) for document in unique]
        with transaction.atomic():
            for generation in generations:
                for start in range(0, len(unique), 500):
                    part = slice(start, start + 500)
                    if self.vendor == "postgresql":
                        self._write_pg(generation, unique[part], rows[part])
                    else:
                        self._write_sqlite(generation, unique[part], rows[part])

    def _write_pg(self, generation: int, documents: Sequence[Document], rows: Sequence[dict[str, Any]]) -> None:
        # One JSON parameter unpacked by jsonb_to_recordset: psycopg quotes array parameters in Python,
        # element by element, which cost more than building the documents.
        records = []
        for document, row in zip(documents, rows, strict=True):
            by_class: dict[str, list[str]] = {"A": [], "B": [], "C": [], "D": []}
            for name, weight in schema.TEXT_WEIGHTS.items():
                if name in document.body:
                    by_class[weight].append(_pg_text(document.body[name]))
            records.append(
                {
                    **row,
                    "body": document.body,
                    "facts": {name: document.body[name] for name in schema.STRUCTURED if name in document.body},
                    **{
                        f"w{weight.lower()}": "\n".join(text for text in texts if text)
                        for weight, texts in by_class.items()
                    },
                    "fields": {
                        name: _pg_text(document.body[name]) for name in UNWEIGHTED_TEXT if document.body.get(name)
                    },
                }
            )
        names = ", ".join(ROW_COLUMNS)
        updates = ", ".join(
            f"{column} = EXCLUDED.{column}" for column in (*ROW_COLUMNS[1:], "search_vector", "field_tokens")
        )
        sql = f"""
            INSERT INTO {DOCS} (generation_id, {names}, search_vector, field_tokens)
            SELECT %s, u.doc_id, u.content_type, u.partner, u.key, u.aggregation_key, u.sort_start, u.sort_title,
                   u.body, u.facts,
                   setweight(to_tsvector('english', u.wa), 'A') || setweight(to_tsvector('english', u.wb), 'B')
                   || setweight(to_tsvector('english', u.wc), 'C') || setweight(to_tsvector('english', u.wd), 'D'),
                   ARRAY(SELECT DISTINCT e.key || ':' || l FROM jsonb_each_text(u.fields) e,
                         unnest(tsvector_to_array(to_tsvector('english', e.value))) l)
            FROM jsonb_to_recordset(%s::jsonb) AS u(
                doc_id text, content_type text, partner text, key text, aggregation_key text, sort_start text,
                sort_title text, body jsonb, facts jsonb, wa text, wb text, wc text, wd text, fields jsonb)
            ON CONFLICT (generation_id, doc_id) DO UPDATE SET {updates}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [generation, _json(records)])

    def _write_sqlite(self, generation: int, documents: Sequence[Document], rows: Sequence[dict[str, Any]]) -> None:
        ids = [row["doc_id"] for row in rows]
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks}))",
                [generation, *ids],
            )
            cursor.execute(f"DELETE FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks})", [generation, *ids])
            cursor.executemany(
                f"INSERT INTO {DOCS} (generation_id, {', '.join(ROW_COLUMNS)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(ROW_COLUMNS))})",
                [
                    [
                        generation,
                        *(row[column] for column in ROW_COLUMNS[:-2]),
                        _json(document.body),
                        _json({name: document.body[name] for name in schema.STRUCTURED if name in document.body}),
                    ]
                    for document, row in zip(documents, rows, strict=True)
                ],
            )
            cursor.execute(
                f"SELECT doc_id, id FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks})", [generation, *ids]
            )
            rowids = dict(cursor.fetchall())
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (%s, {', '.join(['%s'] * len(FTS_COLUMNS))})",
                [
                    [rowids[document.id], *(plain(document.body.get(name)) for name in FTS_COLUMNS)]
                    for document in documents
                ],
            )

    # --- reads -----------------------------------------------------------------------------------------

    @staticmethod
    def _live() -> int | None:
        return SearchGeneration.objects.filter(state=SearchGeneration.State.LIVE).values_list("pk", flat=True).first()

    def count(self, content_types: Iterable[str] | None = None) -> int:
        live = self._live()
        return 0 if live is None else self._count(live, content_types)

    def _base(self, request_types: Sequence[str], partner: str | None) -> tuple[str, list[Any]]:
        # The live generation read first and written as a constant: with a sub-select in its place the
        # planner cannot tell how many rows the generation holds, and it filtered by generation and
        # evaluated the text match row by row instead of using the GIN index (ADR 0081).
        live = self._live()
        types = list(request_types)
        sql = "1=0" if live is None else f"d.generation_id = {int(live)}"
        params: list[Any] = []
        if types:
            sql += f" AND d.content_type IN ({', '.join(['%s'] * len(types))})"
            params += types
        else:
            sql += " AND 1=0"
        if partner:
            sql += " AND lower(d.partner) = %s"
            params.append(partner.lower())
        return sql, params

    def matching_ids(self, node: Node, content_types: Iterable[str]) -> set[DocRef]:
        compiler = Compiler(self.vendor, timezone.now())
        base, params = self._base(list(content_types), None)
        condition, more = compiler.compile(node)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.content_type, d.doc_id, d.key FROM {DOCS} d WHERE {base} AND {condition}", [*params, *more]
            )
            return {DocRef(kind, doc_id.split(":", 1)[1], key or None) for kind, doc_id, key in cursor.fetchall()}

    def _relevance(self, text: str | None) -> tuple[str, list[Any], str, list[Any]]:
        """(join, its params, relevance expression, its params) for ranking by ``text``'s words."""
        tokens = words(text or "")
        if not tokens:
            return "", [], "1.0", []
        if self.vendor == "postgresql":
            query = " | ".join(f"'{token}'" for token in tokens)
            weights = "{" + ",".join(str(weight) for weight in ranking.PG_WEIGHTS) + "}"
            return "", [], f"(ts_rank('{weights}', d.search_vector, to_tsquery('english', %s)) + 1e-6)", [query]
        # FTS5's bm25 scales with how rare a word is, down to nothing for a word every document has, which
        # would let ranking hinge on corpus statistics: instead, like ts_rank's weight classes, a document
        # scores each class (title A, short description B, ...) whose fields match one of the words.
        joins: list[str] = []
        params: list[Any] = []
        terms: list[str] = []
        alternatives = " OR ".join(f'"{token}"' for token in tokens)
        for index, weight in enumerate(("A", "B", "C", "D")):
            columns = [name for name, klass in schema.TEXT_WEIGHTS.items() if klass == weight]
            joins.append(
                f" LEFT JOIN (SELECT rowid AS rid FROM {FTS} WHERE {FTS} MATCH %s) w{index} ON w{index}.rid = d.id"
            )
            params.append("{" + " ".join(columns) + "} : (" + alternatives + ")")
            terms.append(f"(CASE WHEN w{index}.rid IS NULL THEN 0 ELSE {ranking.FIELD_BOOSTS[weight]} END)")
        return "".join(joins), params, "(" + " + ".join(terms) + " + 0.01)", []

    def search(self, request: SearchRequest) -> SearchResult:
        now = request.now or timezone.now()
        compiler = Compiler(self.vendor, now)
        base, base_params = self._base(request.content_types, request.partner)
        condition, condition_params = compiler.compile(request.query)
        where = f"{base} AND {condition}"
        where_params = [*base_params, *condition_params]

        join, join_params, relevance, relevance_params = self._relevance(request.text)
        boost_sql: list[str] = []
        boost_params: list[Any] = []
        for boost in ranking.boosts(now):
            sql, params = compiler.compile(boost.condition)
            boost_sql.append(f"(CASE WHEN {sql} THEN {boost.factor} ELSE 1.0 END)")
            boost_params += params
        score = " * ".join([relevance, *boost_sql])

        sorts = self._ordering(request)
        select_sorts = ", ".join(
            f"{'score' if expression == 'score' else expression} AS s{index}"
            for index, (expression, _) in enumerate(sorts)
            if expression != "score"
        )
        inner = (
            f"SELECT d.doc_id, d.content_type, d.body, {score} AS score, {select_sorts} "
            f"FROM {DOCS} d{join} WHERE {where}"
        )
        # Parameters in the order of the SQL text: the score, the join (SQLite's bm25), the condition.
        params_in_order = [*relevance_params, *boost_params, *join_params, *where_params]

        outer_where, outer_params = self._keyset(sorts, request.search_after)
        order = ", ".join(
            f"{_sort_name(expression, index)} {'DESC' if descending else 'ASC'}"
            for index, (expression, descending) in enumerate(sorts)
        )
        sql = f"SELECT * FROM ({inner}) t{outer_where} ORDER BY {order} LIMIT %s OFFSET %s"
        offset = 0 if request.search_after is not None else request.offset
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params_in_order, *outer_params, request.size, offset])
            rows = cursor.fetchall()
        positions: dict[int, int] = {}
        column = 4
        for index, (expression, _) in enumerate(sorts):
            if expression != "score":
                positions[index] = column
                column += 1
        hits = [
            Hit(
                id=row[0],
                content_type=row[1],
                score=float(row[3]),
                sort=tuple(
                    row[3] if expression == "score" else row[positions[index]]
                    for index, (expression, _) in enumerate(sorts)
                ),
                body=json.loads(row[2]) if isinstance(row[2], str) else row[2],
            )
            for row in rows
        ]
        total, queries = self._counts(where, where_params, request, compiler)
        facets = self._facets(where, where_params, request.facets)
        return SearchResult(hits=hits, total=total, facets=facets, facet_queries=queries)

    def _ordering(self, request: SearchRequest) -> list[tuple[str, bool]]:
        wanted = list(request.ordering)
        if not wanted:
            wanted = ["-score"] if words(request.text or "") else ["-start"]
        sorts: list[tuple[str, bool]] = []
        for item in wanted:
            descending = item.startswith("-")
            name = item.lstrip("-")
            if name == "score":
                sorts.append(("score", True))
                continue
            column = SORT_COLUMNS.get(name)
            if column is None:
                raise BadValue(f"cannot order by {name!r}; use one of: {', '.join(sorted(SORT_COLUMNS))}")
            sorts.append((f"COALESCE({column}, '')", descending))
        sorts += [("d.aggregation_key", False), ("d.doc_id", False)]
        return sorts

    @staticmethod
    def _keyset(sorts: list[tuple[str, bool]], after: tuple[Any, ...] | None) -> tuple[str, list[Any]]:
        if after is None:
            return "", []
        if len(after) != len(sorts):
            raise BadValue(f"search_after must list {len(sorts)} values (the 'sort' of the last result)")
        clauses: list[str] = []
        params: list[Any] = []
        for index, (_, descending) in enumerate(sorts):
            equal = [f"{_sort_name(sorts[earlier][0], earlier)} = %s" for earlier in range(index)]
            clause = " AND ".join([*equal, f"{_sort_name(sorts[index][0], index)} {'<' if descending else '>'} %s"])
            clauses.append(f"({clause})")
            params += [*after[:index], after[index]]
        return " WHERE " + " OR ".join(clauses), params

    def _counts(
        self, where: str, params: list[Any], request: SearchRequest, compiler: Compiler
    ) -> tuple[int, dict[str, int]]:
        parts = ["count(*)"]
        part_params: list[Any] = []
        names = list(request.facet_queries)
        for name in names:
            sql, more = compiler.compile(request.facet_queries[name])
            parts.append(f"count(*) FILTER (WHERE {sql})")
            part_params += more
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)} FROM {DOCS} d WHERE {where}", [*part_params, *params])
            row = cursor.fetchone()
        return int(row[0]), {name: int(count) for name, count in zip(names, row[1:], strict=True)}

    def _facets(self, where: str, params: list[Any], names: Sequence[str]) -> dict[str, list[tuple[Any, int]]]:
        if not names:
            return {}
        limit = int(getattr(settings, "SEARCH_FACET_LIMIT", 100))
        pg = self.vendor == "postgresql"
        parts: list[str] = []
        fields = [schema.resolve(name)[0] for name in names]
        for index, found in enumerate(fields):
            name = found.name
            if found.multi:
                source = (
                    f"m CROSS JOIN {_pg_elements('m', name)} e(v)"
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


def _pg_text(value: Any) -> str:
    """Text for ``to_tsvector``: the words queries are cut into (``search.text.words``), one space apart.
    PostgreSQL's own parser reads ``re-engineered`` or ``24/7`` as compound tokens with extra lexemes at
    shifted positions, so a phrase of the query's words would not find them adjacent."""
    return " ".join(words(plain(value)))


def _pg_elements(alias: str, name: str) -> str:
    """The field's values as rows of text, whether it holds a list or a single value."""
    value = f"{alias}.facts->'{name}'"
    return (
        f"jsonb_array_elements_text(CASE jsonb_typeof({value}) WHEN 'array' THEN {value} "
        f"WHEN 'null' THEN '[]'::jsonb ELSE jsonb_build_array({value}) END)"
    )


def _sort_name(expression: str, index: int) -> str:
    return "t.score" if expression == "score" else f"t.s{index}"


def _facet_value(found: schema.SearchField, value: Any) -> Any:
    if found.kind is schema.Kind.BOOLEAN:
        return value in (True, 1, "true", "1")
    if found.kind is schema.Kind.NUMBER and isinstance(value, str):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value
