"""The catalog query's third evaluator, executed: its search node tree run by the database search backend
(on PostgreSQL and SQLite) selects what the Python and the SQL catalog evaluators select, on the structured
fields, and the Elasticsearch request it makes is the expected data (issue 12, ADR 0082).

``title`` (analysed text in the search schema, exact in the catalog) and ``program_type`` (no search field)
are the catalog fields the search schema does not hold with the catalog's meaning; queries on them are left
out. Every other catalog field is the search schema's field of the same name, its exact ``.raw`` form where
the schema analyses it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalog.query import FIELDS, Query, document_values, matches, parse_query
from catalog.query import hypothesis_strategies as strategies
from catalog.query.search_nodes import to_search_node
from catalog.selectors.matching import accepts, content_matching
from course_metadata.api.v1.serializers.common import dt_string
from search import schema
from search.backends.base import Document
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import QueryCompiler
from search.query_string import field_table
from tests.catalog.conftest import stored_documents

pytestmark = pytest.mark.django_db

NOT_IN_THE_SCHEMA = frozenset({"title", "program_type"})
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _indexed_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt_string(value)
    return value


def search_document(number: int, document: dict[str, Any]) -> Document:
    """The catalog document as a search index holds it: each field's normalized values under its name."""
    body: dict[str, Any] = {"uuid": f"doc-{number}", "aggregation_uuid": f"course:doc-{number}"}
    for name, spec in FIELDS.items():
        if name in NOT_IN_THE_SCHEMA:
            continue
        values = sorted((_indexed_value(value) for value in document_values(spec, document)), key=repr)
        body[name] = values if schema.BY_NAME[name].multi else (values[0] if values else None)
    return Document(id=body["aggregation_uuid"], content_type="course", body=body)


class _Rollback(Exception):
    pass


def _agree(query: Query, documents: list[dict[str, Any]]) -> None:
    assume(not {clause.field.name for clause in query.clauses} & NOT_IN_THE_SCHEMA)
    node = to_search_node(query, field_table())
    try:
        with transaction.atomic():
            rows = stored_documents(documents)
            by_pk = {row.pk: number for number, row in enumerate(rows)}
            from_sql = {by_pk[pk] for pk in content_matching(query).filter(pk__in=by_pk).values_list("pk", flat=True)}
            from_python = {number for number, document in enumerate(documents) if matches(query, document)}
            # The SQL evaluator applies the catalog's search options too (learner pathways left out unless asked).
            with_options = {number for number, document in enumerate(documents) if accepts(query, document)}
            index = DatabaseBackend()
            index.index([search_document(number, document) for number, document in enumerate(documents)])
            from_search = {int(ref.uuid.removeprefix("doc-")) for ref in index.matching_ids(node, ["course"])}
            assert from_sql == with_options, (query, documents)
            assert from_search == from_python, (query, node, [documents[n] for n in from_search ^ from_python])
            raise _Rollback
    except _Rollback:
        pass


@PROPERTY_SETTINGS
@given(strategies.queries(), st.lists(strategies.documents(), min_size=1, max_size=5))
def test_the_search_backend_selects_what_the_python_and_sql_evaluators_select(
    query: Query, documents: list[dict[str, Any]]
) -> None:
    _agree(query, documents)


@PROPERTY_SETTINGS
@given(strategies.queries(max_tests=1), st.lists(strategies.documents(), min_size=1, max_size=5))
def test_they_agree_clause_by_clause(query: Query, documents: list[dict[str, Any]]) -> None:
    _agree(query, documents)


def test_the_elasticsearch_request_of_a_catalog_query() -> None:
    query = parse_query(
        {"org": ["edX", "MITx"], "level_type__exclude": "Advanced", "hidden": False, "start__gte": "2024-01-15"}
    )
    body = QueryCompiler(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).compile(to_search_node(query, field_table()))
    assert body.to_dict() == {
        "bool": {
            "filter": [
                {"term": {"hidden": False}},
                {"bool": {"must_not": [{"term": {"level_type.raw": "Advanced"}}]}},
                {
                    "bool": {
                        "should": [{"term": {"org.raw": "MITx"}}, {"term": {"org.raw": "edX"}}],
                        "minimum_should_match": 1,
                    }
                },
                {"range": {"start": {"gte": "2024-01-15T00:00:00Z"}}},
            ]
        }
    }
