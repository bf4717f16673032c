"""Bad input on every write endpoint is a 4xx JSON answer, never a 500 or an HTML page.

Each write endpoint of the API is listed once in WRITES (a test checks the list against the URLconf, so a
new endpoint cannot be forgotten), and every test loops over all of them: wrong methods on the Publisher
paths, deeply nested JSON, oversized JSON, form and multipart bodies.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from catalog.models import Catalog
from catalog.services.catalogs import catalog_create
from course_metadata.models import Course, CourseRun
from publisher_api.models import PUBLISHER_EDITOR, PublisherRole, PublisherRoleAssignment
from tests.factories import PersonFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 1024 * 1024


@dataclass(frozen=True)
class Write:
    method: str
    route: str  # the URLconf route, as the completeness check sees it
    path: Callable[[dict[str, Any]], str]


WRITES = [
    Write("POST", "api/v1/courses/", lambda o: "/api/v1/courses/"),
    Write("PATCH", "api/v1/courses/<str:identifier>/", lambda o: f"/api/v1/courses/{o['course'].uuid}/"),
    Write("PUT", "api/v1/courses/<str:identifier>/", lambda o: f"/api/v1/courses/{o['course'].uuid}/"),
    Write("POST", "api/v1/course_runs/", lambda o: "/api/v1/course_runs/"),
    Write("PATCH", "api/v1/course_runs/<path:identifier>/", lambda o: f"/api/v1/course_runs/{o['run'].key}/"),
    Write("PUT", "api/v1/course_runs/<path:identifier>/", lambda o: f"/api/v1/course_runs/{o['run'].key}/"),
    Write("POST", "api/v1/people/", lambda o: "/api/v1/people/"),
    Write("PATCH", "api/v1/people/<str:identifier>/", lambda o: f"/api/v1/people/{o['person'].uuid}/"),
    Write("PUT", "api/v1/people/<str:identifier>/", lambda o: f"/api/v1/people/{o['person'].uuid}/"),
    Write("POST", "api/v1/replace_usernames/", lambda o: "/api/v1/replace_usernames/"),
    Write("POST", "api/v1/course_editors/", lambda o: "/api/v1/course_editors/"),
    Write("POST", "api/v1/publisher-roles/", lambda o: "/api/v1/publisher-roles/"),
    # Revoking reads an optional reason from the body.
    Write("DELETE", "api/v1/publisher-roles/<int:pk>/", lambda o: f"/api/v1/publisher-roles/{o['assignment'].pk}/"),
    Write("POST", "api/v1/^catalogs/$", lambda o: "/api/v1/catalogs/"),
    Write("POST", "api/v1/search/all/", lambda o: "/api/v1/search/all/"),
    Write("PUT", "api/v1/^catalogs/(?P<pk>[^/]+)/$", lambda o: f"/api/v1/catalogs/{o['catalog'].pk}/"),
    Write("PATCH", "api/v1/^catalogs/(?P<pk>[^/]+)/$", lambda o: f"/api/v1/catalogs/{o['catalog'].pk}/"),
    Write("POST", "api/v1/^catalogs/(?P<pk>[^/]+)/diff/$", lambda o: f"/api/v1/catalogs/{o['catalog'].pk}/diff/"),
    Write(
        "POST",
        "api/v1/^enterprise-catalogs/(?P<uuid>[^/]+)/generate_diff/?$",
        lambda o: f"/api/v1/enterprise-catalogs/{o['catalog'].uuid}/generate_diff/",
    ),
    Write("POST", "api/v1/^enterprise-catalogs/?$", lambda o: "/api/v1/enterprise-catalogs/"),
    Write(
        "PUT",
        "api/v1/^enterprise-catalogs/(?P<uuid>[^/]+)/?$",
        lambda o: f"/api/v1/enterprise-catalogs/{o['catalog'].uuid}/",
    ),
    Write(
        "PATCH",
        "api/v1/^enterprise-catalogs/(?P<uuid>[^/]+)/?$",
        lambda o: f"/api/v1/enterprise-catalogs/{o['catalog'].uuid}/",
    ),
    # Takes no body, but reads it to say so.
    Write(
        "POST",
        "api/v1/^enterprise-catalogs/(?P<uuid>[^/]+)/refresh_metadata/?$",
        lambda o: f"/api/v1/enterprise-catalogs/{o['catalog'].uuid}/refresh_metadata/",
    ),
]
WRITE_IDS = [f"{write.method} {write.route}" for write in WRITES]
DIFF_ROUTES = {write.route for write in WRITES if "diff" in write.route}


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _body_methods(route: str, callback: Any) -> set[str]:
    """POST/PUT/PATCH the route's view takes (the methods that carry a body)."""
    if callback.__name__.endswith("_read_write"):  # the Publisher dispatcher
        return {"POST"} if "<" not in route else {"PATCH", "PUT"}
    if actions := getattr(callback, "actions", None):
        return {method.upper() for method in actions} & {"POST", "PUT", "PATCH"}
    view_class = getattr(callback, "cls", None)
    return {method.upper() for method in ("post", "put", "patch") if hasattr(view_class, method)}


