"""Query trees (``search.query.nodes``) compiled to one SQL condition on the documents table aliased ``d``.

- default full text (a bare word): PostgreSQL matches the weighted ``search_vector`` (title A, short
  description B, full description C, other text D) with ``to_tsquery('english', …)``; SQLite matches the
  FTS5 table's default columns. A field's own text: its weight class within its content types on
  PostgreSQL (every weighted field owns its class within the types that carry it), else the per-field
  lexemes ``field_tokens`` (``"org:edx"``); the FTS5 column on SQLite. Accents are folded before storage
  and in queries (``search.text``).
- keyword, number, date and boolean fields (and ``<text field>.raw``): the JSON ``facts``, with containment
  (GIN-indexed) for terms on PostgreSQL and ``json_each`` for lists on SQLite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from search import schema
from search.backends.database.storage import DEFAULT_FIELDS, FTS, to_json
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.text import boolean_value, date_value, number_value, plain, words


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def wildcard_regex(pattern: str) -> str:
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
                    f"EXISTS (SELECT 1 FROM {pg_elements('d', name)} e(v) WHERE {condition.format(v=f'e.v{cast}')})",
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
                        to_json({found.name: [value]}),
                        to_json({found.name: value}),
                    ]
                return "d.facts @> %s::jsonb", [to_json({found.name: value})]
            return self._any_value(found, "{v} = %s", [self._param(value)])
        if isinstance(node, Prefix):
            if self.pg:
                return self._any_value(found, "{v} LIKE %s", [like_escape(node.value) + "%"])
            return self._any_value(found, "substr({v}, 1, %s) = %s", [len(node.value), node.value])
        if isinstance(node, Wildcard):
            if self.pg:
                return self._any_value(found, "{v} ~ %s", ["^" + wildcard_regex(node.pattern) + "$"])
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
            params.append(f"{name}:{like_escape(tokens[-1])}%")
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
            regex = r"(^|\W)" + wildcard_regex(folded) + r"($|\W)"
            parts = [f"lower(d.body->>'{name}') ~ %s" for name in fields]
            return "(" + " OR ".join(parts) + ")", [regex] * len(fields)
        like = "%" + folded.replace("*", "%").replace("?", "_") + "%"
        parts = [f"lower(json_extract(d.body, '$.{name}')) LIKE %s" for name in fields]
        return "(" + " OR ".join(parts) + ")", [like] * len(fields)


def pg_elements(alias: str, name: str) -> str:
    """The field's values as rows of text, whether it holds a list or a single value."""
    value = f"{alias}.facts->'{name}'"
    return (
        f"jsonb_array_elements_text(CASE jsonb_typeof({value}) WHEN 'array' THEN {value} "
        f"WHEN 'null' THEN '[]'::jsonb ELSE jsonb_build_array({value}) END)"
    )
