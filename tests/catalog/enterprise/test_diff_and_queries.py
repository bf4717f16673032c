"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it: generate_diff, refresh_metadata, get_content_filter_hash and get_query_by_hash, each call replayed
with its method, path, parameters and body and each answer checked field by field against enterprise-catalog's
serializers (ADR 0100)."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from tests.catalog.enterprise.helpers import (
    CUSTOMER,
    DATETIME,
    OTHER_CUSTOMER,
    UUID_TEXT,
    create_body,
    incumbent_hash,
    jwt_client,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slash", ["/", ""])
def test_generate_diff_by_post_and_get_with_or_without_the_slash(worker, world, slash):
    catalog = world["courses"]
    path = f"/api/v1/enterprise-catalogs/{catalog.uuid}/generate_diff{slash}"
    posted = worker.post(path, {"content_keys": ["edX+A1", "gone"]}, format="json")
    assert posted.status_code == 200, posted.content
    body = posted.json()
    assert [item["content_key"] for item in body["items_found"]] == ["edX+A1"]
    assert body["items_not_found"] == [{"content_key": "gone"}]
    assert [item["content_key"] for item in body["items_not_included"]] == ["edX+B2"]
    assert all(DATETIME.match(item["date_updated"]) for item in body["items_found"])
    # As in enterprise-catalog, an item is at least as new as its catalog's last change.
    catalog.refresh_from_db()
    assert body["items_found"][0]["date_updated"] >= catalog.modified.isoformat().replace("+00:00", "Z")[:19]
    got = worker.get(path, {"content_keys": ["edX+A1", "gone"]})
    assert got.status_code == 200 and got.json() == body
    assert worker.get(path).status_code == 400
    assert worker.get(path, {"content_keys": [f"k{index}" for index in range(101)]}).status_code == 400
    empty = worker.post(path, format="json")
    assert empty.status_code == 200 and len(empty.json()["items_not_included"]) == 2


def test_generate_diff_permissions_and_unknown_catalogs(world, user):
    path = f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/generate_diff"
    assert APIClient().post(path, {"content_keys": []}, format="json").status_code == 401
    assert jwt_client(user, []).post(path, {"content_keys": []}, format="json").status_code == 404
    learner = jwt_client(user, [f"enterprise_learner:{CUSTOMER}"])
    assert learner.post(path, {"content_keys": []}, format="json").status_code == 200
    unknown = f"/api/v1/enterprise-catalogs/{uuid.uuid4()}/generate_diff"
    assert learner.post(unknown, {"content_keys": []}, format="json").status_code == 404


def test_refresh_metadata(worker, world, user):
    path = f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/refresh_metadata/"
    response = worker.post(path)
    assert response.status_code == 200
    assert worker.post(path, {"x": 1}, format="json").status_code == 400  # it takes no body
    assert list(response.json()) == ["async_task_id"] and isinstance(response.json()["async_task_id"], str)
    assert jwt_client(user, [f"enterprise_learner:{CUSTOMER}"]).post(path).status_code == 403
    assert worker.post(f"/api/v1/enterprise-catalogs/{uuid.uuid4()}/refresh_metadata/").status_code == 404


def test_content_filter_hash_and_query_by_hash(worker, world, user):
    content_filter = {"org": "edX", "content_type": "course"}
    # get_catalog_query_hash: GET with the filter as the (form-encoded) body, no trailing slash.
    form = worker.generic(
        "GET",
        "/api/v1/catalog-queries/get_content_filter_hash",
        urlencode(content_filter),
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 200
    assert form.json() == incumbent_hash(content_filter)
    as_json = worker.generic(
        "GET",
        "/api/v1/catalog-queries/get_content_filter_hash",
        json.dumps(content_filter),
        content_type="application/json",
    )
    assert as_json.json() == incumbent_hash(content_filter)
    # get_enterprise_catalog_by_hash: ?hash=..., no trailing slash.
    found = worker.get("/api/v1/catalog-queries/get_query_by_hash", {"hash": form.json()})
    assert found.status_code == 200
    body = found.json()
    assert list(body) == ["uuid", "content_filter", "content_filter_hash", "title"]
    assert body["content_filter"] == content_filter and body["content_filter_hash"] == form.json()
    assert body["uuid"] == str(world["courses"].catalog_query_uuid) and UUID_TEXT.match(body["uuid"])
    assert worker.get("/api/v1/catalog-queries/get_query_by_hash", {"hash": "0" * 32}).status_code == 404
    assert worker.get("/api/v1/catalog-queries/get_query_by_hash", {"hash": "xyz"}).status_code == 400
    assert worker.get("/api/v1/catalog-queries/get_query_by_hash").status_code == 400
    other_admin = jwt_client(user, [f"enterprise_admin:{OTHER_CUSTOMER}"])
    assert other_admin.get("/api/v1/catalog-queries/get_query_by_hash", {"hash": form.json()}).status_code == 404
    assert (
        jwt_client(UserFactory.create(), [])
        .get("/api/v1/catalog-queries/get_query_by_hash", {"hash": form.json()})
        .status_code
        == 403
    )


def test_catalogs_with_one_query_share_its_uuid(worker, world):
    first = worker.post("/api/v1/enterprise-catalogs/", create_body(uuid.uuid4(), {"org": "MITx"}), format="json")
    second = worker.post("/api/v1/enterprise-catalogs/", create_body(uuid.uuid4(), {"org": "MITx"}), format="json")
    assert first.json()["catalog_query_uuid"] == second.json()["catalog_query_uuid"] is not None
