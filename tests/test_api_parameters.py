"""Bad query parameters and ids are a 4xx naming the problem on every endpoint, never ignored or a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import LimitOffsetPagination, PageNumberPagination
from rest_framework.test import APIClient

from course_metadata.api.pagination import PageOrLimitPagination
from tests.api_routes import Route, api_routes, is_page
from tests.api_world import World, world_fixture  # noqa: F401  (the module-scoped ``world``)

pytestmark = pytest.mark.django_db
ROUTES = api_routes()

BAD_PAGE_VALUES = {
    "page": ["0", "x", "¹", "-1"],
    "page_size": ["0", "x", "-3", "¹"],
    "limit": ["0", "x", "-5"],
    "offset": ["-1", "x", "99999999999999999999"],
}


@pytest.fixture
def staff(world: World) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.staff)
    return client


def _filter_backends(view: Any) -> list[type]:
    backends = getattr(view, "filter_backends", [])
    return [backend if isinstance(backend, type) else type(backend) for backend in backends]


def _page_parameters(view: Any) -> list[str]:
    paginator = getattr(view, "paginator", None) or view.pagination_class()
    if isinstance(paginator, PageOrLimitPagination):
        return ["page", "page_size", "limit", "offset"]
    if isinstance(paginator, LimitOffsetPagination):
        return ["limit", "offset"]
    assert isinstance(paginator, PageNumberPagination), f"{type(view).__name__}: which pagination is this?"
    return ["page", "page_size"]


def view_of(response: Any) -> Any:
    """The DRF view that answered (kept on the response's renderer context)."""
    return response.renderer_context["view"]


def bad_values(view: Any) -> dict[str, list[str]]:
    """What to send a list view: its page parameters, and ordering and timestamp where it declares them."""
    values = {name: BAD_PAGE_VALUES[name] for name in _page_parameters(view)}
    backends = _filter_backends(view)
    if any(issubclass(backend, OrderingFilter) for backend in backends):
        values["ordering"] = ["no_such_field", "-", "title,nope"]
    filterset = getattr(view, "filterset_class", None)
    filters = filterset.base_filters if filterset is not None else {}
    if any(issubclass(backend, DjangoFilterBackend) for backend in backends) and "timestamp" in filters:
        values["timestamp"] = ["yesterday", "2024-13-01", "¹"]
    return values


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_list_endpoint_answers_a_bad_parameter_with_a_400_naming_it(
    route: Route, world: World, staff: APIClient
) -> None:
    url = route.url(world.samples)
    response = staff.get(url)
    if not is_page(response):
        pytest.skip("not a paginated list")
    failures = []
    for name, values in bad_values(view_of(response)).items():
        for value in values:
            answer = staff.get(url, {name: value})
            if answer.status_code != 400 or name not in answer.json():
                failures.append((name, value, answer.status_code, answer.content[:200]))
    assert not failures


def test_the_walk_reaches_the_list_endpoints(world: World, staff: APIClient) -> None:
    """The test above skips what is not a list: make sure it does find the lists (and their filters)."""
    lists = {}
    for route in ROUTES:
        response = staff.get(route.url(world.samples))
        if is_page(response):
            lists[route.template] = bad_values(view_of(response))
    expected = {
        "/api/v1/courses/",
        "/api/v1/course_runs/",
        "/api/v1/programs/",
        "/api/v1/organizations/",
        "/api/v1/people/",
        "/api/v1/subjects/",
        "/api/v1/pathways/",
        "/api/v1/learner-pathway/",
        "/api/v1/catalogs/",
        "/api/v1/catalogs/{pk}/courses/",
        "/api/v1/catalogs/{pk}/content_metadata/",
        "/api/v1/publisher-roles/",
        "/api/v1/publisher-roles/history/",
    }
    assert expected <= set(lists)
    for with_timestamp in ("/api/v1/courses/", "/api/v1/course_runs/", "/api/v1/programs/", "/api/v1/organizations/"):
        assert {"ordering", "timestamp"} <= set(lists[with_timestamp])


@pytest.mark.parametrize(
    "query",
    [
        {"page": "last"},
        {"page": "1", "page_size": "1"},
        {"page_size": ""},
        {"page": ""},
        {"limit": "1", "offset": "0"},
        {"limit": "100000"},
        {"page_size": "100000"},
        {"ordering": "-title,key"},
        {"ordering": ""},
        {"timestamp": "2024-01-01"},
    ],
)
def test_valid_parameters_still_work(query: dict[str, str], world: World, staff: APIClient) -> None:
    response = staff.get("/api/v1/courses/", query)
    assert response.status_code == 200
    assert response.json()["results"]


def test_an_empty_cursor_on_the_change_feed_is_a_400(staff: APIClient) -> None:
    response = staff.get("/api/v1/changes/", {"after": ""})
    assert response.status_code == 400
    assert "after" in response.json()
    assert staff.get("/api/v1/changes/", {"limit": "1"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/pathways/%C2%B9/",
        "/api/v1/pathways/%D9%A3/",
        "/api/v1/pathways/99999999999999999999/",
        "/api/v1/catalogs/%C2%B9/",
        "/api/v1/catalogs/99999999999999999999/",
        "/api/v1/catalogs/%C2%B9/explain/?content_key=x",
        "/api/v1/catalogs/%C2%B9/contains/?course_id=x",
        "/api/v1/catalogs/%C2%B9/courses/",
        "/api/v1/publisher-roles/99999999999999999999/",
    ],
)
def test_ids_that_are_not_ascii_digits_within_a_bigint_are_404(path: str, staff: APIClient) -> None:
    assert staff.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/publisher-roles/", "/api/v1/publisher-roles/history/"])
def test_the_user_filter_of_publisher_roles_takes_ids_and_usernames(path: str, world: World, staff: APIClient) -> None:
    by_name = staff.get(path, {"user": "zq-course-editor"}).json()["results"]
    assert by_name
    by_id = staff.get(path, {"user": str(by_name[0]["user"]["id"])}).json()["results"]
    assert [row["id"] for row in by_id] == [row["id"] for row in by_name]
    assert staff.get(path, {"user": "¹"}).json()["results"] == []  # a username nobody has, not a 500
    for bad in ("99999999999999999999", "a\x00b"):
        response = staff.get(path, {"user": bad})
        assert response.status_code == 400
        assert "user" in response.json()


def test_granting_a_role_to_a_user_named_by_a_non_ascii_digit_is_a_400(staff: APIClient) -> None:
    response = staff.post("/api/v1/publisher-roles/", {"user": "¹"}, format="json")
    assert response.status_code == 400
    assert "user" in response.json()


def test_an_empty_catalog_query_is_a_400(world: World, staff: APIClient) -> None:
    response = staff.post("/api/v1/catalogs/", {"title": "Blank", "query": ""}, format="json")
    assert response.status_code == 400
    assert "query" in response.json()
    catalog = world.samples["catalogs"]["pk"]
    response = staff.patch(f"/api/v1/catalogs/{catalog}/", {"query": "  "}, format="json")
    assert response.status_code == 400
    assert "query" in response.json()
    assert staff.patch(f"/api/v1/catalogs/{catalog}/", {"query": {}}, format="json").status_code == 200
