"""Writing documents into generations: upserts and deletes, in batches of ``CHUNK`` rows per statement.

PostgreSQL: one statement per chunk computes the weighted ``tsvector`` and the per-field lexemes in the
database from folded text. SQLite: the rows, then their FTS5 rows (rowid = the document row's id).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from psycopg.types.json import Jsonb

from search import schema
from search.backends.base import Document
from search.backends.database import narrow, typeahead
from search.backends.database.storage import (
    DOCS,
    FTS,
    FTS_COLUMNS,
    ROW_COLUMNS,
    UNWEIGHTED_TEXT,
    dump_json,
    to_json,
    vendor,
)
from search.text import plain, words

CHUNK = 500


def row(document: Document) -> dict[str, Any]:
    """The plain columns of a document's row (sorting, paging, partner)."""
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


def facts(document: Document) -> dict[str, Any]:
    structured = schema.STRUCTURED
    return {name: value for name, value in document.body.items() if name in structured}


# For this transaction, values PostgreSQL compresses (the facts, vectors and lexeme arrays of rows too wide
# to keep inline) are compressed with lz4 where the server has it: pglz took about 4% of the backends' time
# in a rebuild, lz4 is several times faster at it (and at reading them back). Without lz4 nothing changes.
_LZ4 = (
    "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def write(generations: Sequence[int], documents: Sequence[Document], *, rebuild: bool = False) -> None:
    """Insert or replace ``documents`` in each of ``generations`` (one transaction).

    ``rebuild``: the batch fills a generation that is not live yet (its own transaction): PostgreSQL does not
    wait for it to reach the disk at commit, as a crash discards the unfinished build anyway."""
    unique = list({document.id: document for document in documents}.values())
    if not unique or not generations:
        return
    rows = [row(document) for document in unique]
    pg = vendor() == "postgresql"
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if pg:
            with connection.cursor() as cursor:
                if rebuild and own_transaction:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(_LZ4)
                _stage_pg(cursor, unique, rows)
                for generation in generations:
                    _write_pg(cursor, generation)
            return
        for generation in generations:
            for start in range(0, len(unique), CHUNK):
                part = slice(start, start + CHUNK)
                _write_sqlite(generation, unique[part], rows[part])


def delete(generations: Sequence[int], ids: Iterable[str]) -> None:
    wanted = sorted(set(ids))
    if not wanted:
        return
    sqlite = vendor() == "sqlite"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(part))
            for generation in generations:
                if not sqlite:
                    cursor.execute(
                        f"DELETE FROM {narrow.TABLE} WHERE doc IN "
                        f"(SELECT id FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks}))",
                        [generation, *part],
                    )
                cursor.execute(
                    f"DELETE FROM {FTS if sqlite else typeahead.TABLE} WHERE {'rowid' if sqlite else 'doc'} IN "
                    f"(SELECT id FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks}))",
                    [generation, *part],
                )
                cursor.execute(
                    f"DELETE FROM {DOCS} WHERE generation_id = %s AND doc_id IN ({marks})", [generation, *part]
                )


def _pg_text(value: Any) -> str:
    """Text for ``to_tsvector``: the words queries are cut into (``search.text.words``), one space apart.

    PostgreSQL's own parser reads ``re-engineered`` or ``24/7`` as compound tokens with extra lexemes at
    shifted positions, so a phrase of the query's words would not find them adjacent.
    """
    return " ".join(words(plain(value)))


