"""catalogs/ CRUD: staff create and edit, viewers read, queries validated with errors naming the key."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Catalog, CatalogQueryIndex
from catalog.services.catalogs import catalog_create
from tests.catalog.conftest import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogs/"


def test_staff_create_a_catalog_and_its_membership_follows(api_client, staff_user, run_consumer, commit):
    make_course(org_key="edX", runs=[{}])
    run_consumer()
    viewer = UserFactory(username="integration")
    api_client.force_authenticate(staff_user)
    response = api_client.post(
        URL,
        {"title": "edX courses", "query": {"org": "edX", "content_type": "course"}, "viewers": ["integration"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["viewers"] == ["integration"]
    # Read back as a query string, as the incumbent's clients expect.
    assert body["query"] == 'content_type:"course" AND org:"edX"'
    assert body["name"] == "edX courses" and isinstance(body["courses_count"], int)
    commit()  # the membership task runs once the request's transaction commits
    detail = api_client.get(f"{URL}{body['id']}/").json()
    assert detail["content_count"] == 1
    assert viewer.has_perm("catalog.view_catalog", Catalog.objects.get(pk=body["id"]))


def test_a_lucene_query_is_accepted(api_client, staff_user):
    api_client.force_authenticate(staff_user)
    response = api_client.post(URL, {"title": "Intro", "query": "org:edX AND level_type:Introductory"}, format="json")
    assert response.status_code == 201
    catalog = Catalog.objects.get(pk=response.json()["id"])
    assert catalog.parsed_query.fields == {"org", "level_type"}
    assert set(CatalogQueryIndex.objects.filter(catalog=catalog).values_list("field", "value")) == {("org", "edX")}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"org__foo": "edX"}, "org__foo"),
        ({"colour": "red"}, "colour"),
        ({"first_enrollable_paid_seat_price__lte": "cheap"}, "first_enrollable_paid_seat_price__lte"),
        ({"org__exact__not": "edX"}, "org__exact__not"),
        ({"title__gt": "A"}, "title__gt"),
        ("org:edX AND OR", "invalid query syntax: unexpected at column 13 ('OR')"),
        (["org", "edX"], "JSON object"),
    ],
)
def test_an_invalid_query_is_a_400_naming_the_key(api_client, staff_user, query, named):
    api_client.force_authenticate(staff_user)
    response = api_client.post(URL, {"title": "Bad", "query": query}, format="json")
    assert response.status_code == 400
    assert named in response.json()["query"][0]
    assert not Catalog.objects.exists()


def test_only_staff_write(api_client, user):
    catalog = catalog_create(title="Mine", query={"org": "edX"}, viewers=[user])
    api_client.force_authenticate(user)
    assert api_client.post(URL, {"title": "X", "query": {}}, format="json").status_code == 403
    assert api_client.patch(f"{URL}{catalog.pk}/", {"title": "Y"}, format="json").status_code == 403
    assert api_client.delete(f"{URL}{catalog.pk}/").status_code == 403
    assert api_client.get(f"{URL}{catalog.pk}/").status_code == 200


def test_viewers_see_only_their_catalogs(api_client, user):
    mine = catalog_create(title="Mine", query={"org": "edX"}, viewers=[user])
    other = catalog_create(title="Other", query={"org": "MITx"})
    api_client.force_authenticate(user)
    listed = api_client.get(URL).json()
    assert [item["uuid"] for item in listed["results"]] == [str(mine.uuid)]
    assert api_client.get(f"{URL}{other.pk}/").status_code == 404
    assert api_client.get(f"{URL}{mine.uuid}/").json()["title"] == "Mine"
    api_client.logout()
    assert api_client.get(URL).status_code in (401, 403)


def test_editing_the_query_reindexes_and_recomputes(api_client, staff_user, run_consumer, commit):
    make_course(org_key="edX", runs=[{}])
    make_course(org_key="MITx", number="M1", runs=[{}])
    run_consumer()
    catalog = catalog_create(title="Switch", query={"org": "edX", "content_type": "course"})
    commit()
    api_client.force_authenticate(staff_user)
    response = api_client.patch(
        f"{URL}{catalog.pk}/", {"query": {"org": "MITx", "content_type": "course"}}, format="json"
    )
    assert response.status_code == 200
    commit()
    assert list(CatalogQueryIndex.objects.filter(catalog=catalog, field="org").values_list("value", flat=True)) == [
        "MITx"
    ]
    assert list(catalog.memberships.values_list("content__content_key", flat=True)) == ["MITx+M1"]
    bad = api_client.patch(f"{URL}{catalog.pk}/", {"query": {"org__nope": 1}}, format="json")
    assert bad.status_code == 400
    assert "org__nope" in bad.json()["query"][0]


def test_delete_removes_catalog_and_its_grants(api_client, staff_user, user):
    catalog = catalog_create(title="Gone", query={}, viewers=[user])
    api_client.force_authenticate(staff_user)
    assert api_client.delete(f"{URL}{catalog.pk}/").status_code == 204
    assert not Catalog.objects.exists()
    from guardian.models import UserObjectPermission

    assert not UserObjectPermission.objects.filter(object_pk=str(catalog.pk)).exists()


def test_the_list_costs_the_same_queries_whatever_the_page_size(api_client, staff_user):
    viewers = [UserFactory() for _ in range(3)]
    for index in range(25):
        catalog_create(title=f"Catalog {index}", query={"org": f"Org{index}"}, viewers=viewers[: index % 4])
    api_client.force_authenticate(staff_user)
    counts = {}
    for size in (1, 20, 500):
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(URL, {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(size, 25)
        counts[size] = len(queries)
    assert counts[1] == counts[20] == counts[500]
