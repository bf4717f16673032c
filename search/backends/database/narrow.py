"""PostgreSQL: the narrow per-document rows that ranking, filtering, counting and faceting read (ADR 0092).

``search_narrow`` (migrations 0006 and 0007) holds one small row per document of a generation, written by
the same statement that writes the document and derived from that row in SQL (``select_columns``; migration
0006 backfilled existing documents with the same expressions). It is partitioned by content type, so a
search of some types reads only their partitions (ADR 0093):

- ``words`` (every lexeme of the weighted ``search_vector``, stripped of positions and weights), ``words_a``
  and ``words_b`` (the lexemes of weight classes A and B): GIN-indexed, so a word matches through an index
  that needs no recheck, and the ranking tier of a match (``search.ranking``) is a condition on
  ``words_a``/``words_b``. ``words`` and ``words_b`` are kept out of line (``FILLER``), so the rows that
  counting and faceting read are a few hundred bytes;
- ``static_boost``: the product of ``search.ranking``'s static boosts (compiled from the same definitions as
  every query);
- one column per facet field and per field a common condition or a time-dependent boost reads
  (``FIELDS``): its values as ``text[]`` (dates as ``timestamptz[]``), so facets and those conditions read
  no JSON and no wide row.

``NarrowCompiler`` compiles a query tree against these columns; a node it cannot answer (phrases, other
fields, numbers) raises ``NotNarrow`` and the search takes the general path over the documents table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connection

from search import ranking, schema
from search.backends.database.compiler import Compiler, like_escape, pg_elements, wildcard_regex
from search.backends.database.storage import NARROW
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.text import boolean_value, date_value, words

TABLE = NARROW

# Fields with a column of their own: the facet fields, visibility and the dates of the query facets and the
# time-dependent boosts. Migration 0006 creates exactly these (a test compares); content_type is a column.
FIELDS: tuple[str, ...] = tuple(
    sorted(
        {found.name for found in schema.FIELDS if found.facet and found.name != "content_type"}
        | {"hidden", "published", "start", "end", "enrollment_start", "enrollment_end"}
    )
)
DATE_FIELDS = frozenset(name for name in FIELDS if schema.field(name).kind is schema.Kind.DATE)
CLASS_COLUMNS = {"A": "words_a", "B": "words_b"}
# A column whose default (2,100 spaces, compressed to a few bytes) makes every written row pass PostgreSQL's
# TOAST threshold, so the long ``words`` and ``words_b`` always leave the row (migration 0007, ADR 0093).
FILLER = "toast_filler"
ISO_INSTANT = r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d"


@contextmanager
def text_index_scans(text: bool) -> Iterator[None]:
    """While the statements of a text search run, no sequential scan of the narrow rows.

    ``words`` lives out of line (ADR 0093), which the planner does not price: for a common word it takes a
    sequential scan filtering every row of the partition by its words as cheaper than the GIN index, and
    then fetches every row's words from TOAST (``science`` over the 50,000 courses: 205,000 buffers and
    160 ms, against 5,000 buffers through the index). A text match is always answered best through the
    index, so a search with words turns sequential scans off for its own statements and back on after.
    """
    if not text:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")
        except DatabaseError:
            pass  # the failed transaction's rollback undoes the SET made in it


class NotNarrow(Exception):
    """The node needs the documents table (the general path answers the search)."""


def column(name: str) -> str:
    return f"v_{name}"


def values_expression(name: str, alias: str = "d") -> str:
    """The field's values in ``alias.facts`` as an array (NULL when it has none)."""
    elements = pg_elements(alias, name)
    if name in DATE_FIELDS:
        return (
            f"NULLIF(ARRAY(SELECT e::timestamptz FROM {elements} e(e) WHERE e ~ '{ISO_INSTANT}'), "
            "'{}'::timestamptz[])"
        )
    return f"NULLIF(ARRAY(SELECT e FROM {elements} e(e) WHERE e IS NOT NULL), '{{}}'::text[])"


def static_boost() -> tuple[str, list[Any]]:
    """The product of the static boosts of a documents row aliased ``d``."""
    compiler = Compiler("postgresql", dt.datetime.now(dt.UTC))
    parts: list[str] = []
    params: list[Any] = []
    for boost in ranking.boosts(compiler.now):
        if boost.static:
            sql, more = compiler.compile(boost.condition)
            parts.append(f"(CASE WHEN {sql} THEN {boost.factor} ELSE 1.0 END)")
            params += more
    return (" * ".join(parts) or "1.0"), params