def test_every_write_endpoint_of_the_urlconf_is_covered() -> None:
    found = {
        (method, route)
        for route, callback in _routes(get_resolver().url_patterns)
        if route.startswith("api/")
        for method in _body_methods(route, callback)
    }
    assert found
    assert found <= {(write.method, write.route) for write in WRITES}


@pytest.fixture
def objects(course: Course, course_run: CourseRun) -> dict[str, Any]:
    role = PublisherRole.objects.get(name=PUBLISHER_EDITOR)
    assignment = PublisherRoleAssignment.objects.create(user=UserFactory(), role=role, reason="test")
    catalog = catalog_create(title="Everything", query={"content_type": "course"})
    person = PersonFactory()
    return {"course": course, "run": course_run, "assignment": assignment, "catalog": catalog, "person": person}


@pytest.fixture
def staff() -> User:
    return StaffUserFactory()


@pytest.fixture
def client(staff: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff)
    return client


def _nothing_changed(objects: dict[str, Any], counts: tuple[int, ...]) -> None:
    assert _counts() == counts
    assert PublisherRoleAssignment.objects.filter(pk=objects["assignment"].pk).exists()
    catalog = Catalog.objects.get(pk=objects["catalog"].pk)
    assert catalog.title == "Everything"


def _counts() -> tuple[int, ...]:
    return (Course.objects.count(), CourseRun.objects.count(), Catalog.objects.count())


# --- the Publisher dispatcher -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "refused", "allowed"),
    [
        ("/api/v1/courses/{course_uuid}/", ["POST", "TRACE"], "GET, HEAD, OPTIONS, PATCH, PUT, DELETE"),
        ("/api/v1/courses/{course_key}/", ["POST"], "GET, HEAD, OPTIONS, PATCH, PUT, DELETE"),
        ("/api/v1/course_runs/{run_key}/", ["POST", "TRACE"], "GET, HEAD, OPTIONS, PATCH, PUT, DELETE"),
        ("/api/v1/course_runs/contains/", ["POST"], "GET, HEAD, OPTIONS, PATCH, PUT, DELETE"),
        ("/api/v1/courses/", ["PATCH", "PUT", "DELETE", "TRACE"], "GET, HEAD, OPTIONS, POST"),
        ("/api/v1/course_runs/", ["PATCH", "PUT", "DELETE"], "GET, HEAD, OPTIONS, POST"),
    ],
)
def test_a_method_a_publisher_path_does_not_take_is_a_405_with_allow(
    client: APIClient, course: Course, course_run: CourseRun, path: str, refused: list[str], allowed: str
) -> None:
    url = path.format(course_uuid=course.uuid, course_key=course.key, run_key=course_run.key)
    for method in refused:
        response = client.generic(method, url, "{}", content_type="application/json")
        assert response.status_code == 405, (method, url, response.content)
        assert response["Allow"] == allowed
        assert response.json() == {"detail": f'Method "{method}" not allowed.'}
    options = client.options(url)
    assert options.status_code == 200
    assert options["Allow"] == allowed


def test_every_method_on_every_publisher_path_answers_without_a_server_error(
    client: APIClient, course: Course, course_run: CourseRun
) -> None:
    paths = [
        "/api/v1/courses/",
        f"/api/v1/courses/{course.uuid}/",
        f"/api/v1/courses/{course.key}/",
        "/api/v1/courses/nonsense/",
        "/api/v1/course_runs/",
        f"/api/v1/course_runs/{course_run.key}/",
        "/api/v1/course_runs/contains/",
    ]
    for path in paths:
        for method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE"):
            response = client.generic(method, path, "{}", content_type="application/json")
            assert response.status_code < 500, (method, path, response.content[:300])
            if method != "HEAD" and response.content:
                assert response["Content-Type"].startswith("application/json"), (method, path)


# --- deeply nested JSON -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,  # 2 KB, the fuzzer's body
        '{"title": ' + "[" * 1000 + "]" * 1000 + "}",
        '{"a": ' * 40 + "1" + "}" * 40,  # past the limit without reaching any parser's own
    ],
    ids=["brackets", "in-a-field", "objects-40-deep"],
)
def test_deeply_nested_json_is_a_400_on_every_write_endpoint(
    client: APIClient, objects: dict[str, Any], body: str
) -> None:
    counts = _counts()
    for write in WRITES:
        response = client.generic(write.method, write.path(objects), body, content_type="application/json")
        assert response.status_code == 400, (write, response.content[:300])
        assert "nested" in response.json()["detail"] or "recursion" in response.json()["detail"].lower()
    _nothing_changed(objects, counts)


