"""The catalog query language: one validated query tree, read from JSON or Lucene, and its Python evaluator.

Parse with ``parse_query`` (JSON object or Lucene string -> ``Query``), test content with
``matches``. A database evaluator walks the same ``Query.clauses`` (see ``tree.Clause`` for the
semantics both must share) and uses the values exactly as normalized by ``fields``.
"""

from __future__ import annotations

from types import ModuleType

from catalog.query.errors import QueryError
from catalog.query.evaluate import clause_matches, document_values, matches, values_match
from catalog.query.fields import FIELDS, OPTIONS, FieldSpec, Kind, Value
from catalog.query.lucene import parse_lucene, to_lucene
from catalog.query.parse import parse_dict, parse_query
from catalog.query.tree import Clause, Lookup, Query, QueryOptions

__all__ = [
    "FIELDS",
    "OPTIONS",
    "Clause",
    "FieldSpec",
    "Kind",
    "Lookup",
    "Query",
    "QueryError",
    "QueryOptions",
    "Value",
    "clause_matches",
    "document_values",
    "matches",
    "parse_dict",
    "parse_lucene",
    "parse_query",
    "to_lucene",
    "values_match",
]


def __getattr__(name: str) -> ModuleType:
    # Hypothesis is a dev dependency: load the strategies only when a test asks for them.
    if name == "hypothesis_strategies":
        from catalog.query import strategies

        return strategies
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