COLUMNS: tuple[str, ...] = (
    "doc",
    "generation_id",
    "content_type",
    "partner",
    "aggregation_key",
    "doc_id",
    "static_boost",
    "words",
    "words_a",
    "words_b",
    *(column(name) for name in FIELDS),
)


def select_columns() -> tuple[str, list[Any]]:
    """``SELECT`` list (in ``COLUMNS`` order) of a documents row aliased ``d`` with ``id``,
    ``generation_id``, ``content_type``, ``partner``, ``aggregation_key``, ``doc_id``, ``facts``,
    ``search_vector`` and ``field_tokens`` (the static boosts' conditions read the last two kinds): the writer
    and migration 0006's backfill both use it."""
    boost, params = static_boost()
    parts = [
        "d.id",
        "d.generation_id",
        "d.content_type",
        "lower(d.partner)",
        "d.aggregation_key",
        "d.doc_id",
        boost,
        "strip(d.search_vector)",
        "strip(ts_filter(d.search_vector, '{a}'))",
        "strip(ts_filter(d.search_vector, '{b}'))",
        *(values_expression(name) for name in FIELDS),
    ]
    return ", ".join(parts), params


def upsert_sql(source: str) -> tuple[str, list[Any]]:
    """Insert or replace the narrow rows of the documents rows in ``source`` (a table or CTE name)."""
    columns, params = select_columns()
    # The filler's default comes back with every update too: the new row version passes the TOAST
    # threshold again, so the new ``words`` goes out of line as well (migration 0007, ADR 0093).
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*COLUMNS[1:], FILLER) if name != "content_type")
    return (
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) SELECT {columns} FROM {source} d "
        f"ON CONFLICT (doc, content_type) DO UPDATE SET {updates}",
        params,
    )


def text_query(tokens: list[str], *, prefix: bool = False, any_word: bool = False) -> str:
    operands = [f"'{token}'" for token in tokens]
    if prefix:
        operands[-1] += ":*"
    return (" | " if any_word else " & ").join(operands)


