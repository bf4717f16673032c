"""The database evaluator agrees with the Python evaluator on generated queries and stored documents."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.query import FIELDS, Query, document_values, matches
from catalog.query import hypothesis_strategies as strategies
from catalog.selectors.matching import PreparedDocument, accepts, content_matching
from tests.catalog.conftest import stored_documents

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


class _Rollback(Exception):
    pass


def _agree(query: Query, documents: list[dict[str, Any]]) -> None:
    try:
        with transaction.atomic():
            rows = stored_documents(documents)
            by_id = {row.pk: document for row, document in zip(rows, documents, strict=True)}
            from_sql = set(content_matching(query).filter(pk__in=by_id).values_list("pk", flat=True))
            from_python = {pk for pk, document in by_id.items() if accepts(query, document)}
            assert from_sql == from_python, (query, [by_id[pk] for pk in from_sql ^ from_python])
            raise _Rollback
    except _Rollback:
        pass


@PROPERTY_SETTINGS
@given(strategies.queries(), st.lists(strategies.documents(), min_size=1, max_size=6))
def test_sql_and_python_evaluators_select_the_same_documents(query: Query, documents: list[dict[str, Any]]) -> None:
    _agree(query, documents)


@PROPERTY_SETTINGS
@given(strategies.queries(max_tests=1), st.lists(strategies.documents(), min_size=1, max_size=6))
def test_they_agree_clause_by_clause(query: Query, documents: list[dict[str, Any]]) -> None:
    # Single clauses reach every lookup, null and list-valued branch far more often than conjunctions.
    _agree(query, documents)


@PROPERTY_SETTINGS
@given(strategies.queries(), strategies.documents())
def test_the_stored_document_is_what_was_given(query: Query, document: dict[str, Any]) -> None:
    try:
        with transaction.atomic():
            (row,) = stored_documents([document])
            assert row.document == document
            assert accepts(query, row.document) == accepts(query, document)
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=300, deadline=None)
@given(strategies.queries(), strategies.documents())
def test_the_prepared_python_evaluator_is_the_reference_plus_options(query: Query, document: dict[str, Any]) -> None:
    content_types = document_values(FIELDS["content_type"], document)
    availability = document_values(FIELDS["availability"], document)
    hidden_pathway = not query.options.include_learner_pathways and "learnerpathway" in content_types
    expired_run = (
        bool(query.options.exclude_expired_course_run) and "courserun" in content_types and "Archived" in availability
    )
    expected = matches(query, document) and not hidden_pathway and not expired_run
    assert accepts(query, document) == expected
    assert accepts(query, PreparedDocument(document)) == expected
