"""The authoring life cycle through HTTP only: create → run → edit → submit → reviews → publish → edit again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from course_metadata.models import (
    ChangeLogEntry,
    Course,
    CourseRun,
    CourseRunStatus,
    CourseRunType,
    CourseType,
    Organization,
)
from course_metadata.tasks.publishing import publish_due_course_runs

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_authoring_life_cycle(member: User, legal_reviewer: User, staff_user: User, organization: Organization) -> None:
    course_type = CourseType.objects.get(slug="verified-and-audit")
    run_type = CourseRunType.objects.get(slug="verified-and-audit")
    team = client_for(member)
    start = timezone.now() + dt.timedelta(days=40)

    # 1. Create the course as the Publisher front end does, with its first run.
    response = team.post(
        "/api/v1/courses/",
        {
            "org": organization.key,
            "number": "LC101",
            "title": "Life Cycles",
            "type": str(course_type.uuid),
            "prices": {"verified": "49.00"},
            "course_run": {
                "start": start.isoformat(),
                "end": (start + dt.timedelta(weeks=8)).isoformat(),
                "run_type": str(run_type.uuid),
                "pacing_type": "instructor_paced",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    course_uuid = response.data["uuid"]
    assert response.data["key"] == f"{organization.key}+LC101"
    assert response["ETag"]
    # The answer is the read API's own representation (``GET courses/{uuid}/?editable=1``).
    assert response.data == team.get(f"/api/v1/courses/{course_uuid}/?editable=1").data
    assert not Course.objects.official().filter(uuid=course_uuid).exists()
    first_run = CourseRun.objects.get(course__uuid=course_uuid)
    quarter = (start.month - 1) // 3 + 1
    assert first_run.key == f"course-v1:{organization.key}+LC101+{quarter}T{start.year}"

    # 2. A second run in the same quarter gets a suffixed key and copies the first run.
    CourseRun.objects.filter(pk=first_run.pk).update(min_effort=3, max_effort=5)
    response = team.post(
        "/api/v1/course_runs/",
        {
            "course": f"{organization.key}+LC101",
            "start": start.isoformat(),
            "run_type": str(run_type.uuid),
            "pacing_type": "self_paced",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    rerun = CourseRun.objects.get(uuid=response.data["uuid"])
    assert rerun.key == first_run.key + "a"
    assert (rerun.min_effort, rerun.max_effort) == (3, 5)

    # 3. Edit the course.
    response = team.patch(f"/api/v1/courses/{course_uuid}/", {"short_description": "Round and round."}, format="json")
    assert response.status_code == 200, response.content

    # 4. Submit the first run; legal and internal review move it on.
    run_url = f"/api/v1/course_runs/{first_run.key}/"
    response = team.patch(run_url, {"draft": False}, format="json")
    assert response.status_code == 200, response.content
    assert CourseRun.objects.get(pk=first_run.pk).status == CourseRunStatus.LEGAL_REVIEW

    legal = client_for(legal_reviewer)
    assert legal.patch(run_url, {"title_override": "Nope"}, format="json").status_code == 403
    response = legal.patch(
        run_url, {"has_ofac_restrictions": False, "status": CourseRunStatus.INTERNAL_REVIEW}, format="json"
    )
    assert response.status_code == 200, response.content

    staff = client_for(staff_user)
    before = Course.objects.filter(uuid=course_uuid, draft=True).get().data_modified_timestamp
    response = staff.patch(run_url, {"status": CourseRunStatus.REVIEWED}, format="json")
    assert response.status_code == 200, response.content

    # 5. Reviewed: the official rows appear, with change-log entries and fresh timestamps.
    official_course = Course.objects.official().get(uuid=course_uuid)
    official_run = CourseRun.objects.official().get(key=first_run.key)
    assert official_course.short_description == "Round and round."
    assert official_course.data_modified_timestamp >= before
    assert official_run.status in (CourseRunStatus.REVIEWED, CourseRunStatus.PUBLISHED)
    official_entries = ChangeLogEntry.objects.filter(draft=False, course_uuid=course_uuid)
    assert official_entries.filter(object_type="course", uuid=course_uuid).exists()
    assert official_entries.filter(key=first_run.key).exists()
    # The second run was never reviewed: it has no official row and no public change-log entry.
    assert not CourseRun.objects.official().filter(key=rerun.key).exists()
    assert not official_entries.filter(key=rerun.key).exists()
    # GET ?editable=1 shows the draft with its ETag.
    response = team.get(f"/api/v1/courses/{course_uuid}/?editable=1")
    assert response.status_code == 200
    assert response["ETag"]

    # 6. Go-live: the periodic task publishes it (the start is in the future, the go-live date was unset).
    publish_due_course_runs()
    assert CourseRun.objects.get(pk=first_run.pk).status == CourseRunStatus.PUBLISHED

    # 7. Edit again: the run goes back to unpublished; the official keeps its old data until the next review.
    official_run.refresh_from_db()
    published_stamp = official_run.data_modified_timestamp
    entries_before = official_entries.count()
    response = team.patch(run_url, {"title_override": "Life Cycles, Again"}, format="json")
    assert response.status_code == 200, response.content
    assert CourseRun.objects.get(pk=first_run.pk).status == CourseRunStatus.UNPUBLISHED
    official_run.refresh_from_db()
    assert official_run.title_override == ""
    assert official_run.status == CourseRunStatus.PUBLISHED
    assert official_run.data_modified_timestamp == published_stamp
    assert official_entries.count() == entries_before

    # 8. The next review carries the edit to the official run.
    assert team.patch(run_url, {"draft": False}, format="json").status_code == 200
    assert legal.patch(run_url, {"status": CourseRunStatus.INTERNAL_REVIEW}, format="json").status_code == 200
    assert staff.patch(run_url, {"status": CourseRunStatus.REVIEWED}, format="json").status_code == 200
    official_run.refresh_from_db()
    assert official_run.title_override == "Life Cycles, Again"
    assert official_run.data_modified_timestamp > published_stamp
