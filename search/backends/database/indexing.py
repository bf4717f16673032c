"""Writing documents into generations: upserts and deletes, in batches of ``CHUNK`` rows per statement.

PostgreSQL: one statement per chunk computes the weighted ``tsvector`` and the per-field lexemes in the
database from folded text. SQLite: the rows, then their FTS5 rows (rowid = the document row's id).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from search import schema
from search.backends.base import Document
from search.backends.database import narrow, typeahead
from search.backends.database.storage import DOCS, FTS, FTS_COLUMNS, ROW_COLUMNS, UNWEIGHTED_TEXT, to_json, vendor
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


def _pg_record(document: Document, columns: dict[str, Any]) -> dict[str, Any]:
    body = document.body
    by_class: dict[str, list[str]] = {"A": [], "B": [], "C": [], "D": []}
    for name, weight in schema.TEXT_WEIGHTS.items():
        if body.get(name):
            by_class[weight].append(_pg_text(body[name]))
    return {
        **columns,
        "body": body,
        "facts": facts(document),
        **{f"w{weight.lower()}": "\n".join(text for text in texts if text) for weight, texts in by_class.items()},
        "fields": {name: _pg_text(body[name]) for name in UNWEIGHTED_TEXT if body.get(name)},
    }


def _pg_text(value: Any) -> str:
    """Text for ``to_tsvector``: the words queries are cut into (``search.text.words``), one space apart.

    PostgreSQL's own parser reads ``re-engineered`` or ``24/7`` as compound tokens with extra lexemes at
    shifted positions, so a phrase of the query's words would not find them adjacent.
    """
    return " ".join(words(plain(value)))


# The staging table a write COPYs its documents into (one per connection, emptied at each write): COPY
# sends each value as it is, where one JSON parameter for the whole batch (the earlier form) cost the
# server more to parse than computing the documents' text search columns. Texts are stored uncompressed
# (they are read once, by the INSERT that follows).
STAGE = "search_incoming"
STAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    *((column, "text") for column in ROW_COLUMNS),
    ("wa", "text"),
    ("wb", "text"),
    ("wc", "text"),
    ("wd", "text"),
    ("fields", "text"),
    ("ta", "boolean"),
    ("ta_title", "text"),
)
_JSON_COLUMNS = frozenset({"body", "facts", "fields"})


def _stage_pg(cursor: Any, documents: Sequence[Document], rows: Sequence[dict[str, Any]]) -> None:
    definition = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
    external = "".join(
        f", ALTER COLUMN {name} SET STORAGE EXTERNAL" for name, kind in STAGE_COLUMNS if kind == "text"
    ).lstrip(", ")
    # Created once per connection (a rolled-back transaction takes it away again); emptied by each commit.
    cursor.execute(
        f"DO $$ BEGIN IF to_regclass('pg_temp.{STAGE}') IS NULL THEN "
        f"CREATE TEMP TABLE {STAGE} ({definition}) ON COMMIT DELETE ROWS; ALTER TABLE {STAGE} {external}; "
        f"ELSE DELETE FROM {STAGE}; END IF; END $$"
    )
    names = [name for name, _kind in STAGE_COLUMNS]
    with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([kind for _name, kind in STAGE_COLUMNS])
        for document, columns in zip(documents, rows, strict=True):
            record = {**_pg_record(document, columns), **typeahead.row_values(document)}
            copy.write_row([to_json(record[name]) if name in _JSON_COLUMNS else record[name] for name in names])


# A placeholder position between the weight classes, deleted again: ``||`` numbers the next class's words
# right after the previous class's last word, so a phrase would match across two fields ("data" ending the
# title, "science" starting the short description). ``-`` is never a lexeme of the texts (words only).
GAP = "'-:1'::tsvector"


def _write_pg(cursor: Any, generation: int) -> None:
    """Upsert the staged documents into ``generation``, with their typeahead rows (a document no longer
    visible loses its row) and narrow rows (ADR 0092), in one statement."""
    narrow_sql, narrow_params = narrow.upsert_sql("written")
    named = {f"narrow{index}": value for index, value in enumerate(narrow_params)}
    pieces = narrow_sql.split("%s")
    narrow_sql = pieces[0] + "".join(f"%(narrow{index})s{piece}" for index, piece in enumerate(pieces[1:]))
    names = ", ".join(ROW_COLUMNS)
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}" for column in (*ROW_COLUMNS[1:], "search_vector", "field_tokens")
    )
    sql = f"""
        WITH written AS (
            INSERT INTO {DOCS} (generation_id, {names}, search_vector, field_tokens)
            SELECT %(generation)s, u.doc_id, u.content_type, u.partner, u.key, u.aggregation_key, u.sort_start,
                   u.sort_title, u.body::jsonb, u.facts::jsonb,
                   ts_delete(
                       setweight(to_tsvector('english', u.wa), 'A') || {GAP}
                       || setweight(to_tsvector('english', u.wb), 'B') || {GAP}
                       || setweight(to_tsvector('english', u.wc), 'C') || {GAP}
                       || setweight(to_tsvector('english', u.wd), 'D'),
                       '-'::text),
                   ARRAY(SELECT DISTINCT e.key || ':' || l FROM jsonb_each_text(u.fields::jsonb) e,
                         unnest(tsvector_to_array(to_tsvector('english', e.value))) l)
            FROM {STAGE} u
            ON CONFLICT (generation_id, doc_id) DO UPDATE SET {updates}
            RETURNING id, generation_id, doc_id, content_type, partner, aggregation_key, facts, search_vector, field_tokens
        ), narrowed AS (
            {narrow_sql}
        ), hidden AS (
            DELETE FROM {typeahead.TABLE} t USING written w, {STAGE} u
            WHERE t.doc = w.id AND u.doc_id = w.doc_id AND NOT u.ta
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
