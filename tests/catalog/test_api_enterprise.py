"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it: each call replayed with
its method, path, parameters and body, and each answer checked field by field against enterprise-catalog's
serializers (ADR 0100)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt_token, generate_latest_version_payload
from rest_framework.test import APIClient

from catalog.models import Catalog
from catalog.services.catalogs import catalog_update
from tests.catalog.conftest import make_course, run_keys
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMER = uuid.UUID("7f8e3c52-0b39-4f1e-9d9a-2f3a1c5e8b11")
OTHER_CUSTOMER = uuid.UUID("11111111-2222-4333-8444-555555555555")
# enterprise-catalog renders datetimes as DRF does: ISO 8601 in UTC with a Z, microseconds when non-zero.
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def jwt_client(user: Any, roles: list[str], administrator: bool = False) -> APIClient:
    payload = generate_latest_version_payload(user)
    payload.update({"administrator": administrator, "roles": roles})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload)}")
    return client


@pytest.fixture
def worker(staff_user) -> APIClient:
    """edx-enterprise's enterprise_worker: staff, with the operator role on every customer."""
    return jwt_client(staff_user, ["enterprise_openedx_operator:*"], administrator=True)


def create_body(catalog_uuid: uuid.UUID, content_filter: dict, **overrides: Any) -> dict[str, Any]:
    """The body of EnterpriseCatalogApiClient.create_enterprise_catalog, as it builds it."""
    body = {
        "uuid": str(catalog_uuid),
        "title": "Acme catalog",
        "enterprise_customer": str(CUSTOMER),
        "enterprise_customer_name": "Acme Corp",
        "content_filter": content_filter,
        "enabled_course_modes": ["verified", "audit"],
        "publish_audit_enrollment_urls": json.dumps(False),
        "catalog_query_uuid": None,
        "query_title": None,
        "include_exec_ed_2u_courses": False,
    }
    body.update(overrides)
    return body


@pytest.fixture
def world(make_catalog, run_consumer) -> dict[str, Any]:
    a1 = make_course(org_key="edX", number="A1", runs=[{}])
    b2 = make_course(org_key="edX", number="B2", runs=[{}, {}])
    m1 = make_course(org_key="MITx", number="M1", runs=[{}])
    program = ProgramFactory(partner=a1.partner, courses=[a1, m1])
    run_consumer()
    courses = make_catalog(
        {"org": "edX", "content_type": "course"},
        enterprise_customer_uuid=CUSTOMER,
        enterprise_customer_name="Acme Corp",
    )
    mitx_runs = make_catalog({"org": "MITx", "content_type": "courserun"}, enterprise_customer_uuid=CUSTOMER)
    everything = make_catalog({}, enterprise_customer_uuid=OTHER_CUSTOMER, enterprise_customer_name="Other")
    return {
        "a1": a1,
        "b2": b2,
        "m1": m1,
        "program": program,
        "courses": courses,
        "mitx_runs": mitx_runs,
        "everything": everything,
    }


def assert_catalog_shape(body: dict[str, Any]) -> None:
    """enterprise-catalog's EnterpriseCatalogSerializer: exactly its readable fields, typed as it types them."""
    assert list(body) == [
        "uuid",
        "title",
        "enterprise_customer",
        "catalog_query_uuid",
        "content_last_modified",
        "catalog_modified",
        "query_title",
    ]
    assert UUID_TEXT.match(body["uuid"]) and UUID_TEXT.match(body["enterprise_customer"])
    assert isinstance(body["title"], str)
    assert body["catalog_query_uuid"] is None or UUID_TEXT.match(body["catalog_query_uuid"])
    assert body["content_last_modified"] is None or DATETIME.match(body["content_last_modified"])
    assert DATETIME.match(body["catalog_modified"])
    assert body["query_title"] is None or isinstance(body["query_title"], str)


# --- enterprise-catalogs/ CRUD -------------------------------------------------------------------------------


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


# --- get_content_metadata ------------------------------------------------------------------------------------


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


# --- contains_content_items ---------------------------------------------------------------------------------


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


# --- content-metadata ---------------------------------------------------------------------------------------


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


# --- generate_diff, refresh, catalog queries ---------------------------------------------------------------


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


def incumbent_hash(content_filter: Any) -> str:
    return hashlib.md5(json.dumps(content_filter, sort_keys=True).encode()).hexdigest()


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


# --- shapes and query counts ----------------------------------------------------------------------------------


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
