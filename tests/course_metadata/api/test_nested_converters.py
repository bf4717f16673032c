"""On PostgreSQL the nested rows skip the converters only SQLite needs; the responses must not change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from dbkit import nested

PATHS = (
    "/api/v1/courses/?page_size=50&include_hidden_course_runs=1",
    "/api/v1/course_runs/?page_size=50",
    "/api/v1/programs/?page_size=50&use_full_course_serializer=1",
)


def test_skipping_sqlite_only_converters_changes_no_response(
    catalog: Any, api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL skips converters")
    narrowed = [api.get(path).json() for path in PATHS]

    # Every converter, as SQLite applies them, on parts compiled afresh (past the specs' own caches).
    monkeypatch.setattr(nested, "converters_for_vendor", lambda converters, vendor: converters)
    monkeypatch.setattr(nested, "_compiled_part", nested._compile_part)
    converted = [api.get(path).json() for path in PATHS]

    assert narrowed == converted
    assert all(response["results"] for response in narrowed)
