"""A write body's unknown and read-only keys are a 400 naming them, never silently dropped (ADR 0053)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from catalog.models import Catalog
from catalog.services.catalogs import catalog_create
from course_metadata.models import Course, CourseRun, CourseType
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return StaffUserFactory()


@pytest.fixture
def client(staff: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff)
    return client


def _errors(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    return response.json()


def test_a_misspelt_course_field_is_refused_and_nothing_changes(client: APIClient, course: Course) -> None:
    title = course.title
    errors = _errors(client.patch(f"/api/v1/courses/{course.uuid}/", {"titel": "New", "title": "New"}, format="json"))
    assert errors == {"titel": ["Unknown field."]}
    assert not Course.objects.filter(uuid=course.uuid, title="New").exists()
    assert Course.objects.get(pk=course.pk).title == title


def test_a_course_may_echo_its_own_uuid_and_key_but_not_change_them(client: APIClient, course: Course) -> None:
    url = f"/api/v1/courses/{course.uuid}/"
    echoed = client.patch(url, {"uuid": str(course.uuid), "key": course.key, "title": "Echoed"}, format="json")
    assert echoed.status_code == 200, echoed.content
    other = "00000000-0000-4000-8000-000000000000"
    assert "uuid" in _errors(client.patch(url, {"uuid": other, "title": "X"}, format="json"))
    assert "key" in _errors(client.patch(url, {"key": "edX+Other", "title": "X"}, format="json"))


def test_draft_is_accepted_on_a_course_and_honoured_on_a_run(
    client: APIClient, course: Course, course_run: CourseRun
) -> None:
    # The Publisher front end sends draft with every course save: accepted, and edits still land on the draft.
    accepted = client.patch(f"/api/v1/courses/{course.uuid}/", {"draft": False, "title": "Kept"}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert Course.objects.get(pk=course.pk).title != "Kept"
    assert "draft" in _errors(client.patch(f"/api/v1/courses/{course.uuid}/", {"draft": "sideways"}, format="json"))
    response = client.patch(f"/api/v1/course_runs/{course_run.key}/", {"draft": True}, format="json")
    assert response.status_code == 200, response.content


def test_a_run_refuses_unknown_fields(client: APIClient, course_run: CourseRun) -> None:
    errors = _errors(client.patch(f"/api/v1/course_runs/{course_run.key}/", {"strat": "2030-01-01"}, format="json"))
    assert errors == {"strat": ["Unknown field."]}


def test_nested_inputs_name_their_unknown_fields(client: APIClient, organization: Any) -> None:
    course_type = CourseType.objects.get(slug="verified-and-audit")
    body = {
        "org": organization.key,
        "number": "N1",
        "title": "Nested",
        "type": str(course_type.uuid),
        "course_run": {"start": "2030-01-01T00:00:00Z", "run_type": "x", "strat": "oops"},
    }
    errors = _errors(client.post("/api/v1/courses/", body, format="json"))
    assert errors == {"course_run": {"strat": ["Unknown field."]}}
    assert not Course.objects.filter(title="Nested").exists()


def test_form_bodies_are_strict_too(client: APIClient, course: Course) -> None:
    response = client.patch(
        f"/api/v1/courses/{course.uuid}/", "titel=New", content_type="application/x-www-form-urlencoded"
    )
    assert _errors(response) == {"titel": ["Unknown field."]}


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ("subjects=s%00x&title=New", "application/x-www-form-urlencoded", "subjects"),  # the fuzzer's 500
        ('{"subjects": ["s\\u0000x"], "title": "New"}', "application/json", "subjects"),
        ('{"title": "Ne\\u0000w"}', "application/json", "title"),
    ],
)
def test_a_null_character_is_a_400_naming_its_field(
    client: APIClient, course: Course, body: str, content_type: str, field: str
) -> None:
    errors = _errors(client.patch(f"/api/v1/courses/{course.uuid}/", body, content_type=content_type))
    assert errors == {field: ["Null characters are not allowed."]}
    assert not Course.objects.filter(title__startswith="Ne").exists()


def test_people_endpoints_refuse_unknown_and_read_only_fields(client: APIClient, course: Course) -> None:
    editor = UserFactory()
    body = {"course": str(course.uuid), "user_id": editor.pk, "role": "lead"}
    assert _errors(client.post("/api/v1/course_editors/", body, format="json")) == {"role": ["Unknown field."]}
    grant = {"user": editor.username, "assigned_by": 1, "reason": "helps"}
    errors = _errors(client.post("/api/v1/publisher-roles/", grant, format="json"))
    assert list(errors) == ["assigned_by"] and "read-only" in errors["assigned_by"][0]
    granted = client.post("/api/v1/publisher-roles/", {"user": editor.username, "reason": "helps"}, format="json")
    url = f"/api/v1/publisher-roles/{granted.json()['id']}/"
    assert _errors(client.delete(url, {"raeson": "done"}, format="json")) == {"raeson": ["Unknown field."]}
    assert client.delete(url, {"reason": "done"}, format="json").status_code == 204


def test_catalogs_refuse_read_only_fields_but_take_their_identity_back(client: APIClient) -> None:
    body = {"title": "New", "query": {"org": "edX"}, "content_version": 7}
    errors = _errors(client.post("/api/v1/catalogs/", body, format="json"))
    assert list(errors) == ["content_version"]
    assert not Catalog.objects.filter(title="New").exists()

    catalog = catalog_create(title="Old", query={"org": "edX"})
    url = f"/api/v1/catalogs/{catalog.pk}/"
    read = client.get(url).json()
    echoed = {name: read[name] for name in ("id", "uuid", "title", "query", "include_archived")} | {"title": "Kept"}
    assert client.put(url, echoed, format="json").status_code == 200
    assert Catalog.objects.get(pk=catalog.pk).title == "Kept"
    errors = _errors(client.patch(url, {"uuid": "00000000-0000-4000-8000-000000000000"}, format="json"))
    assert list(errors) == ["uuid"]
    assert _errors(client.patch(url, {"titel": "Typo"}, format="json")) == {"titel": ["Unknown field."]}