def test_moderate_nesting_is_still_accepted(client: APIClient, objects: dict[str, Any]) -> None:
    facts = {"facts": [{"heading": "Pace", "blurb": "Self-paced"}], "certificate_info": {"heading": "Yes"}}
    response = client.patch(f"/api/v1/courses/{objects['course'].uuid}/", {"additional_metadata": facts}, format="json")
    assert response.status_code == 200, response.content


# --- oversized bodies ---------------------------------------------------------------------------


def _assert_413(response: Any, write: Write) -> None:
    assert response.status_code == 413, (write, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert "larger than" in response.json()["detail"]


def test_a_10_mb_json_body_is_a_413_on_every_write_endpoint(client: APIClient, objects: dict[str, Any]) -> None:
    counts = _counts()
    body = '{"title": "' + "x" * TEN_MB + '"}'
    with override_settings(LYCEUM_LARGE_BODY_MAX_BYTES=TEN_MB // 2):
        for write in WRITES:
            response = client.generic(write.method, write.path(objects), body, content_type="application/json")
            _assert_413(response, write)
    _nothing_changed(objects, counts)


def test_a_10_mb_form_body_is_a_413_on_every_write_endpoint(client: APIClient, objects: dict[str, Any]) -> None:
    counts = _counts()
    body = "title=" + "x" * TEN_MB
    for write in WRITES:
        if write.route in DIFF_ROUTES:
            continue  # the diff takes JSON only (415 for a form)
        response = client.generic(
            write.method, write.path(objects), body, content_type="application/x-www-form-urlencoded"
        )
        _assert_413(response, write)
    _nothing_changed(objects, counts)


def test_a_10_mb_multipart_upload_is_a_413(client: APIClient, objects: dict[str, Any]) -> None:
    boundary = "lyceumboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\n'
        f"Content-Type: image/png\r\n\r\n{'x' * TEN_MB}\r\n--{boundary}--\r\n"
    )
    for write in WRITES:
        if write.route in DIFF_ROUTES:
            continue
        response = client.generic(
            write.method, write.path(objects), body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        _assert_413(response, write)


def test_a_diff_may_carry_more_than_the_default_limit(client: APIClient, objects: dict[str, Any]) -> None:
    """100,000 held keys are about 4 MB: past the default limit, within the diff's own."""
    keys = [f"course-v1:edX+K{index:07d}+2T2024" for index in range(100_000)]
    response = client.post(f"/api/v1/catalogs/{objects['catalog'].pk}/diff/", {"content_keys": keys}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["items_not_found"]) == 100_000


@pytest.mark.parametrize(
    "query",
    ["(" * 1000 + "org:edX" + ")" * 1000, "NOT " * 1000 + "org:edX"],
    ids=["parentheses", "nots"],
)
def test_a_deeply_nested_lucene_query_is_a_400_naming_the_query(client: APIClient, query: str) -> None:
    """The nesting a JSON parser refuses can hide inside a string: a catalog's Lucene query."""
    created = client.post("/api/v1/catalogs/", {"title": "Deep", "query": query}, format="json")
    assert created.status_code == 400, created.content[:300]
    assert "nested too deeply" in created.json()["query"][0]
    assert not Catalog.objects.filter(title="Deep").exists()
    evaluated = client.get("/api/v1/catalog/query_contains/", {"query": query, "course_run_ids": "x"})
    assert evaluated.status_code == 400, evaluated.content[:300]
    assert "nested too deeply" in evaluated.json()["query"][0]


# --- over a real socket ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_answers_hold_over_real_http(live_server: Any, course: Course) -> None:
    """The same answers through a real WSGI server, where the body arrives as a stream."""
    StaffUserFactory(username="fuzzer", password="fuzz-password")
    token = base64.b64encode(b"fuzzer:fuzz-password").decode()

    def send(method: str, path: str, body: bytes, content_type: str) -> tuple[int, dict[str, str], Any]:
        request = urllib.request.Request(
            live_server.url + path,
            data=body,
            method=method,
            headers={"Authorization": f"Basic {token}", "Content-Type": content_type, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"null")

    status, headers, body = send("POST", f"/api/v1/courses/{course.uuid}/", b"{}", "application/json")
    assert (status, headers["Allow"]) == (405, "GET, HEAD, OPTIONS, PATCH, PUT, DELETE")
    status, _, body = send("POST", "/api/v1/courses/", b"[" * 1000 + b"]" * 1000, "application/json")
    assert status == 400 and "nested" in body["detail"]
    status, _, body = send("POST", "/api/v1/courses/", b'{"title": "' + b"x" * TEN_MB + b'"}', "application/json")
    assert status == 413 and "larger than" in body["detail"]
    status, _, body = send("POST", "/api/v1/courses/", b"title=" + b"x" * TEN_MB, "application/x-www-form-urlencoded")
    assert status == 413 and "larger than" in body["detail"]
