"""Course, program type and course editor fields as course-discovery's clients read them."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from course_metadata.models import CourseUrlSlugHistory, ProgramType
from tests.course_metadata.api.compat.shapes import check
from tests.factories import CourseEditorFactory, StaffUserFactory

ENTITLEMENT = {"mode": "str", "price": "decimal", "currency": "str", "sku": "str?", "expires": "datetime?"}
SIZED = {"url": "str", "width": "int?", "height": "int?"}


def test_entitlements_carry_expires_null(catalog: Any, api: APIClient) -> None:
    body = api.get(f"/api/v1/courses/{catalog.course.key}/").json()

    assert body["entitlements"] and check(body["entitlements"], [ENTITLEMENT]) == []
    assert all(entitlement["expires"] is None for entitlement in body["entitlements"])


def test_url_slug_history_includes_the_current_slug(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    CourseUrlSlugHistory.objects.create(course=course, url_slug="an-older-slug")

    body = api.get(f"/api/v1/courses/{course.key}/").json()

    assert body["url_slug_history"][0] == course.url_slug
    assert "an-older-slug" in body["url_slug_history"] and course.url_slug not in body["url_redirects"][:0]


def test_program_types_name_the_logo_as_the_incumbent(catalog: Any, api: APIClient) -> None:
    ProgramType.objects.filter(pk=catalog.program.type_id).update(logo_image_url="https://example.org/logo.png")

    types = {row["slug"]: row for row in api.get("/api/v1/program_types/").json()["results"]}

    logo = types[catalog.program.type.slug]["logo_image"]
    assert set(logo) == {"large", "medium", "small", "x-small"} and logo["small"]["url"].endswith("logo.png")
    assert all(check(size, SIZED) == [] for size in logo.values())


def test_course_editor_detail(catalog: Any, api: APIClient) -> None:
    editor = CourseEditorFactory(course=catalog.course)
    staff = APIClient()
    staff.force_authenticate(StaffUserFactory())

    body = staff.get(f"/api/v1/course_editors/{editor.pk}/").json()

    assert body["id"] == editor.pk and body["course"] == str(catalog.course.uuid)
    assert body["user"]["email"] is None
    assert api.get(f"/api/v1/course_editors/{editor.pk}/").status_code in (403, 404)
