"""Course-discovery-style Lucene query strings, read with luqum into the same Query tree."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import InvalidOperation

from django.utils.translation import gettext as _
from luqum import thread as luqum_thread
from luqum import tree as lucene
from luqum.exceptions import ParseError

from catalog.query.clauses import build_clause, field_spec
from catalog.query.errors import QueryError, UnsupportedQuery
from catalog.query.fields import Value
from catalog.query.search_nodes import STORED_QUERY_FIELDS
from catalog.query.tree import Clause, Lookup, Query
from search.query.errors import QueryError as SearchQueryError
from search.query.parse import parse_query as parse_search_query
from search.query.parse import to_query_string

MATCH_ALL = "*:*"
# Elasticsearch's spelling of "the field has a value"; it is how null tests are written.
EXISTS = "_exists_"
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# Spellings other query languages use; luqum reads them as bare words, which helps nobody.
_OPERATOR_LOOKALIKES = frozenset({"and", "or", "not", "&&", "||"})
_RANGE_OPERATORS = {Lookup.GT: ">", Lookup.GTE: ">=", Lookup.LT: "<", Lookup.LTE: "<="}


def parse_lucene(text: str) -> Query:
    """Parse a Lucene query string, with course-discovery's meaning; empty or ``*:*`` matches everything.

    Read into clauses where the tree can hold it: ``field:value``, quoted phrases, AND (and ``+``),
    ``NOT`` and ``-`` on one field's values, OR between values of one field (``f:(a OR b)``,
    ``f:a OR f:b``, and juxtaposed ``f:a f:b``, since the default operator is OR), ranges ``[a TO b]`` /
    ``{a TO b}`` / ``>=a`` with ``*`` as an open end, ``field:*`` and ``_exists_:field``. Any other
    well-formed query (OR across fields, wildcards, NOT of a conjunction, lower-case operators) is read
    by the search query language over the same fields into ``Query.node``. Malformed queries, unknown
    fields and values a field cannot hold raise QueryError.
    """
    if not text.strip():
        return Query()
    try:
        return _parse_clauses(text)
    except UnsupportedQuery:
        pass
    try:
        # Membership is stored, so "now" would freeze at the first reading: no date math.
        node = parse_search_query(text, STORED_QUERY_FIELDS, date_math=False)
    except SearchQueryError as error:
        # The message says where (column and token); the key names the fragment, or the whole string.
        raise QueryError(error.token or text[:100], str(error)) from None
    try:
        # Lower-case operators, "||" and the like: the canonical spelling may fit the clauses after all.
        return _parse_clauses(to_query_string(node))
    except QueryError:
        return Query(node=node)


def _parse_clauses(text: str) -> Query:
    try:
        # luqum's module-level parser shares lexer state; the thread helper does not.
        root = luqum_thread.parse(text)
        return Query(tuple(_translate(root, None)))
    except (ParseError, InvalidOperation):
        # The search parser reads it again and says where it is malformed.
        raise UnsupportedQuery(text, _("invalid query syntax")) from None
    except RecursionError:
        # luqum and the translation walk the tree recursively: a 2 KB string of nested parentheses or
        # NOTs exhausts the stack. No real query nests that deep.
        raise QueryError(text[:100], _("the query is nested too deeply")) from None


def _translate(node: lucene.Item, field: str | None) -> list[Clause]:
    """The clauses (AND-ed) equivalent to ``node``, read in the context of ``field``."""
    if isinstance(node, lucene.SearchField):
        return _search_field(node, field)
    if isinstance(node, lucene.BaseGroup | lucene.Plus):
        inner = node.expr if isinstance(node, lucene.BaseGroup) else node.a
        return _translate(inner, field)
    if isinstance(node, lucene.AndOperation):
        return [clause for operand in node.operands for clause in _translate(operand, field)]
    if isinstance(node, lucene.UnknownOperation):
        return _juxtaposed(node, field)
    if isinstance(node, lucene.OrOperation):
        return [_any_of(node, field)]
    if isinstance(node, lucene.Not | lucene.Prohibit):
        inner = _translate(node.a, field)
        if len(inner) != 1 or inner[0].lookup.is_range:
            raise _unsupported(node, field, "NOT applies only to values of one field, not ranges")
        return [inner[0].negated()]
    if isinstance(node, lucene.Term) and not isinstance(node, lucene.Regex):
        return [_term(node, field)]
    if isinstance(node, lucene.Range):
        return _range(node, field)
    if isinstance(node, lucene.From | lucene.To):
        return [_open_range(node, field)]
    raise _unsupported(node, field, f"{type(node).__name__} queries are not supported")


def _juxtaposed(node: lucene.UnknownOperation, field: str | None) -> list[Clause]:
    """Clauses without an operator between them, as Elasticsearch reads them (default operator OR):
    with a ``+`` clause the plain ones only weigh relevance; otherwise one of the plain ones must hold."""
    must = [operand for operand in node.operands if isinstance(operand, lucene.Plus)]
    must_not = [operand for operand in node.operands if isinstance(operand, lucene.Not | lucene.Prohibit)]
    should = [operand for operand in node.operands if operand not in must and operand not in must_not]
    if not must and len(should) > 1:
        if must_not:
            raise _unsupported(node, field, "alternatives beside a NOT")
        return [_any_of(node, field)]
    kept = must or should
    return [clause for operand in (*kept, *must_not) for clause in _translate(operand, field)]


def _search_field(node: lucene.SearchField, field: str | None) -> list[Clause]:
    if field is not None:
        raise _unsupported(node, field, "a field inside another field is not supported (quote values containing ':')")
    if node.name == "*":
        if isinstance(node.expr, lucene.Word) and node.expr.value == "*":
            return []
        raise _unsupported(node, None, "searching all fields is not supported, only *:*")
    if node.name == EXISTS:
        if not isinstance(node.expr, lucene.Word):
            raise _unsupported(node, None, f"{EXISTS} takes a field name")
        return [build_clause(str(node), node.expr.value, Lookup.NOT, None)]
    return _translate(node.expr, node.name)


def _any_of(node: lucene.OrOperation | lucene.UnknownOperation, field: str | None) -> Clause:
    """Merge OR-ed tests into one exact clause; the tree has no OR across fields."""
    if any(isinstance(operand, lucene.Not | lucene.Prohibit) for operand in node.operands):
        # Lucene reads "a OR NOT b" as "a AND NOT b"; the search language says so (a group, "a OR (NOT b)",
        # is the alternative of "not b").
        raise _unsupported(node, field, "NOT inside OR excludes")
    operands = [_translate(operand, field) for operand in node.operands]
    flat = [clauses[0] for clauses in operands if len(clauses) == 1]
    if len(flat) != len(operands) or any(clause.lookup is not Lookup.EXACT for clause in flat):
        raise _unsupported(node, field, "OR is only supported between plain values of one field")
    names = sorted({clause.field.name for clause in flat})
    if len(names) > 1:
        raise _unsupported(node, field, f"OR across different fields ({', '.join(names)})")
    return Clause(
        flat[0].field,
        Lookup.EXACT,
        tuple(value for clause in flat for value in clause.values),
        null=any(clause.null for clause in flat),
    )


def _term(node: lucene.Term, field: str | None) -> Clause:
    key = _key(node, field)
    if field is None:
        if node.value.casefold() in _OPERATOR_LOOKALIKES:
            raise UnsupportedQuery(key, _("operators are written AND, OR and NOT, in capitals"))
        raise UnsupportedQuery(key, _("a term without a field is not supported; write field:value"))
    if isinstance(node, lucene.Word):
        if node.value == "*":
            return build_clause(key, field, Lookup.NOT, None)  # field:* means "has a value"
        if node.has_wildcard():
            raise UnsupportedQuery(key, _("wildcards are not supported (only field:* and *:*)"))
    return build_clause(key, field, Lookup.EXACT, _term_text(node))


def _range(node: lucene.Range, field: str | None) -> list[Clause]:
    key = _key(node, field)
    if field is None:
        raise QueryError(key, _("a range needs a field"))
    low, high = _bound(node.low, key), _bound(node.high, key)
    if low is None and high is None:
        return [build_clause(key, field, Lookup.NOT, None)]  # [* TO *] means "has a value"
    clauses = []
    if low is not None:
        clauses.append(_ordered_clause(key, field, Lookup.GTE if node.include_low else Lookup.GT, low))
    if high is not None:
        clauses.append(_ordered_clause(key, field, Lookup.LTE if node.include_high else Lookup.LT, high))
    return clauses


def _open_range(node: lucene.From | lucene.To, field: str | None) -> Clause:
    key = _key(node, field)
    if field is None:
        raise QueryError(key, _("a range needs a field"))
    bound = _bound(node.a, key)
    if bound is None:
        raise QueryError(key, _("an open range needs a value, not *"))
    if isinstance(node, lucene.From):
        lookup = Lookup.GTE if node.include else Lookup.GT
    else:
        lookup = Lookup.LTE if node.include else Lookup.LT
    return _ordered_clause(key, field, lookup, bound)


def _ordered_clause(key: str, field: str, lookup: Lookup, bound: str) -> Clause:
    """A comparison clause; over text (org:>=m) it is lexicographic, which the search query language holds."""
    if not field_spec(key, field).ordered:
        raise UnsupportedQuery(key, _("a range over text"))
    return build_clause(key, field, lookup, bound)


def _bound(node: lucene.Item, key: str) -> str | None:
    """A range bound's text, or None for an open end (``*``)."""
    if isinstance(node, lucene.Word) and node.value == "*":
        return None
    if isinstance(node, lucene.Word | lucene.Phrase):
        return _term_text(node)
    raise QueryError(key, _("range bounds must be plain values"))


