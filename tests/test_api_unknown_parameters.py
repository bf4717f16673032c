"""No query parameter is silently ignored: on every GET route an undeclared one is a 400 naming it, the
parameters the answer lists are the ones the OpenAPI operation documents, and the parameters the incumbent's
clients send still work (course_metadata.api.query_parameters, ADR 0047)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from course_metadata.api.query_parameters import GENERIC_PARAMETERS
from tests.api_routes import Route, api_routes
from tests.api_world import World, world_fixture  # noqa: F401  (the module-scoped ``world``)

pytestmark = pytest.mark.django_db
ROUTES = api_routes()
TAKES_RE = re.compile(r"this endpoint takes: (.*)\.$")


@pytest.fixture
def staff(world: World) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.staff)
    return client


@pytest.fixture(scope="module")
def documented() -> dict[str, set[str]]:
    """Path template → the query parameters its GET operation documents."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        _shape(path): {
            parameter["name"] for parameter in operations["get"].get("parameters", []) if parameter["in"] == "query"
        }
        for path, operations in schema["paths"].items()
        if "get" in operations
    }


def _shape(template: str) -> str:
    """A path template without its parameter names (the schema and the URLconf may name them differently)."""
    return re.sub(r"\{\w+\}", "{}", template)


def _body(response: Any) -> Any:
    return response.json() if response.get("Content-Type", "").startswith("application/json") else None


def _takes(response: Any, name: str) -> set[str]:
    """The parameters a 400 for the unknown ``name`` says the endpoint takes."""
    [message] = _body(response)[name]
    match = TAKES_RE.search(message)
    assert match, message
    listed = match.group(1)
    return set() if listed == "no parameters" else set(listed.split(", "))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_unknown_parameter_is_a_400_naming_it(
    route: Route, world: World, staff: APIClient, documented: dict[str, set[str]]
) -> None:
    url = route.url(world.samples)
    if staff.get(url).status_code == 405:
        pytest.skip("no GET on this route")
    response = staff.get(url, {"bogus": "1", "_": "1733130000000"})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = _body(response)
    assert set(body) == {"bogus"}, body  # the cache-buster ``_`` is taken everywhere
    if route.collection != "search":  # search checks its own vocabulary (field filters too): search/api/params.py
        # What the answer says the endpoint takes is what its OpenAPI operation documents.
        assert _takes(response, "bogus") == documented[_shape(route.template)] - set(GENERIC_PARAMETERS)


def test_the_walk_covers_the_read_api_enterprise_catalog_publisher_and_search(world: World) -> None:
    templates = {route.template for route in ROUTES}
    for expected in (
        "/api/v1/courses/",
        "/api/v1/courses/{key_or_uuid}/",
        "/api/v1/course_runs/contains/",
        "/api/v1/programs/{uuid}/",
        "/api/v1/learner-pathway/{uuid}/snapshot/",
        "/api/v1/catalog/query_contains/",
        "/api/v1/catalogs/{pk}/csv/",
        "/api/v1/changes/",
        "/api/v1/enterprise-catalogs/{uuid}/get_content_metadata/",
        "/api/v1/catalog-queries/get_query_by_hash/",
        "/api/v1/publisher-roles/history/",
        "/api/v1/search/all/",
    ):
        assert expected in templates


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/catalog/query_contains?bogus=1&query=*:*&course_run_ids=course-v1:a+b+c",
        "/api/v1/enterprise-catalogs/{catalog}/generate_diff?bogus=1&content_keys=x",
        "/api/v1/catalogs/{pk}/csv/?bogus=1",
    ],
)
def test_unslashed_and_non_json_routes_check_too(path: str, world: World, staff: APIClient) -> None:
    url = path.format(catalog=world.samples["enterprise-catalogs"]["uuid"], pk=world.samples["catalogs"]["pk"])
    response = staff.get(url)
    assert response.status_code == 400
    assert "bogus" in response.json()


def test_a_parameter_declared_for_lists_is_unknown_on_a_detail(world: World, staff: APIClient) -> None:
    """Details are not filtered or paged: ``keys`` or ``page`` there would be ignored, so they are refused."""
    detail = f"/api/v1/courses/{world.samples['courses']['key_or_uuid']}/"
    for name in ("keys", "page", "ordering"):
        response = staff.get(detail, {name: "1"})
        assert response.status_code == 400 and name in response.json(), name
    assert staff.get(detail, {"fields": "key", "exclude_utm": "1"}).status_code == 200


