"""Course-discovery's query strings (Elasticsearch ``query_string``, Lucene syntax) read into the node tree.

What is read, with the meaning Elasticsearch gives it (ADR 0090):

* bare words and ``"phrases"`` search the default full-text fields; ``field:value`` one field;
  ``field:(a OR b)`` applies the field to a group;
* ``*`` and ``*:*`` match everything; ``field:*``, ``field:[* TO *]`` and ``_exists_:field`` test for a value;
* a trailing ``*`` is a prefix (``id:course*``), other ``*``/``?`` a wildcard pattern;
* ranges ``[a TO b]``, ``{a TO b}``, mixed ends, ``*`` for an open end, ``>a``, ``>=a``, ``<a``, ``<=a``;
  dates also as Elasticsearch date math (``now-1d/d``);
* ``AND``, ``OR``, ``NOT`` (and ``&&``, ``||``, ``!``; lower-case ``and``/``or``/``not`` between spaces,
  as course-discovery upper-cases them), ``+`` (must), ``-`` (must not), parentheses; juxtaposed clauses
  take the default operator, ``OR`` as in Elasticsearch, so ``a b`` is ``a OR b`` and ``+a b`` is ``a``;
* ``^`` boosts are accepted and change nothing here (they weigh relevance, not membership).

Refused with a QueryError naming where: syntax errors, unknown fields, values a field's kind cannot hold,
regular expressions, fuzzy (``~``) and proximity searches, and ranges on text or boolean fields.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from luqum import thread as luqum_thread
from luqum import tree as lucene
from luqum.exceptions import IllegalCharacterError, ParseError, ParseSyntaxError

from search.query.errors import QueryError
from search.query.fields import FieldKind, FieldTable
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard

EXISTS = "_exists_"
ALL_FIELDS = "*"
_WILDCARD = re.compile(r"(?<!\\)(?:\\\\)*[*?]")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?", re.ASCII)
_DATE_MATH = re.compile(r"now((?:[+-]\d+[yMwdhHms])*)(?:/([yMwdhHms]))?", re.ASCII)
_DATE_STEP = re.compile(r"([+-])(\d+)([yMwdhHms])", re.ASCII)
_PARSE_ERROR = re.compile(r"unexpected\s+'(?P<token>.*)' at position (?P<position>\d+)!$", re.DOTALL)
_ILLEGAL = re.compile(r"Illegal character '(?P<token>.*)' at position (?P<position>\d+)$", re.DOTALL)
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})
# Lower-case spellings course-discovery upper-cases before searching, and the symbolic ones Lucene reads.
_OPERATOR_WORDS = {"and": "AND", "or": "OR", "not": "NOT", "&&": "AND", "||": "OR", "!": "NOT"}
MAX_LENGTH = 10_000


@dataclass(frozen=True)
class _Source:
    """The text luqum reads, and for each of its characters the offset in what the client sent."""

    text: str
    origin: tuple[int, ...]

    def position(self, offset: int | None) -> int | None:
        if offset is None:
            return None
        return self.origin[min(offset, len(self.origin) - 1)]


def parse_query(text: str, fields: FieldTable, *, now: datetime | None = None, date_math: bool = True) -> Node:
    """The node tree of a query string; raises QueryError saying what is wrong and where.

    ``now`` resolves date math (``now-7d``) and defaults to the current time; ``date_math=False`` refuses
    it, for queries whose results are stored rather than asked for. An empty query matches everything, as
    course-discovery's empty ``q`` does.
    """
    if len(text) > MAX_LENGTH:
        raise QueryError(_("the query is longer than %(max_length)s characters") % {"max_length": MAX_LENGTH})
    if "\x00" in text:
        raise QueryError(_("the query contains a null character"), position=text.index("\x00"), token="\\x00")
    if not text.strip():
        return MatchAll()
    source = _prepare(text)
    try:
        root = luqum_thread.parse(source.text)
    except ParseSyntaxError as error:
        raise _syntax_error(source, str(error), _PARSE_ERROR) from None
    except IllegalCharacterError as error:
        raise _syntax_error(source, str(error), _ILLEGAL) from None
    except (ParseError, InvalidOperation):
        # luqum reads the number after ^ or ~ with Decimal() unchecked: "a^." raises that.
        raise QueryError(_("invalid query syntax")) from None
    except RecursionError:
        raise QueryError(_("the query is nested too deeply")) from None
    reader = _Reader(source, fields, now or datetime.now(UTC), date_math=date_math)
    try:
        return reader.node(root, None)
    except RecursionError:
        raise QueryError(_("the query is nested too deeply")) from None


def _syntax_error(source: _Source, message: str, pattern: re.Pattern[str]) -> QueryError:
    found = pattern.search(message)
    if found is None:  # luqum's "unexpected end of expression"
        return QueryError(_("the query ends too early (an operator without an operand, or a missing ')' or ']')"))
    token = found["token"]
    if pattern is _ILLEGAL:
        # luqum's lexer reports the rest of an unclosed phrase, or a stray character.
        detail = "unclosed quote" if token.startswith('"') else "unexpected character"
        token = token[:20]
    else:
        detail = "unexpected"
    return QueryError(
        _("invalid query syntax: %(detail)s") % {"detail": detail},
        position=source.position(int(found["position"])),
        token=token,
    )


def _prepare(text: str) -> _Source:
    """Spell the operators as luqum expects, keeping each character's original offset for messages."""
    out: list[str] = []
    origin: list[int] = []

    def emit(piece: str, at: int) -> None:
        out.append(piece)
        origin.extend([at] * len(piece))

    index, length, in_range = 0, len(text), False
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            emit(text[index : index + 2], index)
            origin[-1] = index + 1
            index += 2
            continue
        if char == '"':
            end = _phrase_end(text, index)
            for offset in range(index, end):
                emit(text[offset], offset)
            index = end
            continue
        if char in "[{":
            in_range = True
        elif char in "]}":
            in_range = False
        if char.isspace() or char in "()[]{}":
            emit(char, index)
            index += 1
            continue
        end = index
        while end < length and not text[end].isspace() and text[end] not in '()[]{}"\\':
            end += 1
        word = text[index:end]
        before = text[index - 1] if index else ""
        after = text[end] if end < length else ""
        spaced = before.isspace() and after.isspace()
        if word in _OPERATOR_WORDS and (spaced or word in ("&&", "||")):
            emit(_OPERATOR_WORDS[word], index)
        elif word == "to" and in_range:
            emit("TO", index)
        elif word.startswith("!") and (before.isspace() or before in ("", "(")):
            emit("NOT ", index)  # Lucene's prefix NOT: "!a" and "! a"
            for offset in range(index + 1, end):
                emit(text[offset], offset)
        else:
            for offset in range(index, max(end, index + 1)):
                emit(text[offset], offset)
            end = max(end, index + 1)
        index = end
    origin.append(length)
    return _Source("".join(out), tuple(origin))


