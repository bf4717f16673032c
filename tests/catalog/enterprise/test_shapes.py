"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it: empty catalogs, item field types and query counts, each call replayed
with its method, path, parameters and body and each answer checked field by field against enterprise-catalog's
serializers (ADR 0100)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Catalog
from tests.catalog.enterprise.helpers import (
    CUSTOMER,
    UUID_TEXT,
    create_body,
    jwt_client,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_empty_catalog_reads_null_dates_and_empty_lists(worker, world):
    chosen = uuid.uuid4()
    body = create_body(chosen, {"org": "NobodyX"}, publish_audit_enrollment_urls=json.dumps(True))
    created = worker.post("/api/v1/enterprise-catalogs/", body, format="json").json()
    assert created["content_last_modified"] is None  # null, not a missing key or ""
    assert Catalog.objects.get(uuid=chosen).publish_audit_enrollment_urls is True  # "true", as the client sends it
    page = worker.get(f"/api/v1/enterprise-catalogs/{chosen}/get_content_metadata/").json()
    assert (page["count"], page["num_pages"], page["current_page"], page["results"]) == (0, 1, 1, [])
    assert page["next"] is None and page["previous"] is None
    diff = worker.post(f"/api/v1/enterprise-catalogs/{chosen}/generate_diff", {"content_keys": ["x"]}, format="json")
    assert diff.json()["items_found"] == [] and diff.json()["items_not_included"] == []


def test_item_fields_are_typed_and_nested_as_enterprise_catalog_types_them(worker, world):
    catalog = world["everything"]
    results = worker.get(f"/api/v1/enterprise-catalogs/{catalog.uuid}/get_content_metadata/", {"page_size": 100})
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in results.json()["results"]:
        by_type.setdefault(item["content_type"], []).append(item)
    assert set(by_type) == {"course", "courserun", "program"}
    for item in by_type["course"]:
        assert isinstance(item["course_runs"], list) and isinstance(item["owners"], list)
        assert isinstance(item["normalized_metadata_by_run"], dict)
        assert isinstance(item["active"], bool)
        assert item["parent_content_key"] is None
        assert item["aggregation_key"] == f"course:{item['key']}"
        assert isinstance(item["normalized_metadata"]["content_price"], float)
    for item in by_type["courserun"]:
        assert isinstance(item["parent_content_key"], str) and item["key"].startswith("course-v1:")
        assert "active" not in item and "normalized_metadata" not in item
        assert item["enrollment_url"] is None or item["enrollment_url"].startswith("https://")
    for item in by_type["program"]:
        assert UUID_TEXT.match(item["uuid"]) and item["enrollment_url"] is None
        assert isinstance(item["courses"], list) and isinstance(item["languages"], list)


def test_list_and_lookups_cost_a_fixed_number_of_queries(worker, world, make_catalog):
    for index in range(3):
        make_catalog({"org": f"Z{index}X"}, enterprise_customer_uuid=CUSTOMER)
    counts = []
    for size in (1, 2, 50):
        with CaptureQueriesContext(connection) as queries:
            response = worker.get("/api/v1/enterprise-catalogs/", {"page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == min(size, 6)
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]
    diff_path = f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/generate_diff/"
    contains_path = f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/contains_content_items/"
    customer_path = f"/api/v1/enterprise-customer/{CUSTOMER}/contains_content_items/"
    for path, name in (
        (diff_path, "content_keys"),
        (contains_path, "course_run_ids"),
        (customer_path, "course_run_ids"),
    ):
        sizes = []
        for size in (1, 100):
            with CaptureQueriesContext(connection) as queries:
                assert worker.get(path, {name: [f"k{index}" for index in range(size)]}).status_code == 200
            sizes.append(len(queries))
        assert sizes[0] == sizes[1], path
    with CaptureQueriesContext(connection) as queries:
        assert worker.get(f"/api/v1/enterprise-customer/{CUSTOMER}/content-metadata/edX+A1/").status_code == 200
    lookup = len(queries)
    with CaptureQueriesContext(connection) as queries:
        assert worker.get(f"/api/v1/enterprise-customer/{CUSTOMER}/content-metadata/edX+B2/").status_code == 200
    assert len(queries) == lookup


def test_generate_diff_etag_moves_when_the_items_enrollment_urls_change(worker, world):
    catalog = world["courses"]
    path = f"/api/v1/enterprise-catalogs/{catalog.uuid}/generate_diff"
    first = worker.post(path, {"content_keys": []}, format="json")
    assert worker.post(path, {"content_keys": []}, format="json", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    worker.patch(f"/api/v1/enterprise-catalogs/{catalog.uuid}/", {"publish_audit_enrollment_urls": True}, format="json")
    after = worker.post(path, {"content_keys": []}, format="json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    dates = [item["date_updated"] for item in after.json()["items_not_included"]]
    assert all(
        date > item["date_updated"] for date, item in zip(dates, first.json()["items_not_included"], strict=True)
    )


def test_enterprise_roles_never_reach_a_catalog_of_no_customer(world, make_catalog, user):
    own = make_catalog({"org": "edX"})  # a Lyceum catalog, of no enterprise customer
    operator = jwt_client(user, ["enterprise_openedx_operator:*", "enterprise_learner:*"])
    provisioning = jwt_client(UserFactory.create(), ["enterprise_provisioning_admin:*"])
    for client in (operator, provisioning):
        assert client.get(f"/api/v1/enterprise-catalogs/{own.uuid}/").status_code == 403
        listed = client.get("/api/v1/enterprise-catalogs/", {"page_size": 50}).json()["results"]
        assert str(own.uuid) not in {item["uuid"] for item in listed}
        assert str(world["courses"].uuid) in {item["uuid"] for item in listed}
    assert operator.get(f"/api/v1/enterprise-catalogs/{own.uuid}/get_content_metadata/").status_code == 404
    assert operator.post(f"/api/v1/enterprise-catalogs/{own.uuid}/generate_diff", format="json").status_code == 404
    assert operator.get(f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/").status_code == 200
    by_hash = operator.get("/api/v1/catalog-queries/get_query_by_hash", {"hash": own.query_hash})
    assert by_hash.status_code == 404
