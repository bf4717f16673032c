"""The third evaluator of a catalog query: its clauses as a search node tree, for any search backend.

Each clause becomes the node that holds for the same documents (``tree.Clause`` states the semantics):
an exact clause is any of its values (``Term``), or no value at all (``NOT _exists_``) when it allows
null; a not clause is the negation of that; a range is a one-sided ``Range``. The catalog's strings are
exact, so they become keyword terms; the one catalog field the search schema analyses as text, ``title``,
is therefore only approximately the same test there (a phrase of the title's words, not its exact text),
and the agreement tests cover the structured fields (ADR 0090).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from catalog.query.fields import FIELDS, FieldSpec, Kind, Value
from catalog.query.tree import Clause, Lookup, Query
from search.query.fields import FieldKind, FieldTable
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Range, Term

SEARCH_KINDS: Mapping[Kind, FieldKind] = {
    Kind.STRING: FieldKind.KEYWORD,
    Kind.UUID: FieldKind.KEYWORD,
    Kind.NUMBER: FieldKind.NUMBER,
    Kind.DATETIME: FieldKind.DATE,
    Kind.BOOLEAN: FieldKind.BOOLEAN,
}


def catalog_field_table() -> FieldTable:
    """The catalog's query fields as the search layer's field table (every one structured)."""
    return FieldTable(kinds={name: SEARCH_KINDS[spec.kind] for name, spec in FIELDS.items()}, default_fields=())


# What a stored query string the clauses cannot hold is read against: the catalog's document fields, with
# the clauses' meaning (strings exact, the title too), so that a query means the same whichever way it is
# read. Catalog documents hold no full text, so a word without a field is refused.
STORED_QUERY_FIELDS = catalog_field_table()


def search_document(values: Mapping[str, frozenset[Value]]) -> dict[str, list[str]]:
    """A catalog document's normalized values per field (``document_values``) as the search evaluator reads
    them: flat lists of strings."""
    return {name: [search_value(value) for value in field_values] for name, field_values in values.items()}


def to_search_node(query: Query, fields: FieldTable | None = None) -> Node:
    """The node tree selecting what ``query``'s clauses select; search options are not clauses.

    ``fields`` is the search schema the node will run against (the catalog's own table by default); a
    catalog string field that the schema analyses as text is matched by its exact form (``<name>.raw``)
    when the schema has one, else as a phrase.
    """
    table = fields or catalog_field_table()
    nodes = [_clause(clause, table) for clause in query.clauses]
    if not nodes:
        return MatchAll()
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _clause(clause: Clause, table: FieldTable) -> Node:
    spec = clause.field
    if clause.lookup.is_range:
        value = search_value(clause.values[0])
        if clause.lookup in (Lookup.GT, Lookup.GTE):
            return Range(spec.name, value, None, include_low=clause.lookup is Lookup.GTE)
        return Range(spec.name, None, value, include_high=clause.lookup is Lookup.LTE)
    alternatives: list[Node] = [_equals(spec, value, table) for value in clause.values]
    if clause.null:
        alternatives.append(Not(Exists(spec.name)))
    positive = alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))
    return positive if clause.lookup is Lookup.EXACT else Not(positive)


def _equals(spec: FieldSpec, value: Value, table: FieldTable) -> Node:
    if table.kinds.get(spec.name) is FieldKind.TEXT:
        exact = f"{spec.name}.raw"
        if table.kinds.get(exact) is FieldKind.KEYWORD:
            return Term(exact, search_value(value))  # the field's exact form, as the catalog compares strings
        return Phrase(spec.name, search_value(value))
    return Term(spec.name, search_value(value))


def search_value(value: Value) -> str:
    """A normalized catalog value as a search node spells it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
