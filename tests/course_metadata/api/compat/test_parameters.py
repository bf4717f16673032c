"""The parameters course-discovery's endpoints take, with their meaning (or a 400 naming a bad value)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from course_metadata.models import Course, CourseRun, CourseType, Program, ProgramStatus
from tests.factories import CourseEditorFactory, UserFactory


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_key_of_another_shape_in_keys_is_no_match(catalog: Any, api: APIClient) -> None:
    run_key = catalog.course_run.key

    assert results(api.get("/api/v1/courses/", {"keys": run_key})) == []
    assert results(api.get("/api/v1/courses/", {"keys": f"edX/DemoX,{catalog.course.key}"})) != []


def test_editors_lists_the_courses_those_users_may_edit(catalog: Any, api: APIClient) -> None:
    editor = UserFactory()
    CourseEditorFactory(user=editor, course=catalog.course)

    listed = results(api.get("/api/v1/courses/", {"editors": f"{editor.pk},999999"}))

    assert [course["key"] for course in listed] == [catalog.course.key]


def test_open_courses_leaves_out_executive_education_and_bootcamps(catalog: Any, api: APIClient) -> None:
    bootcamp, _ = CourseType.objects.get_or_create(slug="bootcamp-2u", defaults={"name": "Bootcamp"})
    Course.objects.filter(pk=catalog.course.pk).update(type=bootcamp)

    keys = {course["key"] for course in results(api.get("/api/v1/courses/", {"course_type": "open-courses"}))}

    assert catalog.course.key not in keys and keys == {course.key for course in catalog.courses[1:]}
    only = results(api.get("/api/v1/courses/", {"course_type": "bootcamp-2u"}))
    assert [course["key"] for course in only] == [catalog.course.key]


def test_programs_of_a_course_and_of_a_run_by_status(catalog: Any, api: APIClient) -> None:
    Program.objects.filter(pk=catalog.program.pk).update(status=ProgramStatus.DELETED)
    Program.objects.filter(pk=catalog.degree.pk).update(status=ProgramStatus.RETIRED)
    course = catalog.courses[1]  # in both programs
    run = course.course_runs.order_by("start").first()

    def course_programs(**flags: Any) -> set[str]:
        return {row["uuid"] for row in api.get(f"/api/v1/courses/{course.key}/", flags).json()["programs"]}

    def run_programs(**flags: Any) -> set[str]:
        return {row["uuid"] for row in api.get(f"/api/v1/course_runs/{run.key}/", flags).json()["programs"]}

    program, degree = str(catalog.program.uuid), str(catalog.degree.uuid)
    assert course_programs() == {degree}
    assert course_programs(include_deleted_programs=1) == {program, degree}
    assert run_programs() == set()
    assert run_programs(include_retired_programs=1) == {degree}
    assert run_programs(include_retired_programs=1, include_deleted_programs=1) == {program, degree}
    Program.objects.filter(pk=catalog.degree.pk).update(status=ProgramStatus.UNPUBLISHED)
    assert run_programs(include_unpublished_programs=1) == {degree}


def test_nested_program_marketing_url_has_no_tracking_parameters(catalog: Any, api: APIClient) -> None:
    body = api.get(f"/api/v1/courses/{catalog.course.key}/").json()

    assert body["programs"] and all("utm_" not in (row["marketing_url"] or "") for row in body["programs"])


def test_license_is_case_insensitive(catalog: Any, api: APIClient) -> None:
    CourseRun._base_manager.filter(pk=catalog.course_run.pk).update(license="cc-by-sa")

    listed = results(api.get("/api/v1/course_runs/", {"license": "CC-BY-SA"}))

    assert [run["key"] for run in listed] == [catalog.course_run.key]


def test_old_style_run_keys_are_looked_up(catalog: Any, api: APIClient) -> None:
    old = "edX/DemoX/Demo_Course"
    CourseRun._base_manager.filter(pk=catalog.course_run.pk).update(key=old)

    assert api.get(f"/api/v1/course_runs/{old}/").json()["key"] == old
    assert [run["key"] for run in results(api.get("/api/v1/course_runs/", {"keys": old}))] == [old]


def test_program_type_name_any_case(catalog: Any, api: APIClient) -> None:
    name = catalog.program.type.name

    listed = results(api.get("/api/v1/programs/", {"type": name.upper()}))

    assert {program["uuid"] for program in listed} == {
        str(uuid) for uuid in Program.objects.filter(type__name=name).values_list("uuid", flat=True)
    }


def test_marketable_enrollable_runs_with_archived_in_programs(catalog: Any, api: APIClient) -> None:
    closed = catalog.course_run
    CourseRun._base_manager.filter(pk=closed.pk).update(enrollment_end=closed.start - dt.timedelta(days=1))
    listed = results(api.get("/api/v1/programs/", {"marketable_enrollable_course_runs_with_archived": 1}))
    everything = results(api.get("/api/v1/programs/"))

    def runs(programs: list[dict[str, Any]]) -> set[str]:
        return {run["key"] for program in programs for course in program["courses"] for run in course["course_runs"]}

    assert runs(listed) < runs(everything) and closed.key not in runs(listed)
    assert all(run["is_enrollable"] for p in listed for c in p["courses"] for run in c["course_runs"])


def test_organization_tags(catalog: Any, api: APIClient) -> None:
    listed = results(api.get("/api/v1/organizations/", {"tags": "stem,other"}))

    assert [org["key"] for org in listed] == [catalog.organization.key]


def test_people_of_repeated_organizations(catalog: Any, api: APIClient) -> None:
    one = {p["uuid"] for p in results(api.get("/api/v1/people/", {"org": catalog.organization.key}))}
    both = {p["uuid"] for p in results(api.get(f"/api/v1/people/?org={catalog.organization.key}&org=nobody"))}

    assert one and one == both


def test_page_wins_over_limit(catalog: Any, api: APIClient) -> None:
    body = api.get("/api/v1/courses/", {"page": 2, "page_size": 1, "limit": 2}).json()

    assert len(body["results"]) == 1 and "page=3" in body["next"]


def test_fields_and_omit(catalog: Any, api: APIClient) -> None:
    kept = results(api.get("/api/v1/programs/", {"fields": "uuid,courses.key"}))
    omitted = api.get(f"/api/v1/courses/{catalog.course.key}/", {"omit": "course_runs,owners"}).json()

    assert all(set(program) == {"uuid", "courses"} for program in kept)
    assert all(set(course) == {"key"} for program in kept for course in program["courses"])
    assert "course_runs" not in omitted and "owners" not in omitted and "key" in omitted
    bad = api.get("/api/v1/courses/", {"fields": "key,colour"})
    assert bad.status_code == 400 and list(bad.json()) == ["fields"]


@pytest.mark.parametrize(
    ("url", "name", "good"),
    [
        ("/api/v1/courses/", "include_retired_course_types", "1"),
        ("/api/v1/courses/", "include_deleted_programs", "1"),
        ("/api/v1/courses/", "include_restricted", "custom-b2c,custom-b2b-enterprise"),
        ("/api/v1/course_runs/", "include_retired_run_types", "1"),
        ("/api/v1/course_runs/", "include_unpublished_programs", "0"),
        ("/api/v1/programs/", "include_restricted", "custom-b2c"),
        ("/api/v1/programs/", "extended", "1"),
        ("/api/v1/subjects/", "language_code", "fr"),
    ],
)
def test_accepted_parameters_work_or_name_a_bad_value(
    catalog: Any, api: APIClient, url: str, name: str, good: str
) -> None:
    assert api.get(url, {name: good}).status_code == 200
    if name != "language_code":
        bad = api.get(url, {name: "sideways"})
        assert bad.status_code == 400 and list(bad.json()) == [name]
