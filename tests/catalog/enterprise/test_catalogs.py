"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it: the enterprise-catalogs/ resource (create, read, update, delete, permissions), each call replayed
with its method, path, parameters and body and each answer checked field by field against enterprise-catalog's
serializers (ADR 0100)."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from catalog.models import Catalog
from tests.catalog.enterprise.helpers import (
    CUSTOMER,
    OTHER_CUSTOMER,
    assert_catalog_shape,
    create_body,
    jwt_client,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_keeps_the_callers_uuid_and_generate_diff_finds_the_catalog(worker, world, run_consumer):
    chosen = uuid.uuid4()
    response = worker.post("/api/v1/enterprise-catalogs/", create_body(chosen, {"org": "MITx"}), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert_catalog_shape(body)
    assert body["uuid"] == str(chosen)
    assert body["enterprise_customer"] == str(CUSTOMER)
    assert body["title"] == "Acme catalog"
    catalog = Catalog.objects.get(uuid=chosen)
    assert catalog.enterprise_customer_name == "Acme Corp"
    assert catalog.enabled_course_modes == ["verified", "audit"]
    assert catalog.publish_audit_enrollment_urls is False
    assert catalog.query == {"org": "MITx"}
    run_consumer()
    diff = worker.post(
        f"/api/v1/enterprise-catalogs/{chosen}/generate_diff/", {"content_keys": ["MITx+M1"]}, format="json"
    )
    assert diff.status_code == 200
    assert [item["content_key"] for item in diff.json()["items_found"]] == ["MITx+M1"]


def test_get_update_and_delete_as_edx_enterprise_does(worker, world):
    catalog = world["courses"]
    path = f"/api/v1/enterprise-catalogs/{catalog.uuid}/"
    got = worker.get(path)
    assert got.status_code == 200
    assert_catalog_shape(got.json())
    assert worker.get(path.rstrip("/")).json() == got.json()  # with or without the trailing slash
    assert got.json()["content_last_modified"] is not None  # the catalog has members
    # update_enterprise_catalog: PUT with every field edx-enterprise keeps.
    query_uuid = str(uuid.uuid4())
    update = {
        "enterprise_customer": str(CUSTOMER),
        "enterprise_customer_name": "Acme Renamed",
        "title": "Renamed",
        "content_filter": {"org": "edX", "content_type": "course"},
        "enabled_course_modes": ["verified"],
        "publish_audit_enrollment_urls": True,
        "catalog_query_uuid": query_uuid,
        "query_title": "edX courses",
        "include_exec_ed_2u_courses": False,
    }
    version = catalog.content_version
    put = worker.put(path, update, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["title"] == "Renamed"
    assert put.json()["catalog_query_uuid"] == query_uuid
    assert put.json()["query_title"] == "edX courses"
    catalog.refresh_from_db()
    assert catalog.publish_audit_enrollment_urls is True
    assert catalog.enterprise_customer_name == "Acme Renamed"
    assert catalog.content_version == version + 1  # the items' enrollment URLs changed
    patch = worker.patch(path, {"title": "Patched"}, format="json")
    assert patch.status_code == 200 and patch.json()["title"] == "Patched"
    assert worker.put(path, {"title": "only"}, format="json").status_code == 400
    assert worker.delete(path).status_code == 204
    assert worker.get(path).status_code == 404
    assert worker.delete(path).status_code == 404


def test_create_refuses_bad_and_unknown_fields_naming_them(worker, world):
    taken = world["courses"].uuid
    bad = worker.post("/api/v1/enterprise-catalogs/", create_body(taken, {"org": "edX"}), format="json")
    assert bad.status_code == 400 and "uuid" in bad.json()
    unknown = worker.post(
        "/api/v1/enterprise-catalogs/", create_body(uuid.uuid4(), {"org": "edX"}, colour="red"), format="json"
    )
    assert unknown.status_code == 400 and "colour" in unknown.json()
    bad_filter = worker.post(
        "/api/v1/enterprise-catalogs/", create_body(uuid.uuid4(), {"org__nope": "edX"}), format="json"
    )
    assert bad_filter.status_code == 400 and "content_filter" in bad_filter.json()
    assert worker.get("/api/v1/enterprise-catalogs/", {"colour": "red"}).status_code == 400


def test_crud_permissions_follow_enterprise_roles(world, user):
    body = create_body(uuid.uuid4(), {"org": "edX"})
    anonymous = APIClient()
    assert anonymous.post("/api/v1/enterprise-catalogs/", body, format="json").status_code == 401
    assert anonymous.get(f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/").status_code == 401
    learner = jwt_client(user, [f"enterprise_learner:{CUSTOMER}"])
    assert learner.post("/api/v1/enterprise-catalogs/", body, format="json").status_code == 403
    assert learner.get(f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/").status_code == 403
    assert learner.get("/api/v1/enterprise-catalogs/").status_code == 403
    admin = jwt_client(UserFactory.create(), [f"enterprise_admin:{CUSTOMER}"])
    assert admin.post("/api/v1/enterprise-catalogs/", body, format="json").status_code == 201
    assert admin.get(f"/api/v1/enterprise-catalogs/{world['courses'].uuid}/").status_code == 200
    assert admin.get(f"/api/v1/enterprise-catalogs/{world['everything'].uuid}/").status_code == 403
    other = create_body(uuid.uuid4(), {"org": "edX"}, enterprise_customer=str(OTHER_CUSTOMER))
    assert admin.post("/api/v1/enterprise-catalogs/", other, format="json").status_code == 403
    listed = admin.get("/api/v1/enterprise-catalogs/").json()
    assert {item["enterprise_customer"] for item in listed["results"]} == {str(CUSTOMER)}
    assert list(listed) == ["count", "next", "previous", "results"]
