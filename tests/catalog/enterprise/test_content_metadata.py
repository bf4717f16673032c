"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it: get_content_metadata and content-metadata by identifier, each call replayed
with its method, path, parameters and body and each answer checked field by field against enterprise-catalog's
serializers (ADR 0100)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog.services.catalogs import catalog_update
from tests.catalog.conftest import run_keys
from tests.catalog.enterprise.helpers import (
    CUSTOMER,
    DATETIME,
    OTHER_CUSTOMER,
    UUID_TEXT,
    jwt_client,
)

pytestmark = pytest.mark.django_db


def test_get_content_metadata_pages_as_the_client_traverses_them(worker, world):
    catalog = world["courses"]
    path = f"/api/v1/enterprise-catalogs/{catalog.uuid}/get_content_metadata/"
    first = worker.get(path, {"page_size": 1})
    assert first.status_code == 200
    body = first.json()
    assert list(body) == [
        "next",
        "previous",
        "count",
        "num_pages",
        "current_page",
        "start",
        "results",
        "uuid",
        "title",
        "enterprise_customer",
    ]
    assert (body["count"], body["num_pages"], body["current_page"], body["start"]) == (2, 2, 1, 0)
    assert body["previous"] is None
    assert body["uuid"] == str(catalog.uuid) and body["enterprise_customer"] == str(CUSTOMER)
    # utils.traverse_pagination: the next link's query string is sent back to the same URL.
    query = parse_qs(urlsplit(body["next"]).query, keep_blank_values=True)
    second = worker.get(path, query).json()
    assert second["next"] is None and second["current_page"] == 2
    assert [item["key"] for item in body["results"] + second["results"]] == ["edX+A1", "edX+B2"]


def test_get_content_metadata_items_have_enterprise_catalogs_fields(worker, world):
    catalog = world["courses"]
    response = worker.get(
        f"/api/v1/enterprise-catalogs/{catalog.uuid}/get_content_metadata/",
        {"page_size": 50, "content_keys": ["edX+B2"]},
    )
    (item,) = response.json()["results"]
    assert item["content_type"] == "course" and item["key"] == "edX+B2"
    assert UUID_TEXT.match(item["uuid"])
    assert item["parent_content_key"] is None
    assert DATETIME.match(item["content_last_modified"])
    assert item["active"] is True
    assert isinstance(item["image_url"], str)
    assert item["languages"] == ["English"]
    # The LMS enrollment URL of the advertised run, with the catalog and the customer's UTM parameters.
    advertised = next(run["key"] for run in item["course_runs"] if run["uuid"] == item["advertised_course_run_uuid"])
    assert item["enrollment_url"] == (
        f"https://courses.example.org/enterprise/{CUSTOMER}/course/{advertised}/enroll/?"
        + urlencode({"catalog": str(catalog.uuid), "utm_medium": "enterprise", "utm_source": "acme-corp"})
    )
    assert item["xapi_activity_id"] == "https://courses.example.org/xapi/activities/course/edX+B2"
    assert "utm_medium=enterprise&utm_source=acme-corp" in item["marketing_url"]
    normalized = item["normalized_metadata"]
    assert list(normalized) == ["start_date", "end_date", "enroll_by_date", "enroll_start_date", "content_price"]
    assert all(DATETIME.match(normalized[name]) for name in ("start_date", "end_date", "enroll_by_date"))
    assert normalized["content_price"] == 49.0
    assert set(item["normalized_metadata_by_run"]) == set(run_keys(world["b2"]))
    for run in item["course_runs"]:
        assert run["parent_content_key"] == "edX+B2"
        assert run["enrollment_url"].startswith(
            f"https://courses.example.org/enterprise/{CUSTOMER}/course/{run['key']}"
        )


def test_audit_enrollment_urls_and_runs_and_programs(worker, world):
    catalog_update(catalog=world["everything"], publish_audit_enrollment_urls=True)
    catalog = world["everything"]
    program_key = str(world["program"].uuid)
    m1_run = run_keys(world["m1"])[0]
    response = worker.get(
        f"/api/v1/enterprise-catalogs/{catalog.uuid}/get_content_metadata",
        {"content_keys": [program_key, m1_run], "page_size": 50},
    )
    items = {item["content_key"]: item for item in response.json()["results"]}
    # A run key also finds its course (enterprise-catalog's get_matching_content).
    assert set(items) == {program_key, m1_run, "MITx+M1"}
    run = items[m1_run]
    assert run["parent_content_key"] == "MITx+M1"
    assert "audit=true" in run["enrollment_url"] and f"/course/{m1_run}/enroll/" in run["enrollment_url"]
    assert run["xapi_activity_id"].endswith(f"/xapi/activities/courserun/{m1_run}")
    program = items[program_key]
    assert program["enrollment_url"] is None and program["parent_content_key"] is None
    assert "xapi_activity_id" not in program and "active" not in program