def _phrase_end(text: str, start: int) -> int:
    """The offset just after the phrase opened at ``start`` (the end of the text if it is unclosed)."""
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index + 1
        index += 1
    return len(text)


class _Reader:
    """Turns luqum's tree into nodes, checking fields and values as it goes."""

    def __init__(self, source: _Source, fields: FieldTable, now: datetime, *, date_math: bool) -> None:
        self.source = source
        self.fields = fields
        self.now = now
        self.date_math = date_math

    def error(self, item: lucene.Item, detail: str) -> QueryError:
        return QueryError(detail, position=self.source.position(item.pos), token=str(item).strip()[:60])

    def node(self, item: lucene.Item, field: str | None) -> Node:
        if isinstance(item, lucene.SearchField):
            return self.search_field(item, field)
        if isinstance(item, lucene.BaseGroup):
            return self.node(item.expr, field)
        if isinstance(item, lucene.Boost):
            return self.node(item.expr, field)  # relevance only
        if isinstance(item, lucene.BaseOperation):
            return self.operation(item, field)
        if isinstance(item, lucene.Plus):
            return self.node(item.a, field)
        if isinstance(item, lucene.Not | lucene.Prohibit):
            return _and([MatchAll(), Not(self.node(item.a, field))])
        if isinstance(item, lucene.Range):
            return self.range(item, field)
        if isinstance(item, lucene.From | lucene.To):
            return self.open_range(item, field)
        if isinstance(item, lucene.Fuzzy):
            raise self.error(item, "fuzzy search (~) is not supported")
        if isinstance(item, lucene.Proximity):
            raise self.error(item, "proximity search (~ after a phrase) is not supported")
        if isinstance(item, lucene.Regex):
            raise self.error(item, "regular expressions are not supported; use * and ? wildcards")
        if isinstance(item, lucene.Phrase):
            return self.phrase(item, field)
        if isinstance(item, lucene.Word):
            return self.word(item, field)
        raise self.error(item, f"{type(item).__name__} is not supported")

    def search_field(self, item: lucene.SearchField, field: str | None) -> Node:
        if field is not None:
            raise self.error(item, f"a field inside the field {field!r}; quote or escape (\\:) a value with ':'")
        if item.name == ALL_FIELDS:
            if isinstance(item.expr, lucene.Word) and item.expr.value == "*":
                return MatchAll()
            raise self.error(item, "only *:* may name every field; name one field, or leave the field out")
        if item.name == EXISTS:
            if not isinstance(item.expr, lucene.Word) or _WILDCARD.search(item.expr.value):
                raise self.error(item, f"{EXISTS} takes a field name")
            return Exists(self.resolve(item, _unescape(item.expr.value)))
        name = self.resolve(item, _unescape(item.name))
        return self.node(item.expr, name)

    def resolve(self, item: lucene.Item, name: str) -> str:
        resolved = self.fields.resolve(name)
        if resolved is None:
            known = ", ".join(sorted(self.fields.kinds))
            raise self.error(item, f"unknown field {name!r}; fields: {known}")
        return resolved

    def kind(self, field: str | None) -> FieldKind:
        return FieldKind.TEXT if field is None else self.fields.kinds[field]

    def operation(self, item: lucene.BaseOperation, field: str | None) -> Node:
        """Lucene's boolean clauses: MUST (AND, +), SHOULD (OR, juxtaposed), MUST_NOT (NOT, -)."""
        must: list[Node] = []
        should: list[Node] = []
        must_not: list[Node] = []
        default = must if isinstance(item, lucene.AndOperation) else should
        for operand in item.operands:
            target, inner = default, operand
            if isinstance(operand, lucene.Boost):
                inner = operand.expr
            if isinstance(inner, lucene.Plus):
                target, inner = must, inner.a
            elif isinstance(inner, lucene.Not | lucene.Prohibit):
                target, inner = must_not, inner.a
            target.append(self.node(inner, field))
        if must:
            positive = _and(must)
        elif should:
            positive = _or(should)
        else:
            positive = MatchAll()
        return _and([positive, *(Not(node) for node in must_not)])

    def full_text(self, item: lucene.Item, field: str | None) -> None:
        if field is None and not self.fields.default_fields:
            raise self.error(item, "these documents hold no full text to search; name a field (field:value)")

    def word(self, item: lucene.Word, field: str | None) -> Node:
        raw = item.value
        if raw == "*":
            return MatchAll() if field is None else Exists(field)
        self.full_text(item, field)
        kind = self.kind(field)
        wildcards = list(_WILDCARD.finditer(raw))
        if not wildcards:
            return Term(field, self.value(item, field, kind, _unescape(raw)))
        if kind not in (FieldKind.TEXT, FieldKind.KEYWORD):
            raise self.error(item, f"wildcards apply to text and keyword fields, not to {kind} field {field!r}")
        last = wildcards[-1]
        if len(wildcards) == 1 and raw.endswith("*") and last.end() == len(raw):
            return Prefix(field, _unescape(raw[:-1]))
        return Wildcard(field, _pattern(raw))

    def phrase(self, item: lucene.Phrase, field: str | None) -> Node:
        self.full_text(item, field)
        kind = self.kind(field)
        text = _unescape(item.value[1:-1])
        if kind is FieldKind.TEXT:
            return Phrase(field, text)
        return Term(field, self.value(item, field, kind, text))

    def value(self, item: lucene.Item, field: str | None, kind: FieldKind, text: str, *, end: str = "") -> str:
        """The value as the node stores it: numbers and dates checked, booleans and dates canonical."""
        if kind is FieldKind.NUMBER:
            if not _NUMBER.fullmatch(text.strip()):
                raise self.error(item, f"{field} is a number field; {text!r} is not a number")
            return str(Decimal(text.strip()))
        if kind is FieldKind.DATE:
            if not self.date_math and _DATE_MATH.fullmatch(text.strip()):
                raise self.error(item, "date math (now) cannot be used here, where results are stored; write a date")
            moment = self.date(text.strip(), end)
            if moment is None:
                raise self.error(
                    item, f"{field} is a date field; {text!r} is not a date (YYYY-MM-DD, ISO 8601, now-1d)"
                )
            return moment.isoformat()
        if kind is FieldKind.BOOLEAN:
            folded = text.strip().casefold()
            if folded in _TRUE:
                return "true"
            if folded in _FALSE:
                return "false"
            raise self.error(item, f"{field} is a boolean field; write true or false, not {text!r}")
        return text

    def date(self, text: str, end: str) -> datetime | None:
        math = _DATE_MATH.fullmatch(text)
        if math:
            return _date_math(self.now, math[1], math[2], end)
        if not _DATE.fullmatch(text):
            return None
        padded = text + "-01-01"[len(text) - 4 :] if len(text) < 10 else text
        try:
            moment = datetime.fromisoformat(padded.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    def range(self, item: lucene.Range, field: str | None) -> Node:
        name = self.range_field(item, field)
        kind = self.kind(name)
        low = self.bound(item.low, name, kind, "low" if item.include_low else "high")
        high = self.bound(item.high, name, kind, "high" if item.include_high else "low")
        if low is None and high is None:
            return Exists(name)
        return Range(name, low, high, include_low=item.include_low, include_high=item.include_high)

    def open_range(self, item: lucene.From | lucene.To, field: str | None) -> Node:
        name = self.range_field(item, field)
        kind = self.kind(name)
        if isinstance(item, lucene.From):
            low = self.bound(item.a, name, kind, "low" if item.include else "high")
            if low is None:
                return Exists(name)
            return Range(name, low, None, include_low=item.include)
        high = self.bound(item.a, name, kind, "high" if item.include else "low")
        if high is None:
            return Exists(name)
        return Range(name, None, high, include_high=item.include)

    def range_field(self, item: lucene.Item, field: str | None) -> str:
        if field is None:
            raise self.error(item, "a range needs a field: field:[a TO b]")
        kind = self.kind(field)
        if not kind.ordered:
            raise self.error(item, f"ranges apply to number, date and keyword fields, not to {kind} field {field!r}")
        return field

    def bound(self, item: lucene.Item, field: str, kind: FieldKind, end: str) -> str | None:
        if isinstance(item, lucene.Word) and item.value == "*":
            return None
        if isinstance(item, lucene.Phrase):
            return self.value(item, field, kind, _unescape(item.value[1:-1]), end=end)
        if isinstance(item, lucene.Word):
            if _WILDCARD.search(item.value):
                raise self.error(item, "a range bound cannot hold a wildcard")
            return self.value(item, field, kind, _unescape(item.value), end=end)
        raise self.error(item, "range bounds must be plain values")


def _date_math(now: datetime, steps: str, rounding: str | None, end: str) -> datetime:
    """Elasticsearch date math: ``now``, plus or minus steps, rounded down to a unit (up for an upper end)."""
    moment = now.astimezone(UTC)
    for sign, amount, unit in _DATE_STEP.findall(steps):
        moment = _shift(moment, int(amount) * (1 if sign == "+" else -1), unit)
    if rounding:
        floor = _floor(moment, rounding)
        # Elasticsearch rounds an inclusive upper end (and an exclusive lower one) up to the unit's last instant.
        moment = _shift(floor, 1, rounding) - timedelta(milliseconds=1) if end == "high" else floor
    return moment


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit in "yM":
        months = moment.month - 1 + amount * (12 if unit == "y" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        year = min(max(year, 1), 9999)
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day)
    seconds = {"w": 604_800, "d": 86_400, "h": 3_600, "H": 3_600, "m": 60, "s": 1}[unit]
    try:
        return moment + timedelta(seconds=amount * seconds)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if amount > 0 else datetime.min.replace(tzinfo=UTC)


def _floor(moment: datetime, unit: str) -> datetime:
    if unit == "y":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "M":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "w":
        start = moment - timedelta(days=moment.weekday())
        return start.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "d":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit in "hH":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "m":
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def _pattern(raw: str) -> str:
    """A wildcard pattern: ``*`` and ``?`` are wildcards, ``\\*`` and ``\\?`` literal, other escapes dropped."""
    return re.sub(r"\\(.)", lambda found: found[0] if found[1] in "*?\\" else found[1], raw, flags=re.DOTALL)


def _and(children: Sequence[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        if isinstance(child, And):
            flat.extend(child.children)
        elif not isinstance(child, MatchAll):
            flat.append(child)
    if not flat:
        return MatchAll()
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(children: Sequence[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        if isinstance(child, MatchAll):
            return MatchAll()
        flat.extend(child.children if isinstance(child, Or) else (child,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


# --- writing a node tree back as a query string -------------------------------------------------------

_SPECIAL = re.compile(r"""([+\-=&|><!(){}\[\]^"'~*?:\\/\s])""")


def to_query_string(node: Node) -> str:
    """A query string that ``parse_query`` reads back to an equal tree (for tests, logs and admin display)."""
    return _render(node)


def _render(node: Node) -> str:
    match node:
        case MatchAll():
            return "*:*"
        case Term(field, value):
            return _prefixed(field, _escape(value) if value else '""')
        case Phrase(field, value):
            return _prefixed(field, _quote(value))
        case Prefix(field, value):
            return _prefixed(field, _escape(value) + "*")
        case Wildcard(field, pattern):
            return _prefixed(field, _escape_pattern(pattern))
        case Exists(field):
            return f"{EXISTS}:{_escape(field)}"
        case Range(field, low, high, include_low, include_high):
            low_text = "*" if low is None else _quote(low)
            high_text = "*" if high is None else _quote(high)
            opening, closing = "[" if include_low else "{", "]" if include_high else "}"
            return f"{_escape(field)}:{opening}{low_text} TO {high_text}{closing}"
        case And(children):
            return "(" + " AND ".join(_render(child) for child in children) + ")"
        case Or(children):
            return "(" + " OR ".join(_render(child) for child in children) + ")"
        case Not(child):
            return f"(NOT {_render(child)})"
    raise TypeError(f"not a query node: {node!r}")


def _prefixed(field: str | None, value: str) -> str:
    return value if field is None else f"{_escape(field)}:{value}"


def _escape(text: str) -> str:
    escaped = _SPECIAL.sub(r"\\\1", text)
    # A value spelled like an operator would be read as one.
    return "\\" + escaped if text.casefold() in ("and", "or", "not", "to") else escaped


def _escape_pattern(pattern: str) -> str:
    pieces = re.split(r"(\\[*?\\]|[*?])", pattern)
    return "".join(piece if piece and (piece in "*?" or piece.startswith("\\")) else _escape(piece) for piece in pieces)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


FieldKinds = Callable[[str], FieldKind | None]