class NarrowCompiler(Compiler):
    """A query tree as a condition on ``search_narrow`` aliased ``n`` (PostgreSQL)."""

    def __init__(self, now: dt.datetime, content_types: Iterable[str] = ()) -> None:
        super().__init__("postgresql", now)
        self.types = frozenset(content_types)

    def _carried(self, found: schema.SearchField) -> bool:
        """Whether a searched content type carries the field: a leaf on a field none of them carries has no
        value and is false, written as a constant the planner folds (``NOT hidden:true`` on courses)."""
        return not self.types or bool(found.content_types & self.types)

    def compile(self, node: Node) -> tuple[str, list[Any]]:
        if isinstance(node, MatchAll | And | Or | Not):
            return super().compile(node)
        if isinstance(node, Exists):
            found = schema.resolve(node.field)[0]
            return self._narrow_exists(found) if self._carried(found) else ("1=0", [])
        field_name = getattr(node, "field", None)
        if field_name is None:
            return self._narrow_text(node, None)
        found, exact = schema.resolve(field_name)
        if not self._carried(found):
            return "1=0", []
        if found.name == "content_type" and isinstance(node, Term | Phrase):
            return "n.content_type = %s", [node.value]
        if isinstance(node, Range):
            return self._narrow_range(found, node)
        if exact:
            return self._narrow_exact(found, node)
        return self._narrow_text(node, found)

    def _column(self, found: schema.SearchField) -> str:
        if found.name not in FIELDS or found.kind is schema.Kind.NUMBER:
            raise NotNarrow(found.name)
        return f"n.{column(found.name)}"

    def _narrow_any(self, found: schema.SearchField, condition: str, params: list[Any]) -> tuple[str, list[Any]]:
        return f"COALESCE(EXISTS (SELECT 1 FROM unnest({self._column(found)}) v WHERE {condition}), false)", params

    def _narrow_exact(self, found: schema.SearchField, node: Node) -> tuple[str, list[Any]]:
        target = self._column(found)
        if found.kind is schema.Kind.DATE:
            if isinstance(node, Term | Phrase):
                return self._narrow_range(found, Range(found.name, node.value, node.value))
            raise NotNarrow(found.name)
        if isinstance(node, Term | Phrase):
            value = node.value
            if found.kind is schema.Kind.BOOLEAN:
                value = "true" if boolean_value(value) else "false"
            return f"COALESCE(%s = ANY({target}), false)", [value]
        if isinstance(node, Prefix):
            return self._narrow_any(found, "v LIKE %s", [like_escape(node.value) + "%"])
        if isinstance(node, Wildcard):
            return self._narrow_any(found, "v ~ %s", ["^" + wildcard_regex(node.pattern) + "$"])
        raise NotNarrow(found.name)

    def _narrow_range(self, found: schema.SearchField, node: Range) -> tuple[str, list[Any]]:
        if found.kind not in (schema.Kind.DATE, schema.Kind.KEYWORD):
            raise NotNarrow(found.name)
        target = self._column(found)
        conditions: list[tuple[str, Any]] = []
        cast = "::timestamptz" if found.kind is schema.Kind.DATE else ""
        for bound, op, inclusive, end_of_day in (
            (node.low, ">", node.include_low, False),
            (node.high, "<", node.include_high, True),
        ):
            if bound is None or bound == "*":
                continue
            value = (
                date_value(bound, now=self.now, end_of_day=end_of_day and inclusive)
                if found.kind is schema.Kind.DATE
                else bound
            )
            conditions.append((f"{op}{'=' if inclusive else ''}", value))
        if not conditions:
            return self._narrow_exists(found)
        if len(conditions) == 1:
            # One bound: an array comparison (no sub-plan per row). "some value >= x" is "x <= ANY(values)".
            op, value = conditions[0]
            flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]
            return f"COALESCE(%s{cast} {flipped} ANY({target}), false)", [value]
        return self._narrow_any(
            found, " AND ".join(f"v {op} %s{cast}" for op, _value in conditions), [value for _op, value in conditions]
        )

    def _narrow_exists(self, found: schema.SearchField) -> tuple[str, list[Any]]:
        if found.name == "content_type":
            return "1=1", []
        target = self._column(found)
        if found.multi or found.kind is schema.Kind.DATE:
            return f"COALESCE(cardinality({target}) > 0, false)", []
        return f"COALESCE({target}[1] <> '', false)", []

    def _narrow_text(self, node: Node, found: schema.SearchField | None) -> tuple[str, list[Any]]:
        if isinstance(node, Wildcard):
            raise NotNarrow("wildcard")
        value = node.value  # type: ignore[union-attr]
        tokens = words(value)
        if not tokens:
            return ("1=1" if isinstance(node, Prefix) and not value.strip("*") else "1=0"), []
        if isinstance(node, Phrase) and len(tokens) > 1:
            raise NotNarrow("phrase")
        query = text_query(tokens, prefix=isinstance(node, Prefix))
        if found is None:
            return "n.words @@ to_tsquery('english', %s)", [query]
        klass = schema.TEXT_WEIGHTS.get(found.name)
        if klass not in CLASS_COLUMNS:
            raise NotNarrow(found.name)
        types = sorted(found.content_types)
        return (
            f"(n.content_type IN ({', '.join(['%s'] * len(types))}) "
            f"AND n.{CLASS_COLUMNS[klass]} @@ to_tsquery('english', %s))",
            [*types, query],
        )


def tier_conditions(tokens: list[str]) -> list[tuple[float, str, list[Any]]]:
    """(factor, condition on ``n``, params) per ranking tier for the words of a request's text, best first,
    each excluding the better tiers; the last holds the hits that match none of the words."""
    query = text_query(tokens, any_word=True)
    matches = {klass: f"n.{name} @@ to_tsquery('english', %s)" for klass, name in CLASS_COLUMNS.items()}
    found: list[tuple[float, str, list[Any]]] = []
    earlier: list[tuple[str, list[Any]]] = []
    for tier in ranking.TIERS:
        classes = sorted(tier.classes)
        if all(klass in matches for klass in classes):
            condition = " OR ".join(matches[klass] for klass in classes)
            params = [query] * len(classes)
        elif tier is ranking.TIERS[-1]:
            # The last tier: any word at all (the better tiers are excluded below).
            condition, params = "n.words @@ to_tsquery('english', %s)", [query]
        else:
            raise NotImplementedError(f"tier {tier.name} needs a column of its own")
        exclusions = "".join(f" AND NOT ({sql})" for sql, _unused in earlier)
        found.append((tier.factor, f"({condition}){exclusions}", [*params, *(p for _u, more in earlier for p in more)]))
        earlier.append((condition, params))
    found.append((ranking.UNMATCHED, "NOT (n.words @@ to_tsquery('english', %s))", [query]))
    return found