# The staging tables a write COPYs its documents into (one pair per connection, emptied at each write): COPY
# sends each value as it is, where one JSON parameter for the whole batch (the earlier form) cost the
# server more to parse than computing the documents' text search columns.
#
# - ``search_incoming``: one row per document. The body arrives as ``jsonb`` (parsed once, by the COPY) and
#   the structured facts are taken from it in SQL (``loose``: the body's keys that are not facts). The
#   texts are numbers in ``search_incoming_text``: ``wa`` to ``wd`` the folded text of each weight class,
#   ``fields`` the per-field texts.
# - ``search_incoming_text``: each distinct text of the batch once (``field`` names it for the per-field
#   lexemes, empty for a weight class's text). A run's document repeats its course's title, descriptions,
#   outcome, organizations and subjects, so a batch holds about a third as many distinct texts as texts,
#   and ``to_tsvector`` (most of the statement's time) parses each once.
#
# Texts are stored uncompressed (they are read once, by the INSERT that follows).
STAGE = "search_incoming"
STAGE_TEXT = "search_incoming_text"
STAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    *((column, "text") for column in ROW_COLUMNS if column not in ("body", "facts")),
    ("body", "jsonb"),
    ("loose", "text[]"),
    ("wa", "integer"),
    ("wb", "integer"),
    ("wc", "integer"),
    ("wd", "integer"),
    ("fields", "integer[]"),
    ("ta", "boolean"),
    ("ta_title", "text"),
)
STAGE_TEXT_COLUMNS: tuple[tuple[str, str], ...] = (("n", "integer"), ("field", "text"), ("value", "text"))
_PLAIN_COLUMNS = tuple(column for column in ROW_COLUMNS if column not in ("body", "facts"))
# The weighted fields of each class, in ``schema.TEXT_WEIGHTS`` order.
_WEIGHTED: tuple[tuple[str, ...], ...] = tuple(
    tuple(name for name, weight in schema.TEXT_WEIGHTS.items() if weight == klass) for klass in "ABCD"
)


class _Texts:
    """The distinct texts of a batch, numbered from 1 in order of appearance."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}
        # Folded texts by value: a run's document holds its course's very strings.
        self.folded: dict[str, str] = {}

    def fold(self, value: Any) -> str:
        if not isinstance(value, str):
            return _pg_text(value)
        found = self.folded.get(value)
        if found is None:
            found = self.folded[value] = _pg_text(value)
        return found

    def number(self, field: str, text: str) -> int | None:
        if not text:
            return None
        found = self.numbers.get((field, text))
        if found is None:
            found = self.numbers[(field, text)] = len(self.numbers) + 1
        return found


def _stage_values(document: Document, columns: dict[str, Any], texts: _Texts) -> list[Any]:
    """A document's row of ``search_incoming``, in ``STAGE_COLUMNS`` order."""
    body = document.body
    structured = schema.STRUCTURED
    classes = [
        texts.number("", "\n".join(text for name in names if body.get(name) and (text := texts.fold(body[name]))))
        for names in _WEIGHTED
    ]
    fields = [
        number
        for name in UNWEIGHTED_TEXT
        if body.get(name) and (number := texts.number(name, texts.fold(body[name]))) is not None
    ]
    typeahead_row = typeahead.row_values(document)
    return [
        *(columns[name] for name in _PLAIN_COLUMNS),
        Jsonb(body, dumps=dump_json),
        [name for name in body if name not in structured],
        *classes,
        fields,
        typeahead_row["ta"],
        typeahead_row["ta_title"],
    ]


