"""POST catalogs/{id}/diff/ and enterprise-catalogs/{uuid}/generate_diff/: the three buckets, errors, 304."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Catalog, CatalogMembership
from catalog.services.diff import catalog_diff
from dbkit.json_values import format_datetime
from tests.catalog.conftest import make_course, run_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(make_catalog, run_consumer) -> Catalog:
    make_course(org_key="edX", number="A1", runs=[{}])
    make_course(org_key="edX", number="B2", runs=[{}])
    make_course(org_key="MITx", number="C3", runs=[{}])
    run_consumer()
    return make_catalog({"org": "edX", "content_type": "course"})


def diff_url(catalog: Catalog) -> str:
    return f"/api/v1/catalogs/{catalog.pk}/diff/"


def test_diff_reports_found_not_found_and_not_included(api_client, staff_user, catalog):
    api_client.force_authenticate(staff_user)
    response = api_client.post(diff_url(catalog), {"content_keys": ["edX+A1", "MITx+C3", "gone"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    stamp = CatalogMembership.objects.get(catalog=catalog, content__content_key="edX+A1").date_updated
    assert body["items_found"] == [{"content_key": "edX+A1", "date_updated": stamp.isoformat().replace("+00:00", "Z")}]
    assert body["items_not_found"] == [{"content_key": "MITx+C3"}, {"content_key": "gone"}]
    assert [item["content_key"] for item in body["items_not_included"]] == ["edX+B2"]
    assert body["content_version"] == Catalog.objects.get(pk=catalog.pk).content_version
    assert response["ETag"] == f'"{body["content_version"]}"'


def test_the_enterprise_alias_answers_the_same(api_client, staff_user, catalog):
    api_client.force_authenticate(staff_user)
    payload = {"content_keys": ["edX+B2", "nope"]}
    direct = api_client.post(diff_url(catalog), payload, format="json").json()
    alias = api_client.post(f"/api/v1/enterprise-catalogs/{catalog.uuid}/generate_diff/", payload, format="json")
    assert alias.status_code == 200

    def keys(body: dict) -> dict:
        return {bucket: [item["content_key"] for item in body[bucket]] for bucket in body if bucket.startswith("items")}

    assert keys(alias.json()) == keys(direct)
    assert alias.json()["content_version"] == direct["content_version"]
    # enterprise-catalog dates an item by its catalog's last change too (ADR 0100).
    catalog.refresh_from_db()
    floor = format_datetime(catalog.modified)
    assert all(item["date_updated"] >= floor for item in alias.json()["items_not_included"])
    by_uuid = api_client.post(f"/api/v1/catalogs/{catalog.uuid}/diff/", payload, format="json")
    assert by_uuid.json() == direct


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "required"),
        ({"keys": ["edX+A1"]}, "required"),
        ({"content_keys": "edX+A1"}, "list of content key strings"),
        ({"content_keys": ["edX+A1", 7]}, "list of content key strings"),
        ({"content_keys": [None]}, "list of content key strings"),
        (["edX+A1"], "required"),
    ],
)
def test_a_body_without_a_list_of_string_keys_is_a_400(api_client, staff_user, catalog, body, message):
    api_client.force_authenticate(staff_user)
    response = api_client.post(diff_url(catalog), body, format="json")
    assert response.status_code == 400
    assert message in response.json()["content_keys"][0]


def test_malformed_json_is_a_400(api_client, staff_user, catalog):
    api_client.force_authenticate(staff_user)
    response = api_client.post(diff_url(catalog), b'{"content_keys": [', content_type="application/json")
    assert response.status_code == 400


def test_if_none_match_with_the_synced_version_gets_304_until_something_changes(
    api_client, staff_user, catalog, run_consumer
):
    api_client.force_authenticate(staff_user)
    first = api_client.post(diff_url(catalog), {"content_keys": []}, format="json")
    etag = first["ETag"]
    again = api_client.post(diff_url(catalog), {"content_keys": []}, format="json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert not again.content
    bare = api_client.post(
        diff_url(catalog), {"content_keys": []}, format="json", HTTP_IF_NONE_MATCH=str(first.json()["content_version"])
    )
    assert bare.status_code == 304

    make_course(org_key="edX", number="D4", runs=[{}])
    run_consumer()
    changed = api_client.post(diff_url(catalog), {"content_keys": []}, format="json", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "edX+D4" in [item["content_key"] for item in changed.json()["items_not_included"]]
    assert changed["ETag"] != etag


def test_the_diff_costs_the_same_queries_for_ten_keys_or_ten_thousand(api_client, staff_user, catalog):
    api_client.force_authenticate(staff_user)
    counts = []
    for size in (10, 10_000):
        keys = [f"key-{index}" for index in range(size)] + ["edX+A1"]
        with CaptureQueriesContext(connection) as queries:
            response = api_client.post(diff_url(catalog), {"content_keys": keys}, format="json")
        assert response.status_code == 200
        assert len(response.json()["items_not_found"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_only_viewers_may_diff(api_client, user, catalog):
    api_client.force_authenticate(user)
    response = api_client.post(diff_url(catalog), {"content_keys": []}, format="json")
    assert response.status_code == 404
    alias = api_client.post(
        f"/api/v1/enterprise-catalogs/{catalog.uuid}/generate_diff/", {"content_keys": []}, format="json"
    )
    assert alias.status_code == 404
    from catalog.services.catalogs import catalog_update

    catalog_update(catalog=catalog, viewers=[user])
    assert api_client.post(diff_url(catalog), {"content_keys": []}, format="json").status_code == 200
    api_client.logout()
    assert api_client.post(diff_url(catalog), {"content_keys": []}, format="json").status_code in (401, 403)


def test_a_run_member_is_diffed_by_its_run_key(api_client, staff_user, make_catalog, run_consumer):
    course = make_course(org_key="HarvardX", number="R1", runs=[{}, {}])
    run_consumer()
    catalog = make_catalog({"org": "HarvardX", "content_type": "courserun"})
    api_client.force_authenticate(staff_user)
    keys = run_keys(course)
    body = api_client.post(diff_url(catalog), {"content_keys": keys[:1]}, format="json").json()
    assert [item["content_key"] for item in body["items_found"]] == keys[:1]
    assert [item["content_key"] for item in body["items_not_included"]] == keys[1:]


@pytest.mark.parametrize(
    "stamp",
    [
        dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 1, 1, 10, 0, 0, 500_000, tzinfo=dt.UTC),
        dt.datetime(2024, 12, 31, 23, 59, 59, 123, tzinfo=dt.UTC),
        dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ],
)
def test_dates_are_written_as_the_api_writes_them(catalog, stamp):
    CatalogMembership.objects.filter(catalog=catalog, content__content_key="edX+A1").update(date_updated=stamp)
    (found,) = catalog_diff(catalog=catalog, content_keys=["edX+A1"]).items_found
    assert found["date_updated"] == format_datetime(stamp)
