"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it: contains_content_items of a catalog and of a customer, each call replayed
with its method, path, parameters and body and each answer checked field by field against enterprise-catalog's
serializers (ADR 0100)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.catalog.conftest import run_keys
from tests.catalog.enterprise.helpers import (
    CUSTOMER,
    OTHER_CUSTOMER,
    jwt_client,
)

pytestmark = pytest.mark.django_db


def test_catalog_contains_content_items(worker, world):
    catalog = world["mitx_runs"]
    path = f"/api/v1/enterprise-catalogs/{catalog.uuid}/contains_content_items/"
    # EnterpriseCatalogApiClient.contains_content_items: course_run_ids, repeated.
    assert worker.get(path, {"course_run_ids": ["MITx+M1"]}).json() == {"contains_content_items": True}
    assert worker.get(path, {"course_run_ids": run_keys(world["m1"])}).json() == {"contains_content_items": True}
    assert worker.get(path, {"course_run_ids": ["edX+A1", "nope"]}).json() == {"contains_content_items": False}
    courses = f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/contains_content_items/"
    # A catalog holding a course holds its runs.
    assert worker.get(courses, {"course_run_ids": run_keys(world["a1"])[:1]}).json()["contains_content_items"]
    program = f"/api/v1/enterprise-catalogs/{world['everything'].uuid}/contains_content_items/"
    assert worker.get(program, {"program_uuids": [str(world["program"].uuid)]}).json()["contains_content_items"]
    missing = worker.get(path)
    assert missing.status_code == 400 and "course_run_ids, program_uuids" in missing.json()["course_run_ids"][0]
    assert "colour" in worker.get(path, {"course_run_ids": "x", "colour": "1"}).json()


def test_customer_contains_content_items_lists_the_catalogs(worker, world, user, django_assert_max_num_queries):
    path = f"/api/v1/enterprise-customer/{CUSTOMER}/contains_content_items/"
    params: dict[str, Any] = {
        "course_run_ids": ["MITx+M1", "edX+A1"],
        "get_catalogs_containing_specified_content_ids": True,
    }
    with django_assert_max_num_queries(4):
        body = worker.get(path, params).json()
    assert body == {
        "contains_content_items": True,
        "catalog_list": [str(world["courses"].uuid), str(world["mitx_runs"].uuid)],
    }
    plain = worker.get(path, {"course_run_ids": ["MITx+M1"]}).json()
    assert plain == {"contains_content_items": True}
    assert worker.get(path, {"course_run_ids": ["nope"], "get_catalog_list": "true"}).json() == {
        "contains_content_items": False,
        "catalog_list": [],
    }
    assert (
        "get_catalogs_containing_specified_content_ids"
        in worker.get(path, {"course_run_ids": "x", "get_catalogs_containing_specified_content_ids": "maybe"}).json()
    )
    assert (
        worker.get("/api/v1/enterprise-customer/nope/contains_content_items/", {"course_run_ids": "x"}).status_code
        == 400
    )
    assert jwt_client(user, [f"enterprise_learner:{CUSTOMER}"]).get(path, params).status_code == 200
    assert jwt_client(user, [f"enterprise_learner:{OTHER_CUSTOMER}"]).get(path, params).status_code == 403
    assert APIClient().get(path, params).status_code == 401
