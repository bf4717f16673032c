"""The search API: course-discovery's paths, parameters and answers; strict about what it does not know."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from search.backends.database import DatabaseBackend
from tests.factories import UserFactory
from tests.search.test_backend import DOCS


@pytest.fixture
def client(backend: DatabaseBackend) -> APIClient:
    backend.index(DOCS)
    api = APIClient()
    user: User = UserFactory()
    api.force_authenticate(user)
    return api


def get(client: APIClient, path: str, **params: Any) -> Any:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def keys(page: dict[str, Any]) -> list[str]:
    return [f"{item['content_type']}:{item.get('uuid')}" for item in page["results"]]


def test_search_all_finds_by_text_and_pages(client: APIClient) -> None:
    page = get(client, "/api/v1/search/all/", q="python", page_size=2)
    assert page["count"] == 6
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]
    assert page["previous"] is None


def test_search_all_post_takes_a_json_body_like_enterprise_sends(client: APIClient) -> None:
    response = client.post(
        "/api/v1/search/all/?page_size=10",
        {"content_type": ["course", "courserun"], "org": "MITx", "partner": "mitx"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert keys(response.json()) == ["course:c2"]


def test_filters_and_lookups(client: APIClient) -> None:
    assert keys(get(client, "/api/v1/search/course_runs/", start__gte="2025-01-01")) == ["courserun:r2"]
    assert keys(get(client, "/api/v1/search/course_runs/", pacing_type="self_paced")) == ["courserun:r1"]
    assert keys(get(client, "/api/v1/search/all/", content_type="course", org__exclude="edX")) == ["course:c2"]
    both = get(client, "/api/v1/search/all/", **{"key.raw": "MITx+Bio1__edX+Py101"})
    assert sorted(keys(both)) == ["course:c1", "course:c2"]


def test_the_query_string_reaches_fields(client: APIClient) -> None:
    assert keys(get(client, "/api/v1/search/all/", q="org:MITx")) == ["course:c2"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"nope": "1"}, "nope"),
        ({"start__between": "x"}, "start__between"),
        ({"start__gte": "soon"}, "start__gte"),
        ({"selected_facets": "nope_exact:1"}, "selected_facets"),
        ({"selected_query_facets": "availability_never"}, "selected_query_facets"),
        ({"ordering": "price"}, "ordering"),
        ({"content_type": "video"}, "content_type"),
        ({"page": "0"}, "page"),
        ({"page_size": "x"}, "page_size"),
        ({"page": "999", "page_size": "100"}, "page"),
        ({"q": "bogus_field:1"}, "q"),
        ({"hidden": "perhaps"}, "hidden"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client: APIClient, params: dict[str, str], named: str) -> None:
    response = client.get("/api/v1/search/all/", params)
    assert response.status_code == 400
    assert named in response.json()


def test_facets_answer_counts_and_narrowing_links(client: APIClient) -> None:
    answer = get(client, "/api/v1/search/all/facets/", q="python")
    seat_types = {item["text"]: item["count"] for item in answer["fields"]["seat_types"]}
    # Published and not hidden only: the hidden, unpublished run r2 is left out.
    assert seat_types == {"verified": 3, "audit": 1}
    assert "selected_facets=seat_types_exact%3Averified" in answer["fields"]["seat_types"][0]["narrow_url"]
    assert set(answer["queries"]) == {
        "availability_current",
        "availability_starting_soon",
        "availability_upcoming",
        "availability_archived",
    }
    archived = get(client, "/api/v1/search/all/facets/", q="python", selected_query_facets="availability_archived")
    assert archived["objects"]["count"] == answer["queries"]["availability_archived"]["count"] == 1
    narrowed = get(client, "/api/v1/search/all/facets/", q="python", selected_facets="seat_types_exact:audit")
    assert narrowed["objects"]["count"] == 1


def test_each_endpoint_keeps_to_its_content_types(client: APIClient) -> None:
    assert {item["content_type"] for item in get(client, "/api/v1/search/courses/")["results"]} == {"course"}
    assert {item["content_type"] for item in get(client, "/api/v1/search/programs/")["results"]} == {"program"}
    assert {item["content_type"] for item in get(client, "/api/v1/search/people/")["results"]} == {"person"}
    limited = get(client, "/api/v1/search/limited/")
    assert set(limited["results"][0]) == {
        "partner",
        "authoring_organization_uuids",
        "subject_uuids",
        "uuid",
        "key",
        "aggregation_key",
        "content_type",
    }


def test_typeaheads(client: APIClient) -> None:
    answer = get(client, "/api/v1/search/typeahead/", q="intro pyt")
    assert [run["key"] for run in answer["course_runs"]] == ["course-v1:edX+Py101+1T2024"]  # r2 is hidden
    assert get(client, "/api/v1/search/typeahead/", q="statist")["programs"] == []  # titles only
    assert [item["uuid"] for item in get(client, "/api/v1/search/typeahead/", q="data sci")["programs"]] == ["p1"]
    assert [person["uuid"] for person in get(client, "/api/v1/search/person_typeahead/", q="ana pe")] == ["pe1"]
    assert client.get("/api/v1/search/typeahead/").status_code == 400


def test_v2_pages_with_search_after(client: APIClient) -> None:
    seen: list[str] = []
    url: str | None = "/api/v2/search/all/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [item["aggregation_uuid"] for item in page["results"]]
        assert all("sort" in item for item in page["results"])
        url = page["next"]
    assert sorted(seen) == sorted(doc.id for doc in DOCS if doc.content_type != "learnerpathway")
    bad = client.get("/api/v2/search/all/", {"search_after": json.dumps({"a": 1})})
    assert bad.status_code == 400 and "search_after" in bad.json()
