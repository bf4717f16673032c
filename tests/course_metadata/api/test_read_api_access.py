"""Who may read what: authentication, public endpoints, and drafts only ever for those who may edit them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from course_metadata.models import Course
from course_metadata.services.drafts import course_ensure_draft
from tests.factories import CourseEditorFactory, OrganizationExtensionFactory, StaffUserFactory, UserFactory

DRAFT_TITLE = "Draft-only title"

PUBLIC = ["/api/v1/people/", "/api/v1/subjects/", "/api/v1/topics/", "/api/v1/program_types/"]
PRIVATE = [
    "/api/v1/courses/",
    "/api/v1/course_runs/",
    "/api/v1/programs/",
    "/api/v1/organizations/",
    "/api/v1/level_types/",
    "/api/v1/course_types/",
    "/api/v1/course_run_types/",
    "/api/v1/pathways/",
    "/api/v1/learner-pathway/",
    "/api/v1/learner-pathway-step/",
    "/api/v1/learner-pathway-course/",
    "/api/v1/learner-pathway-program/",
    "/api/v1/learner-pathway-block/",
]


def as_user(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def draft(catalog: Any) -> Course:
    """A draft of the first course, whose title differs from the official row's."""
    draft = course_ensure_draft(course=catalog.course)
    draft.title = DRAFT_TITLE
    draft.save()
    return draft


@pytest.fixture
def editor(catalog: Any) -> User:
    group = OrganizationExtensionFactory(organization=catalog.organization).group
    user = UserFactory(username="course-editor", groups=[group])
    CourseEditorFactory(user=user, course=catalog.course)
    # The other courses have an editor of their own, so they are not orphans every member may edit.
    colleague = UserFactory(groups=[group])
    for course in catalog.courses[1:]:
        CourseEditorFactory(user=colleague, course=course)
    return user


@pytest.mark.parametrize("url", PUBLIC)
def test_public_endpoints_need_no_login(catalog: Any, anonymous: APIClient, url: str) -> None:
    assert anonymous.get(url).status_code == 200


@pytest.mark.parametrize("url", PRIVATE)
def test_other_endpoints_need_a_login(catalog: Any, anonymous: APIClient, api: APIClient, url: str) -> None:
    assert anonymous.get(url).status_code == 401
    assert api.get(url).status_code == 200


def test_basic_authentication_is_accepted(catalog: Any, reader: User, anonymous: APIClient) -> None:
    reader.set_password("secret")
    reader.save()
    anonymous.credentials(HTTP_AUTHORIZATION="Basic cmVhZGVyOnNlY3JldA==")  # reader:secret

    assert anonymous.get("/api/v1/courses/").status_code == 200


def test_public_reads_never_show_a_draft(draft: Course, catalog: Any, api: APIClient, anonymous: APIClient) -> None:
    listed = api.get("/api/v1/courses/").json()["results"]
    detail = api.get(f"/api/v1/courses/{catalog.course.key}/").json()
    runs = api.get("/api/v1/course_runs/", {"page_size": 100}).json()["results"]

    assert DRAFT_TITLE not in {course["title"] for course in listed}
    assert detail["title"] != DRAFT_TITLE and detail["draft"] is False
    assert len(listed) == 3
    assert all(run["title"] != DRAFT_TITLE for run in runs)
    assert len(runs) == sum(course.course_runs.count() for course in catalog.courses)


@pytest.mark.parametrize("url", ["/api/v1/courses/?editable=1", "/api/v1/course_runs/?editable=1"])
def test_editable_is_refused_to_non_publishers(draft: Course, api: APIClient, anonymous: APIClient, url: str) -> None:
    refused = api.get(url)

    assert refused.status_code == 403
    assert DRAFT_TITLE not in refused.content.decode()
    assert anonymous.get(url).status_code == 401


def test_editable_detail_is_refused_to_non_publishers(draft: Course, catalog: Any, api: APIClient) -> None:
    assert api.get(f"/api/v1/courses/{catalog.course.uuid}/", {"editable": 1}).status_code == 403


def test_staff_see_drafts_where_they_exist(draft: Course, catalog: Any) -> None:
    staff = as_user(StaffUserFactory())
    listed = staff.get("/api/v1/courses/", {"editable": 1}).json()["results"]
    by_key = {course["key"]: course for course in listed}

    assert len(listed) == 3
    assert by_key[catalog.course.key]["title"] == DRAFT_TITLE
    assert by_key[catalog.course.key]["draft"] is True
    assert by_key[catalog.courses[1].key]["draft"] is False
    assert all(course["editable"] for course in listed)


def test_editors_see_only_what_they_may_edit(draft: Course, catalog: Any, editor: User) -> None:
    client = as_user(editor)
    listed = client.get("/api/v1/courses/", {"editable": 1}).json()["results"]
    runs = client.get("/api/v1/course_runs/", {"editable": 1}).json()["results"]
    detail = client.get(f"/api/v1/courses/{catalog.course.uuid}/", {"editable": 1})
    other = client.get(f"/api/v1/courses/{catalog.courses[1].uuid}/", {"editable": 1})

    assert [course["title"] for course in listed] == [DRAFT_TITLE]
    assert listed[0]["editable"] is True and listed[0]["editors"][0]["username"] == "course-editor"
    assert {run["course"] for run in runs} == {catalog.course.key}
    assert all(run["title"] == DRAFT_TITLE for run in runs)
    assert detail.status_code == 200 and detail.json()["draft"] is True
    assert other.status_code == 404


def test_editable_flag_on_public_reads(catalog: Any, editor: User) -> None:
    listed = as_user(editor).get("/api/v1/courses/").json()["results"]

    assert {course["key"]: course["editable"] for course in listed} == {
        course.key: course.key == catalog.course.key for course in catalog.courses
    }