def test_every_unknown_parameter_is_named_and_known_ones_are_not(staff: APIClient) -> None:
    response = staff.get("/api/v1/courses/", {"bogus": "1", "Keys": "x", "keys": "edX+X", "page_size": "1"})
    assert response.status_code == 400
    assert set(response.json()) == {"bogus", "Keys"}  # names are case-sensitive, as the incumbent's


def test_head_is_checked_like_get(staff: APIClient) -> None:
    assert staff.head("/api/v1/courses/", {"bogus": "1"}).status_code == 400
    assert staff.head("/api/v1/courses/", {"page_size": "1"}).status_code == 200


def test_anonymous_callers_are_refused_before_their_parameters_are_judged(world: World) -> None:
    response = APIClient().get("/api/v1/courses/", {"bogus": "1"})
    assert response.status_code == 401


# The parameters the incumbent's clients send (edx-platform, ecommerce, edx-enterprise, Publisher), by
# endpoint; each must still work.
INCUMBENT_CALLS = [
    # edx-platform: cache_programs (UUIDs of active and retired programs, then each program), course runs
    ("/api/v1/programs/", "exclude_utm=1&status=active&status=retired&uuids_only=1"),
    ("/api/v1/programs/{program}/", "exclude_utm=1"),
    ("/api/v1/pathways/", "exclude_utm=1&page=1"),
    ("/api/v1/course_runs/", "page_size=100&exclude_utm=1"),
    ("/api/v1/course_runs/{run}/", "exclude_utm=1"),
    ("/api/v1/courses/{course}/", "include_hidden_course_runs=1&exclude_utm=1"),
    ("/api/v1/program_types/", "language_code=en"),
    # ecommerce and edx-enterprise
    ("/api/v1/courses/", "keys=edX+X,other&exclude_utm=1&marketable_course_runs_only=1&partner=walk"),
    ("/api/v1/courses/", "published_course_runs_only=1&include_retired_course_types=1&limit=5&offset=0"),
    ("/api/v1/programs/", "uuids={program}&use_full_course_serializer=1&hidden=0&marketable=1"),
    ("/api/v1/programs/{program}/", "use_full_course_serializer=1&published_course_runs_only=1"),
    ("/api/v1/course_runs/", "keys={run}&marketable=1&active=1&hidden=0&license=CC-BY"),
    ("/api/v1/course_runs/", "timestamp=2024-01-01&include_restricted=custom-b2c&ordering=start"),
    ("/api/v1/people/", "org=WalkX&page_size=5&partner=walk"),
    ("/api/v1/organizations/", "partner=walk"),
    ("/api/v1/organizations/", "tags=x&timestamp=2024-01-01T00:00:00Z"),
    ("/api/v1/catalogs/", "username=zq-catalog-viewer"),
    ("/api/v1/catalogs/{catalog}/courses/", "exclude_utm=1&page=1&page_size=10"),
    ("/api/v1/catalogs/{catalog}/contains/", "course_run_id={run}&course_id=edX+X"),
    ("/api/v1/course_runs/contains/", "query=*:*&course_run_ids={run}"),
    ("/api/v1/learner-pathway/uuids/", "course_keys=edX+X"),
    # Publisher
    ("/api/v1/courses/", "editable=1&pubq=walk&page_size=20&ordering=-title&fields=key,title"),
    ("/api/v1/course_runs/{run}/", "editable=1&omit=seats"),
    ("/api/v1/publisher-roles/", "user=zq-course-editor&limit=1"),
    # any client: the format and jQuery's cache-buster
    ("/api/v1/subjects/", "format=json&_=1733130000000"),
]


@pytest.mark.parametrize(("path", "query"), INCUMBENT_CALLS)
def test_the_incumbents_parameters_still_work(path: str, query: str, world: World, staff: APIClient) -> None:
    values = {
        "program": world.samples["programs"]["uuid"],
        "run": world.samples["course_runs"]["key"],
        "course": world.samples["courses"]["key_or_uuid"],
        "catalog": world.samples["catalogs"]["pk"],
    }
    url = f"{path}?{query}".format(**values).replace("+", "%2B")
    response = staff.get(url)
    assert response.status_code == 200, (url, response.content[:300])


def test_partner_selects_the_partners_content(world: World, staff: APIClient) -> None:
    for path in ("/api/v1/courses/", "/api/v1/course_runs/", "/api/v1/programs/", "/api/v1/organizations/"):
        assert staff.get(path, {"partner": "walk"}).json()["count"] > 0, path
        assert staff.get(path, {"partner": "nobody"}).json()["count"] == 0, path