def _copy(cursor: Any, table: str, columns: tuple[tuple[str, str], ...], rows: Iterable[list[Any]]) -> None:
    names = ", ".join(name for name, _kind in columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([kind for _name, kind in columns])
        for values in rows:
            copy.write_row(values)


def _stage_pg(cursor: Any, documents: Sequence[Document], rows: Sequence[dict[str, Any]]) -> None:
    created = []
    for table, columns in ((STAGE, STAGE_COLUMNS), (STAGE_TEXT, STAGE_TEXT_COLUMNS)):
        definition = ", ".join(f"{name} {kind}" for name, kind in columns)
        external = ", ".join(
            f"ALTER COLUMN {name} SET STORAGE EXTERNAL" for name, kind in columns if kind in ("text", "jsonb")
        )
        created.append(
            f"IF to_regclass('pg_temp.{table}') IS NULL THEN "
            f"CREATE TEMP TABLE {table} ({definition}) ON COMMIT DELETE ROWS; ALTER TABLE {table} {external}; "
            f"ELSE DELETE FROM {table}; END IF;"
        )
    # Created once per connection (a rolled-back transaction takes them away again); emptied by each commit.
    cursor.execute(f"DO $$ BEGIN {' '.join(created)} END $$")
    texts = _Texts()
    staged = [_stage_values(document, columns, texts) for document, columns in zip(documents, rows, strict=True)]
    _copy(cursor, STAGE, STAGE_COLUMNS, staged)
    _copy(cursor, STAGE_TEXT, STAGE_TEXT_COLUMNS, ([n, field, text] for (field, text), n in texts.numbers.items()))


# A placeholder position between the weight classes, deleted again: ``||`` numbers the next class's words
# right after the previous class's last word, so a phrase would match across two fields ("data" ending the
# title, "science" starting the short description). ``-`` is never a lexeme of the texts (words only).
GAP = "'-:1'::tsvector"


def _write_pg(cursor: Any, generation: int) -> None:
    """Upsert the staged documents into ``generation``, with their typeahead rows (a document no longer
    visible loses its row) and narrow rows (ADR 0092), in one statement. Each distinct text is parsed once
    (``parsed``); a document's weighted vector joins its classes' vectors, its per-field lexemes (``fields``
    with the field's name before each: ``org:edx``) gather its fields' lexemes."""
    narrow_sql, narrow_params = narrow.upsert_sql("written")
    named = {f"narrow{index}": value for index, value in enumerate(narrow_params)}
    pieces = narrow_sql.split("%s")
    narrow_sql = pieces[0] + "".join(f"%(narrow{index})s{piece}" for index, piece in enumerate(pieces[1:]))
    names = ", ".join(ROW_COLUMNS)
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}" for column in (*ROW_COLUMNS[1:], "search_vector", "field_tokens")
    )
    classes = f" || {GAP} || ".join(
        f"setweight(COALESCE({weight.lower()}.vector, ''::tsvector), '{weight}')" for weight in "ABCD"
    )
    sql = f"""
        WITH parsed AS MATERIALIZED (
            SELECT t.n, t.vector,
                   CASE WHEN t.field <> '' THEN
                       ARRAY(SELECT t.field || ':' || l FROM unnest(tsvector_to_array(t.vector)) l)
                   END AS tokens
            FROM (SELECT n, field, to_tsvector('english', value) AS vector FROM {STAGE_TEXT} OFFSET 0) t
        ), fields AS (
            SELECT u.doc_id, array_agg(token) AS tokens
            FROM {STAGE} u CROSS JOIN unnest(u.fields) f(n) JOIN parsed p ON p.n = f.n CROSS JOIN unnest(p.tokens) token
            GROUP BY u.doc_id
        ), written AS (
            INSERT INTO {DOCS} (generation_id, {names}, search_vector, field_tokens)
            SELECT %(generation)s, u.doc_id, u.content_type, u.partner, u.key, u.aggregation_key, u.sort_start,
                   u.sort_title, u.body, u.body - u.loose, ts_delete({classes}, '-'::text),
                   COALESCE(f.tokens, '{{}}'::text[])
            FROM {STAGE} u
            LEFT JOIN parsed a ON a.n = u.wa
            LEFT JOIN parsed b ON b.n = u.wb
            LEFT JOIN parsed c ON c.n = u.wc
            LEFT JOIN parsed d ON d.n = u.wd
            LEFT JOIN fields f ON f.doc_id = u.doc_id
            ON CONFLICT (generation_id, doc_id) DO UPDATE SET {updates}
            RETURNING id, generation_id, doc_id, content_type, partner, aggregation_key, facts, search_vector, field_tokens
        ), narrowed AS (
            {narrow_sql}
        ), hidden AS (
            -- As an array of keys, so that the typeahead table is read through its primary key whatever the
            -- planner expects of the staged rows (it has no statistics of them).
            DELETE FROM {typeahead.TABLE} t
            WHERE t.doc = ANY(ARRAY(SELECT w.id FROM written w JOIN {STAGE} u ON u.doc_id = w.doc_id WHERE NOT u.ta))
        )
        INSERT INTO {typeahead.TABLE} (doc, generation_id, content_type, partner, title, words, sort_key)
        SELECT w.id, %(generation)s, u.content_type, lower(u.partner), u.ta_title,
               to_tsvector('simple', u.ta_title) || array_to_tsvector(ARRAY['~' || u.content_type]),
               u.aggregation_key
        FROM written w JOIN {STAGE} u ON u.doc_id = w.doc_id
        WHERE u.ta
        ON CONFLICT (doc) DO UPDATE SET title = EXCLUDED.title, words = EXCLUDED.words, partner = EXCLUDED.partner,
            sort_key = EXCLUDED.sort_key
    """
    cursor.execute(sql, {"generation": generation, **named})


def _write_sqlite(generation: int, documents: Sequence[Document], rows: Sequence[dict[str, Any]]) -> None:
    ids = [columns["doc_id"] for columns in rows]
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
                    *(columns[column] for column in ROW_COLUMNS[:-2]),
                    to_json(document.body),
                    to_json(facts(document)),
                ]
                for document, columns in zip(documents, rows, strict=True)
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
