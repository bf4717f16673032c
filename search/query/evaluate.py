"""The reference meaning of a query node tree: does one document (a dict) match it?

Every backend is tested against this evaluator. Per field kind (``search.query.fields.FieldKind``):

* text: values are cut into tokens by ``search.query.analysis.tokens``. A term matches when any of its
  tokens is among the value's (``data-science`` analyses to two tokens and, as in Elasticsearch's
  ``query_string``, either is enough); a phrase when its tokens appear consecutively in one value; a
  prefix when its earlier tokens are present and its last token starts a token; a wildcard pattern
  (folded, ``*`` any run, ``?`` one character) when it matches a whole token.
* keyword: the whole value, exactly and case-sensitively; prefixes and wildcards over the whole value;
  ranges compare strings by code point.
* number, date: compared as numbers and instants (dates without a zone are UTC).
* boolean: ``true`` or ``false``.

A field holding a list matches when any element does. A missing field, ``None``, an empty list, an empty
string, or a value that cannot be read as the field's kind is "no value": ``Exists`` fails, every other
leaf fails, and ``Not`` of such a leaf passes. A leaf without a field tests the table's default fields
and matches when one of them does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from search.query import analysis
from search.query.fields import FieldKind, FieldTable
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard

Comparable = str | Decimal | datetime | bool


def matches(node: Node, document: Mapping[str, Any], fields: FieldTable) -> bool:
    """Whether ``document`` matches ``node``; never raises for content it cannot read."""
    match node:
        case MatchAll():
            return True
        case And(children):
            return all(matches(child, document, fields) for child in children)
        case Or(children):
            return any(matches(child, document, fields) for child in children)
        case Not(child):
            return not matches(child, document, fields)
        case Exists(field):
            return field in fields.kinds and any(True for _ in _values(document, field, fields.kinds[field]))
    leaf_field: str | None = getattr(node, "field", None)
    names = fields.default_fields if leaf_field is None else (leaf_field,)
    return any(_leaf(node, document, name, fields.kinds[name]) for name in names if name in fields.kinds)


def _leaf(node: Node, document: Mapping[str, Any], field: str, kind: FieldKind) -> bool:
    values = list(_values(document, field, kind))
    if not values:
        return False
    if kind is FieldKind.TEXT:
        return any(_text_leaf(node, value) for value in values if isinstance(value, str))
    match node:
        case Term(_, wanted) | Phrase(_, wanted):
            target = _read_query(wanted, kind)
            return target is not None and target in values
        case Prefix(_, prefix) if kind is FieldKind.KEYWORD:
            return any(isinstance(value, str) and value.startswith(prefix) for value in values)
        case Wildcard(_, pattern) if kind is FieldKind.KEYWORD:
            compiled = _wildcard(pattern)
            return any(isinstance(value, str) and compiled.fullmatch(value) is not None for value in values)
        case Range(_, low, high, include_low, include_high) if kind.ordered:
            return any(_in_range(value, kind, low, high, include_low, include_high) for value in values)
    return False


def _text_leaf(node: Node, value: str) -> bool:
    have = analysis.tokens(value)
    match node:
        case Term(_, wanted):
            return any(token in have for token in analysis.tokens(wanted))
        case Phrase(_, wanted):
            sought = analysis.tokens(wanted)
            width = len(sought)
            return bool(sought) and any(have[at : at + width] == sought for at in range(len(have) - width + 1))
        case Prefix(_, prefix):
            sought = analysis.tokens(prefix)
            if not sought:
                return bool(have)
            *whole, start = sought
            return all(token in have for token in whole) and any(token.startswith(start) for token in have)
        case Wildcard(_, pattern):
            compiled = _wildcard(analysis.fold(pattern))
            return any(compiled.fullmatch(token) is not None for token in have)
    return False


def _in_range(
    value: Comparable, kind: FieldKind, low: str | None, high: str | None, include_low: bool, include_high: bool
) -> bool:
    if low is not None:
        bound = _read_query(low, kind)
        if bound is None or type(bound) is not type(value):
            return False
        if value < bound or (value == bound and not include_low):  # type: ignore[operator]
            return False
    if high is not None:
        bound = _read_query(high, kind)
        if bound is None or type(bound) is not type(value):
            return False
        if value > bound or (value == bound and not include_high):  # type: ignore[operator]
            return False
    return True


def _values(document: Mapping[str, Any], field: str, kind: FieldKind) -> Iterator[Comparable]:
    raw = document.get(field)
    for item in raw if isinstance(raw, list | tuple) else (raw,):
        value = _read(item, kind)
        if value is not None:
            yield value


def _read_query(raw: str, kind: FieldKind) -> Comparable | None:
    """A query's value as ``kind``; unlike content, an empty string is a string (the lowest one)."""
    return raw if kind in (FieldKind.TEXT, FieldKind.KEYWORD) else _read(raw, kind)


def _read(raw: object, kind: FieldKind) -> Comparable | None:
    """A content or query value as ``kind``, or None when it is missing or cannot be read so."""
    if raw is None or raw == "":
        return None
    if kind in (FieldKind.TEXT, FieldKind.KEYWORD):
        return raw if isinstance(raw, str) else None
    if kind is FieldKind.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        return {"true": True, "false": False}.get(str(raw).strip().casefold())
    if kind is FieldKind.NUMBER:
        if isinstance(raw, bool):
            return None
        try:
            number = Decimal(str(raw).strip()) if isinstance(raw, str | int | float | Decimal) else None
        except InvalidOperation:
            return None
        return number if number is not None and number.is_finite() else None
    return _instant(raw)


def _instant(raw: object) -> datetime | None:
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """``*`` any run, ``?`` one character; ``\\*``, ``\\?`` and ``\\\\`` literal.

    Matching takes time proportional to the value's length times the pattern's, never more (ADR 0075). Written as ``.*`` between the
    runs, a pattern with many ``*`` backtracked through every placement of its runs before failing (twenty
    against a 60-character key: about 10^15 tries). Each run between two ``*`` is fixed-length, so its first
    occurrence is always as good as any later one: it is taken lazily inside an atomic group, never revisited.
    """
    runs: list[list[str]] = [[]]
    for piece in re.split(r"(\\[*?\\]|[*?])", pattern):
        if piece == "*":
            runs.append([])
        elif piece == "?":
            runs[-1].append(".")
        elif piece.startswith("\\") and len(piece) == 2:
            runs[-1].append(re.escape(piece[1]))
        else:
            runs[-1].append(re.escape(piece))
    texts = ["".join(run) for run in runs]
    if len(texts) == 1:
        return re.compile(texts[0], re.DOTALL)
    first, *middle, last = texts
    body = first + "".join(f"(?>.*?{run})" for run in middle if run) + ".*" + last
    return re.compile(body, re.DOTALL)