def _term_text(node: lucene.Term) -> str:
    # A phrase keeps its quotes in luqum's tree; backslash escapes a character in both forms.
    text = node.value[1:-1] if isinstance(node, lucene.Phrase) else node.value
    return _ESCAPED.sub(r"\1", text)


def _key(node: lucene.Item, field: str | None) -> str:
    fragment = str(node).strip()
    return fragment if field is None else f"{field}:{fragment}"


def _unsupported(node: lucene.Item, field: str | None, detail: str) -> UnsupportedQuery:
    return UnsupportedQuery(_key(node, field), detail)


def to_lucene(query: Query) -> str:
    """Render a Query's clauses as a Lucene string that parse_lucene reads back to equal clauses.

    Search options have no Lucene spelling and are left out.
    """
    if query.node is not None:
        return to_query_string(query.node)
    return " AND ".join(_render(clause) for clause in query.clauses) or MATCH_ALL


def _render(clause: Clause) -> str:
    name = clause.field.name
    if clause.lookup.is_range:
        return f"{name}:{_RANGE_OPERATORS[clause.lookup]}{_quote(clause.values[0])}"
    if clause.lookup is Lookup.NOT and not clause.values:
        return f"{EXISTS}:{name}"
    alternatives = []
    if len(clause.values) == 1:
        alternatives.append(f"{name}:{_quote(clause.values[0])}")
    elif clause.values:
        alternatives.append(f"{name}:({' OR '.join(_quote(v) for v in clause.values)})")
    if clause.null:
        # In parentheses: "a OR NOT b" would exclude b (Lucene), "a OR (NOT b)" is the alternative.
        alternatives.append(f"(NOT {EXISTS}:{name})" if alternatives else f"NOT {EXISTS}:{name}")
    positive = alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"
    return positive if clause.lookup is Lookup.EXACT else f"NOT {positive}"


def _quote(value: Value) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
