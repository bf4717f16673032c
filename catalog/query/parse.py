"""Validating the stored JSON query format (``field`` / ``field__lookup`` keys) into a Query."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from catalog.query.clauses import build_clause, field_spec
from catalog.query.errors import QueryError
from catalog.query.fields import OPTIONS, normalize_boolean
from catalog.query.lucene import parse_lucene
from catalog.query.tree import Clause, Lookup, Query, QueryOptions

# Lookup names as they appear in query keys; `exclude` is the older spelling of `not`.
LOOKUPS: Mapping[str, Lookup] = {
    "exact": Lookup.EXACT,
    "not": Lookup.NOT,
    "exclude": Lookup.NOT,
    "gt": Lookup.GT,
    "gte": Lookup.GTE,
    "lt": Lookup.LT,
    "lte": Lookup.LTE,
}


def parse_query(query: Mapping[str, object] | str | Query) -> Query:
    """Validate and normalize a query given as a JSON object, a Lucene string, or a Query.

    Raises QueryError naming the offending key (or Lucene fragment).
    """
    if isinstance(query, Query):
        return query
    if isinstance(query, str):
        return parse_lucene(query)
    if isinstance(query, Mapping):
        return parse_dict(query)
    raise QueryError(
        None, _("a query is a JSON object or a query string, not %(type)s") % {"type": type(query).__name__}
    )


def parse_dict(query: Mapping[str, object]) -> Query:
    """Validate the JSON object format: every key is a test, and all tests must hold."""
    clauses: list[Clause] = []
    options: dict[str, bool] = {}
    for key, raw in query.items():
        if not isinstance(key, str):
            raise QueryError(repr(key), _("query keys must be strings"))
        if key in OPTIONS:
            options[key] = _parse_option(key, raw)
            continue
        field_name, separator, lookup_name = key.partition("__")
        if "__" in lookup_name:
            raise QueryError(key, _("a key is `field` or `field__lookup`, with at most one '__'"))
        if field_name in OPTIONS:
            raise QueryError(
                key, _("%(field_name)s is a search option and takes no lookup") % {"field_name": field_name}
            )
        field_spec(key, field_name)  # an unknown field is the clearer error than its lookup
        lookup = LOOKUPS.get(lookup_name if separator else "exact")
        if lookup is None:
            expected = ", ".join(LOOKUPS)
            raise QueryError(
                key,
                _("unknown lookup %(lookup_name)r (expected one of %(expected)s)")
                % {"lookup_name": lookup_name, "expected": expected},
            )
        clauses.append(build_clause(key, field_name, lookup, raw))
    return Query(tuple(clauses), QueryOptions(**options))


def _parse_option(key: str, raw: object) -> bool:
    try:
        return normalize_boolean(raw)
    except ValueError as error:
        raise QueryError(key, str(error)) from None