def test_get_content_metadata_parameters(worker, world, user):
    path = f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/get_content_metadata/"
    too_many = worker.get(path, {"content_keys": [f"k{index}" for index in range(101)]})
    assert too_many.status_code == 400 and "content_keys" in too_many.json()
    assert "colour" in worker.get(path, {"colour": "red"}).json()
    assert "traverse_pagination" in worker.get(path, {"traverse_pagination": "true"}).json()
    assert worker.get(path, {"page_size": "x"}).status_code == 400
    assert worker.get(path, {"page_size": 1000}).json()["num_pages"] == 1  # capped at 100, as incumbent
    assert worker.get("/api/v1/enterprise-catalogs/not-a-uuid/get_content_metadata/").status_code == 404
    assert jwt_client(user, []).get(path).status_code == 404
    assert jwt_client(user, [f"enterprise_learner:{CUSTOMER}"]).get(path).status_code == 200
    assert jwt_client(user, [f"enterprise_learner:{OTHER_CUSTOMER}"]).get(path).status_code == 404
    assert APIClient().get(path).status_code == 401


def test_get_content_metadata_costs_the_same_queries_whatever_the_page_size(worker, world):
    path = f"/api/v1/enterprise-catalogs/{world['everything'].uuid}/get_content_metadata/"
    counts = []
    for size in (1, 20, 100):
        with CaptureQueriesContext(connection) as queries:
            response = worker.get(path, {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    # One query per content type on the page at most: the larger pages hold every kind.
    assert counts[1] == counts[2]
    assert counts[0] <= counts[1]


def test_customer_content_metadata_by_key_or_uuid(worker, world):
    base = f"/api/v1/enterprise-customer/{CUSTOMER}/content-metadata"
    by_key = worker.get(f"{base}/edX+A1/")
    assert by_key.status_code == 200
    item = by_key.json()
    assert item["key"] == "edX+A1" and item["enrollment_url"].startswith("https://courses.example.org/enterprise/")
    by_uuid = worker.get(f"{base}/{world['a1'].uuid}/").json()
    assert by_uuid["key"] == "edX+A1"
    # A run key finds the course of a catalog that holds the course.
    run = worker.get(f"{base}/{run_keys(world['a1'])[0]}/").json()
    assert run["key"] == "edX+A1"
    skipped = worker.get(f"{base}/edX+A1/", {"skip_customer_fetch": "true"}).json()
    assert skipped["enrollment_url"] is None
    assert worker.get(f"{base}/edX+Z9/").status_code == 404
    assert worker.get(f"{base}/edX+A1/", {"colour": "1"}).status_code == 400


def test_content_metadata_by_identifier_without_trailing_slash(worker, world, user):
    run_key = run_keys(world["b2"])[0]
    # get_content_metadata_content_identifier: "content-metadata/" + content_id, no trailing slash.
    response = worker.get(f"/api/v1/content-metadata/{run_key}")
    assert response.status_code == 200
    item = response.json()
    assert item["key"] == run_key and item["content_type"] == "courserun"
    assert item["parent_content_key"] == "edX+B2"
    assert DATETIME.match(item["content_last_modified"])
    assert "enrollment_url" not in item and "xapi_activity_id" not in item  # outside a catalog
    coerced = worker.get(f"/api/v1/content-metadata/{run_key}", {"coerce_to_parent_course": True}).json()
    assert coerced["key"] == "edX+B2" and coerced["active"] is True
    assert worker.get(f"/api/v1/content-metadata/{world['b2'].uuid}/").json()["key"] == "edX+B2"
    assert worker.get("/api/v1/content-metadata/nope").status_code == 404
    assert jwt_client(user, []).get(f"/api/v1/content-metadata/{run_key}").status_code == 200
    assert APIClient().get(f"/api/v1/content-metadata/{run_key}").status_code == 401
