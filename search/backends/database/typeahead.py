"""Typeahead on PostgreSQL from the narrow ``search_typeahead`` table (migration 0005, ADR 0091).

Each visible (published, not hidden) course run and program document has a small row there: its folded
title and the title's words as a ``simple`` tsvector, plus its content type as the lexeme ``~<type>``
(ADR 0092), with a GIN index. A typeahead matches every typed
word as a word prefix (``to_tsquery('simple', 'data:* & sci:*')``), orders the matches on that narrow
row alone — titles starting with what was typed first, then shorter titles, then the aggregation key —
and only then reads the bodies of the few rows it returns. SQLite answers with an ordinary search
(FTS5 prefix queries are indexed there).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from search import schema
from search.backends.base import Document, Hit, TypeaheadRequest
from search.backends.database.storage import DOCS, TYPEAHEAD, live
from search.text import plain, words

TABLE = TYPEAHEAD
TYPES = frozenset({schema.COURSE_RUN, schema.PROGRAM})


def row_values(document: Document) -> dict[str, Any]:
    """What ``search_typeahead`` needs of a document (``ta`` false: it has no typeahead row)."""
    body = document.body
    visible = body.get("hidden") is not True and body.get("published") in (None, "", [], True)
    title = plain(body.get("title"))[:1000]
    return {"ta": document.content_type in TYPES and visible and bool(title), "ta_title": title}


def search(request: TypeaheadRequest) -> list[Hit]:
    tokens = words(request.text)
    generation = live()
    if not tokens or generation is None or request.size <= 0:
        return []
    query = " & ".join(f"'{token}':*" for token in tokens)
    # The content type is also a lexeme of the words (``~courserun``): the index, not a filter over every
    # title with the prefix, keeps the other types out. The generation is checked on the rows the words
    # matched ("+ 0"): once the previous index is kept beside the live one, the planner otherwise walks the
    # generation index over every live row and filters them by their words.
    conditions = [
        "(t.generation_id + 0) = %s",
        "t.content_type = %s",
        "t.words @@ (to_tsquery('simple', %s) && %s::tsquery)",
    ]
    params: list[Any] = [generation, request.content_type, query, f"'~{request.content_type}'"]
    if request.partner:
        conditions.append("t.partner = %s")
        params.append(request.partner.lower())
    # The page is chosen on the narrow rows (a sub-select with its own LIMIT), then joined to the documents.
    sql = f"""
        SELECT d.doc_id, d.content_type, d.body, top.starts, top.length, top.sort_key
        FROM (
            SELECT t.doc, (t.title LIKE %s) AS starts, length(t.title) AS length, t.sort_key
            FROM {TABLE} t WHERE {" AND ".join(conditions)}
            ORDER BY starts DESC, length, t.sort_key, t.doc LIMIT %s
        ) top JOIN {DOCS} d ON d.id = top.doc
        ORDER BY top.starts DESC, top.length, top.sort_key, d.doc_id
    """
    start = _like_escape(" ".join(tokens)) + "%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, *params, request.size])
        rows = cursor.fetchall()
    return [
        Hit(
            id=doc_id,
            content_type=content_type,
            score=2.0 if starts else 1.0,
            sort=(starts, length, sort_key, doc_id),
            body=json.loads(body) if isinstance(body, str) else body,
        )
        for doc_id, content_type, body, starts, length, sort_key in rows
    ]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
