"""The Python evaluator: does a content metadata document match a catalog query?"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from catalog.query.fields import FIELDS, FieldSpec, Value
from catalog.query.parse import parse_query
from catalog.query.search_nodes import STORED_QUERY_FIELDS, search_document
from catalog.query.tree import Clause, Lookup, Query
from search.query import evaluate as search_evaluate
from search.query.nodes import Node

_COMPARE: Mapping[Lookup, Callable[[Any, Any], bool]] = {
    Lookup.GT: operator.gt,
    Lookup.GTE: operator.ge,
    Lookup.LT: operator.lt,
    Lookup.LTE: operator.le,
}


def matches(query: Mapping[str, object] | str | Query, document: Mapping[str, Any]) -> bool:
    """Whether ``document`` (content metadata as the API returns it) passes every clause.

    ``query`` may be a JSON object, a Lucene string or a parsed Query; an invalid query raises
    QueryError. Parse once with parse_query when testing many documents against one query.
    Search options on the query are not applied here (see QueryOptions).
    """
    parsed = parse_query(query)
    if parsed.node is not None:
        return node_matches(parsed.node, {name: document_values(spec, document) for name, spec in FIELDS.items()})
    return all(clause_matches(clause, document) for clause in parsed.clauses)


def node_matches(node: Node, values: Mapping[str, frozenset[Value]]) -> bool:
    """Whether a document holding ``values`` (per field, as ``document_values`` reads them) matches a
    query string's search node (``Query.node``)."""
    return search_evaluate.matches(node, search_document(values), STORED_QUERY_FIELDS)


def clause_matches(clause: Clause, document: Mapping[str, Any]) -> bool:
    """Whether ``document`` passes one clause, with the semantics documented on Clause."""
    return values_match(clause, document_values(clause.field, document))


def values_match(clause: Clause, values: frozenset[Value]) -> bool:
    """Whether a document holding ``values`` for the clause's field (as ``document_values`` reads them)
    passes the clause. The one Python statement of the clause semantics: callers that test one document
    against many catalogs read the values once and call this directly."""
    if clause.lookup.is_range:
        compare = _COMPARE[clause.lookup]
        return any(compare(value, clause.values[0]) for value in values)
    hit = not values.isdisjoint(clause.values) or (clause.null and not values)
    return hit if clause.lookup is Lookup.EXACT else not hit


def document_values(spec: FieldSpec, document: Mapping[str, Any]) -> frozenset[Value]:
    """The normalized values a document holds for a field; empty means "missing".

    A list is read element by element, objects in it through the field's ``item_key``.
    Values that cannot be read as the field's kind are skipped rather than raised: a query is
    validated when saved, but content arrives from elsewhere and must not break evaluation.
    The indexing layer uses this too, to look content up by a query's candidate_keys().
    """
    raw = document.get(spec.name)
    items = raw if isinstance(raw, list | tuple) else [raw]
    values: set[Value] = set()
    for item in items:
        if isinstance(item, Mapping):
            item = item.get(spec.item_key) if spec.item_key else None
        if item is None:
            continue
        try:
            values.add(spec.normalize(item))
        except ValueError:
            continue
    return frozenset(values)
