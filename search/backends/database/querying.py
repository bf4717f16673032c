"""Answering searches: one condition (the compiled query, the live generation, content types, partner),
then the page of hits ranked and paged in SQL, the total and the named query counts, and the facets.

Scores multiply text relevance (``search.ranking``'s tiers: the best weight class a word of the text matches)
by ``search.ranking``'s boosts; ties break on aggregation key, then document id. On PostgreSQL the search runs
over the narrow rows (``narrow``, ADR 0092) when every part of it can; otherwise, and on SQLite, over the
documents table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from search import ranking, schema
from search.backends.base import DocRef, Hit, SearchRequest, SearchResult
from search.backends.database import narrow, storage
from search.backends.database.compiler import Compiler
from search.backends.database.facets import facet_counts, narrow_counts
from search.backends.database.narrow import NarrowCompiler, NotNarrow
from search.backends.database.storage import DOCS, FTS, vendor
from search.query.nodes import Node
from search.text import BadValue, words

SORT_COLUMNS = {
    "aggregation_key": "d.aggregation_key",
    "start": "d.sort_start",
    "title": "d.sort_title",
    "full_name": "d.sort_title",
    "key": "d.key",
}


def base_condition(request_types: Sequence[str], partner: str | None) -> tuple[str, list[Any]]:
    # The live generation read first and written as a constant: with a sub-select in its place the
    # planner cannot tell how many rows the generation holds, and it filtered by generation and
    # evaluated the text match row by row instead of using the GIN index (ADR 0081).
    live = storage.live()
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


def matching_ids(node: Node, content_types: Iterable[str]) -> set[DocRef]:
    compiler = Compiler(vendor(), timezone.now())
    base, params = base_condition(list(content_types), None)
    condition, more = compiler.compile(node)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.content_type, d.doc_id, d.key FROM {DOCS} d WHERE {base} AND {condition}", [*params, *more]
        )
        return {DocRef(kind, doc_id.split(":", 1)[1], key or None) for kind, doc_id, key in cursor.fetchall()}


def _relevance(text: str | None) -> tuple[str, list[Any], str, list[Any]]:
    """(join, its params, relevance expression, its params): ``search.ranking``'s tier of ``text``'s words."""
    tokens = words(text or "")
    if not tokens:
        return "", [], "1.0", []
    cases: list[str] = []
    if vendor() == "postgresql":
        params: list[Any] = []
        for tier in ranking.TIERS:
            weights = "".join(sorted(tier.classes))
            cases.append(f"WHEN d.search_vector @@ to_tsquery('english', %s) THEN {tier.factor}::float8")
            params.append(" | ".join(f"'{token}':{weights}" for token in tokens))
        return "", [], f"(CASE {' '.join(cases)} ELSE {ranking.UNMATCHED} END)", params
    # FTS5: one match per weight class (its fields, any of the words), joined by rowid.
    joins: list[str] = []
    join_params: list[Any] = []
    alternatives = " OR ".join(f'"{token}"' for token in tokens)
    for index, weight in enumerate(("A", "B", "C", "D")):
        columns = [name for name, klass in schema.TEXT_WEIGHTS.items() if klass == weight]
        joins.append(
            f" LEFT JOIN (SELECT rowid AS rid FROM {FTS} WHERE {FTS} MATCH %s) w{index} ON w{index}.rid = d.id"
        )
        join_params.append("{" + " ".join(columns) + "} : (" + alternatives + ")")
    for tier in ranking.TIERS:
        matched = " OR ".join(f"w{'ABCD'.index(klass)}.rid IS NOT NULL" for klass in sorted(tier.classes))
        cases.append(f"WHEN {matched} THEN {tier.factor}")
    return "".join(joins), join_params, f"(CASE {' '.join(cases)} ELSE {ranking.UNMATCHED} END)", []


def search(request: SearchRequest) -> SearchResult:
    now = request.now or timezone.now()
    if vendor() == "postgresql":
        try:
            return _narrow_search(request, now)
        except NotNarrow:
            pass
    return _general_search(request, now)


def _general_search(request: SearchRequest, now: Any) -> SearchResult:
    hits, where, where_params, compiler = _general_page(request, now)
    total, queries = _counts(where, where_params, request, compiler)
    facets = facet_counts(where, where_params, request.facets)
    return SearchResult(hits=hits, total=total, facets=facets, facet_queries=queries)


def _general_page(request: SearchRequest, now: Any) -> tuple[list[Hit], str, list[Any], Compiler]:
    """The page over the documents table, and its condition (for the counts)."""
    compiler = Compiler(vendor(), now)
    base, base_params = base_condition(request.content_types, request.partner)
    condition, condition_params = compiler.compile(request.query)
    where = f"{base} AND {condition}"
    where_params = [*base_params, *condition_params]

    join, join_params, relevance, relevance_params = _relevance(request.text)
    boost_sql: list[str] = []
    boost_params: list[Any] = []
    for boost in ranking.boosts(now):
        sql, params = compiler.compile(boost.condition)
        boost_sql.append(f"(CASE WHEN {sql} THEN {boost.factor} ELSE 1.0 END)")
        boost_params += params
    score = " * ".join([relevance, *boost_sql])

    sorts = _ordering(request)
    select_sorts = ", ".join(
        f"{'score' if expression == 'score' else expression} AS s{index}"
        for index, (expression, _unused) in enumerate(sorts)
        if expression != "score"
    )
    inner = (
        f"SELECT d.id AS rid, d.doc_id, d.content_type, {score} AS score, {select_sorts} "
        f"FROM {DOCS} d{join} WHERE {where}"
    )
    # Parameters in the order of the SQL text: the score, the join (SQLite's FTS5 matches), the condition.
    params_in_order = [*relevance_params, *boost_params, *join_params, *where_params]

    outer_where, outer_params = _keyset(sorts, request.search_after)
    order = ", ".join(
        f"{_sort_name(expression, index)} {'DESC' if descending else 'ASC'}"
        for index, (expression, descending) in enumerate(sorts)
    )
    # The page is chosen without the bodies (long, and with many matches a sort carrying them spilled to
    # disk), then only its rows' bodies are read.
    page = f"SELECT * FROM ({inner}) t{outer_where} ORDER BY {order} LIMIT %s OFFSET %s"
    columns = ", ".join(f"t.s{index}" for index, (expression, _unused) in enumerate(sorts) if expression != "score")
    sql = (
        f"SELECT t.doc_id, t.content_type, b.body, t.score, {columns} "
        f"FROM ({page}) t JOIN {DOCS} b ON b.id = t.rid ORDER BY {order}"
    )
    offset = 0 if request.search_after is not None else request.offset
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params_in_order, *outer_params, request.size, offset])
        rows = cursor.fetchall()
    positions: dict[int, int] = {}
    column = 4
    for index, (expression, _unused) in enumerate(sorts):
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
                for index, (expression, _unused) in enumerate(sorts)
            ),
            body=json.loads(row[2]) if isinstance(row[2], str) else row[2],
        )
        for row in rows
    ]
    return hits, where, where_params, compiler


def _narrow_search(request: SearchRequest, now: Any) -> SearchResult:
    """The search over ``search_narrow`` (PostgreSQL, ADR 0092); ``NotNarrow`` when some part needs the
    documents table. The page of a text search comes tier by tier (``search.ranking``): the title matches
    first, ranked by their boosts alone, and a lower tier is read only when the better ones do not fill it."""
    for name in request.facets:
        found = schema.resolve(name)[0]
        if found.name != "content_type" and found.name not in narrow.FIELDS:
            raise NotNarrow(found.name)
    compiler = NarrowCompiler(now, request.content_types)
    tokens = words(request.text or "")
    base, base_params = narrow_base_condition(request.content_types, request.partner, text=bool(tokens))
    condition, condition_params = compiler.compile(request.query)
    where = f"{base} AND {condition}"
    where_params = [*base_params, *condition_params]
    boost_sql = ["n.static_boost"]
    boost_params: list[Any] = []
    for boost in ranking.boosts(now):
        if not boost.static:
            sql, params = compiler.compile(boost.condition)
            boost_sql.append(f"(CASE WHEN {sql} THEN {boost.factor} ELSE 1.0 END)")
            boost_params += params
    queries = {name: compiler.compile(node) for name, node in request.facet_queries.items()}
    scored = bool(tokens) and list(request.ordering) in ([], ["-score"])
    if request.search_after is not None or not scored:
        # Other orders (and keyset paging) take the page from the documents table; counts stay narrow.
        hits = _general_page(request, now)[0]
    else:
        with narrow.text_index_scans(bool(tokens)):
            hits = _narrow_page(request, tokens, where, where_params, " * ".join(boost_sql), boost_params)
    with narrow.text_index_scans(bool(tokens)):
        total, counts, facets = narrow_counts(where, where_params, queries, request.facets)
    return SearchResult(hits=hits, total=total, facets=facets, facet_queries=counts)


def narrow_base_condition(
    request_types: Sequence[str], partner: str | None, *, text: bool = False
) -> tuple[str, list[Any]]:
    sql, params = base_condition(request_types, None)
    # The table is partitioned by content type (ADR 0093): the types pick the partitions. With words to
    # match, the text index narrows the rows and the generation is checked on them: "+ 0" keeps the planner
    # from AND-ing in the generation index, whose bitmap (every row of the partition) cost more than the
    # rows it removed.
    if text:
        sql = sql.replace("d.generation_id", "(n.generation_id + 0)")
    sql = sql.replace("d.", "n.")
    if partner:
        sql += " AND n.partner = %s"
        params.append(partner.lower())
    return sql, params


def _narrow_page(
    request: SearchRequest, tokens: list[str], where: str, params: list[Any], boosts: str, boost_params: list[Any]
) -> list[Hit]:
    skip, wanted = request.offset, request.size
    chosen: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for factor, tier, tier_params in narrow.tier_conditions(tokens):
            if wanted <= 0:
                break
            # The tier's best ``skip + wanted`` rows by their boosts, with the bodies of the rows past ``skip``.
            cursor.execute(
                "SELECT t.doc_id, t.content_type, t.score, t.aggregation_key, b.body "
                "FROM (SELECT i.*, row_number() OVER () AS position FROM ("
                f"SELECT n.doc, n.doc_id, n.content_type, {factor} * {boosts} AS score, n.aggregation_key "
                f"FROM {narrow.TABLE} n WHERE {where} AND {tier} "
                "ORDER BY score DESC, n.aggregation_key, n.doc_id LIMIT %s) i) t "
                f"LEFT JOIN {DOCS} b ON b.id = t.doc AND t.position > %s ORDER BY t.position",
                [*boost_params, *params, *tier_params, skip + wanted, skip],
            )
            rows = cursor.fetchall()
            if len(rows) > skip:
                taken = rows[skip : skip + wanted]
                chosen += taken
                wanted -= len(taken)
                skip = 0
            else:
                skip -= len(rows)
    return [
        Hit(
            id=doc_id,
            content_type=content_type,
            score=float(score),
            sort=(float(score), aggregation_key, doc_id),
            body=json.loads(body) if isinstance(body, str) else body,
        )
        for doc_id, content_type, score, aggregation_key, body in chosen
    ]


def _ordering(request: SearchRequest) -> list[tuple[str, bool]]:
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
            raise BadValue(
                _("cannot order by %(name)r; use one of: %(sort_columns)s")
                % {"name": name, "sort_columns": ", ".join(sorted(SORT_COLUMNS))}
            )
        sorts.append((f"COALESCE({column}, '')", descending))
    sorts += [("d.aggregation_key", False), ("d.doc_id", False)]
    return sorts


def _keyset(sorts: list[tuple[str, bool]], after: tuple[Any, ...] | None) -> tuple[str, list[Any]]:
    if after is None:
        return "", []
    if len(after) != len(sorts):
        raise BadValue(
            _("search_after must list %(count)s values (the 'sort' of the last result)") % {"count": len(sorts)}
        )
    clauses: list[str] = []
    params: list[Any] = []
    for index, (_unused, descending) in enumerate(sorts):
        equal = [f"{_sort_name(sorts[earlier][0], earlier)} = %s" for earlier in range(index)]
        clause = " AND ".join([*equal, f"{_sort_name(sorts[index][0], index)} {'<' if descending else '>'} %s"])
        clauses.append(f"({clause})")
        params += [*after[:index], after[index]]
    return " WHERE " + " OR ".join(clauses), params


def _counts(where: str, params: list[Any], request: SearchRequest, compiler: Compiler) -> tuple[int, dict[str, int]]:
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


def _sort_name(expression: str, index: int) -> str:
    return "t.score" if expression == "score" else f"t.s{index}"
