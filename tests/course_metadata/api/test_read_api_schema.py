"""The OpenAPI schema documents every read endpoint and parameter."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rest_framework.test import APIClient

EXPECTED_PARAMETERS = {
    "/api/v1/courses/": {
        "q",
        "pubq",
        "keys",
        "uuids",
        "timestamp",
        "editable",
        "course_run_statuses",
        "course_type",
        "include_hidden_course_runs",
        "marketable_course_runs_only",
        "marketable_enrollable_course_runs_with_archived",
        "published_course_runs_only",
        "exclude_utm",
        "ordering",
        "page",
        "page_size",
        "limit",
        "offset",
    },
    "/api/v1/course_runs/": {
        "q",
        "keys",
        "hidden",
        "active",
        "marketable",
        "license",
        "timestamp",
        "editable",
        "ordering",
    },
    "/api/v1/course_runs/contains/": {"query", "course_run_ids"},
    "/api/v1/programs/": {
        "q",
        "uuids",
        "types",
        "status",
        "marketable",
        "hidden",
        "marketing_slug",
        "timestamp",
        "uuids_only",
        "use_full_course_serializer",
        "published_course_runs_only",
        "exclude_utm",
    },
    "/api/v1/organizations/": {"uuids", "timestamp"},
    "/api/v1/people/": {"uuids", "slug", "org"},
    "/api/v1/subjects/": {"uuids", "slug"},
    "/api/v1/topics/": {"uuids", "slug"},
    "/api/v1/level_types/": set(),
    "/api/v1/program_types/": {"uuids"},
    "/api/v1/course_types/": {"uuids"},
    "/api/v1/course_run_types/": {"uuids"},
    "/api/v1/pathways/": {"status"},
    "/api/v1/learner-pathway/": {"uuid"},
    "/api/v1/learner-pathway/uuids/": {"course_keys", "program_uuids"},
    "/api/v1/learner-pathway/{uuid}/snapshot/": {"uuid"},
}


@pytest.fixture(scope="module")
def schema(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = APIClient().get("/api-docs/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.mark.parametrize("path", sorted(EXPECTED_PARAMETERS))
def test_every_parameter_is_documented(schema: dict[str, Any], path: str) -> None:
    operation = schema["paths"][path]["get"]
    documented = {parameter["name"] for parameter in operation.get("parameters", [])}

    assert EXPECTED_PARAMETERS[path] <= documented
    assert all(parameter.get("description") or parameter["in"] == "path" for parameter in operation["parameters"])


def test_detail_paths_are_documented(schema: dict[str, Any]) -> None:
    for path in ("/api/v1/courses/{key_or_uuid}/", "/api/v1/course_runs/{key}/", "/api/v1/programs/{uuid}/"):
        assert "get" in schema["paths"][path]


def test_integration_only_fields_say_so(schema: dict[str, Any]) -> None:
    course = schema["components"]["schemas"]["Course"]["properties"]

    assert "integration" in course["skills"]["description"]
    assert "integration" in course["skill_names"]["description"]
