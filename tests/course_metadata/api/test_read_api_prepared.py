"""Reads run as prepared statements on PostgreSQL, and answer exactly what unprepared reads answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


def nested_executions() -> int:
    """How many times this connection has run the prepared nested-rows query. Counted rather than looked
    up, because an earlier test on the same connection may have prepared it already."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE position('AS _part' in statement) > 0"
        )
        return int(cursor.fetchone()[0])


def read(api: APIClient, path: str) -> tuple[Any, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return response.json(), queries.captured_queries


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared reads exist on PostgreSQL only")


def test_a_detail_prepares_its_queries_and_answers_the_same(
    postgres: None, catalog: Any, api: APIClient, settings: Any
) -> None:
    path = f"/api/v1/courses/{catalog.course.key}/"
    before = nested_executions()
    settings.LYCEUM_PREPARED_READS = False
    unprepared, unprepared_queries = read(api, path)
    assert nested_executions() == before

    settings.LYCEUM_PREPARED_READS = True
    prepared, prepared_queries = read(api, path)

    assert prepared == unprepared
    assert len(prepared_queries) == len(unprepared_queries)
    # The log shows the statement as sent, parameters included, never an empty entry.
    assert all(query["sql"] for query in prepared_queries)
    assert nested_executions() == before + 1


def test_a_full_page_prepares_its_queries_and_answers_the_same(
    postgres: None, catalog: Any, api: APIClient, settings: Any
) -> None:
    path = "/api/v1/course_runs/?page_size=500"
    settings.LYCEUM_PREPARED_READS = False
    unprepared, unprepared_queries = read(api, path)
    settings.LYCEUM_PREPARED_READS = True
    prepared, prepared_queries = read(api, path)

    assert prepared == unprepared
    assert len(prepared_queries) == len(unprepared_queries)
