"""The bodies frontend-app-publisher sends (EditCoursePage prepareSendCourseData / prepareSendCourseRunData,
StafferPage) are accepted field for field; a genuinely unknown field is still a 400 naming it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from course_metadata.models import Course, CourseRun


def course_body(read: dict[str, Any]) -> dict[str, Any]:
    """What EditCoursePage sends for a course, built from what it read (GET courses/{uuid}/?editable=1)."""
    return {
        "additional_information": read["additional_information"],
        "draft": True,
        "faq": read["faq"],
        "full_description": read["full_description"],
        "image": (read["image"] or {}).get("src"),
        "key": read["key"],
        "learner_testimonials": read["learner_testimonials"],
        "level_type": read["level_type"],
        "location_restriction": read["location_restriction"],
        "geolocation": {"location_name": None, "lng": None, "lat": None},
        "organization_logo_override": read["organization_logo_override_url"],
        "organization_short_code_override": read["organization_short_code_override"],
        "watchers": [],
        "outcome": read["outcome"],
        "prerequisites_raw": read["prerequisites_raw"],
        "prices": {"verified": "49.00"},
        "short_description": read["short_description"],
        "collaborators": [row["uuid"] for row in read["collaborators"]],
        "subjects": [row["slug"] for row in read["subjects"]],
        "syllabus_raw": read["syllabus_raw"],
        "title": read["title"],
        "topics": read["topics"],
        "type": read["type"],
        "url_slug": read["url_slug"],
        "uuid": read["uuid"],
        "video": {"src": (read["video"] or {}).get("src") or "https://www.youtube.com/watch?v=abc"},
        "enterprise_subscription_inclusion": read["enterprise_subscription_inclusion"],
    }


def run_body(read: dict[str, Any]) -> dict[str, Any]:
    """What EditCoursePage sends for a run it changed."""
    return {
        "content_language": read["content_language"],
        "draft": True,
        "expected_program_type": read["expected_program_type"],
        "expected_program_name": read["expected_program_name"] or "",
        "external_key": read["external_key"] or "",
        "go_live_date": read["go_live_date"],
        "upgrade_deadline_override": None,
        "key": read["key"],
        "variant_id": read["variant_id"],
        "max_effort": read["max_effort"],
        "min_effort": read["min_effort"],
        "prices": {"verified": "49.00"},
        "rerun": None,
        "run_type": read["run_type"],
        "staff": [row["uuid"] for row in read["staff"]],
        "status": read["status"],
        "transcript_languages": read["transcript_languages"],
        "weeks_to_complete": read["weeks_to_complete"],
        "restriction_type": read["restriction_type"],
    }


def test_the_front_ends_course_and_run_bodies_are_accepted(editor: User, course: Course, course_run: CourseRun) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    read = client.get(f"/api/v1/courses/{course.uuid}/", {"editable": 1}).json()

    response = client.patch(f"/api/v1/courses/{course.uuid}/", course_body(read), format="json")
    assert response.status_code == 200, response.content
    read = client.get(f"/api/v1/courses/{course.uuid}/", {"editable": 1}).json()
    run = next(run for run in read["course_runs"] if run["key"] == course_run.key)
    response = client.patch(f"/api/v1/course_runs/{course_run.key}/", run_body(run), format="json")
    assert response.status_code == 200, response.content
    bad = client.patch(f"/api/v1/course_runs/{course_run.key}/", {"restriction_type": "custom-b2c"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["restriction_type"]


def test_the_front_ends_field_names_have_the_incumbents_meaning(
    editor: User, course: Course, course_run: CourseRun
) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    logo = "https://example.org/org-logo.png"
    deadline = "2030-01-01T00:00:00Z"

    patched = client.patch(f"/api/v1/courses/{course.uuid}/", {"organization_logo_override": logo}, format="json")
    assert patched.status_code == 200, patched.content
    run_url = f"/api/v1/course_runs/{course_run.key}/"
    assert client.patch(run_url, {"upgrade_deadline_override": deadline}, format="json").status_code == 200

    read = client.get(f"/api/v1/courses/{course.uuid}/", {"editable": 1}).json()
    assert read["organization_logo_override_url"] == logo
    run = next(run for run in read["course_runs"] if run["key"] == course_run.key)
    verified = [seat for seat in run["seats"] if seat["type"] == "verified"]
    assert all(seat["upgrade_deadline_override"] == deadline for seat in verified)


def test_an_unknown_field_is_still_named(editor: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(editor)

    response = client.patch(f"/api/v1/courses/{course.uuid}/", {"titel": "x"}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["titel"]
