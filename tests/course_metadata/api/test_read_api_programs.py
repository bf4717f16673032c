"""GET programs/: filters, uuids_only, the full course serializer, excluded runs, degrees."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from course_metadata.models import CourseRun, CourseRunStatus, Program, ProgramStatus

URL = "/api/v1/programs/"


def uuids_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [program["uuid"] for program in response.json()["results"]]


def test_lists_programs_by_title(catalog: Any, api: APIClient) -> None:
    expected = [str(p.uuid) for p in sorted([catalog.program, catalog.degree], key=lambda p: (p.title, p.pk))]

    assert uuids_of(api.get(URL)) == expected


def test_uuids_only_is_a_plain_list(catalog: Any, api: APIClient) -> None:
    response = api.get(URL, {"uuids_only": 1, "types": catalog.program.type.slug})

    assert response.json() == [str(catalog.program.uuid)]


def test_repeated_status_counts_every_value_as_the_lms_cache_refresh_sends_it(catalog: Any, api: APIClient) -> None:
    Program.objects.filter(pk=catalog.degree.pk).update(status=ProgramStatus.RETIRED)
    both = sorted([str(catalog.program.uuid), str(catalog.degree.uuid)])

    response = api.get(f"{URL}?status=active&status=retired&uuids_only=1")

    assert sorted(response.json()) == both
    assert api.get(f"{URL}?status=active&status=sleeping").status_code == 400


@pytest.mark.parametrize(
    ("params", "name"),
    [({"status": "sleeping"}, "status"), ({"marketable": "x"}, "marketable"), ({"uuids": "nope"}, "uuids")],
)
def test_bad_input(catalog: Any, api: APIClient, params: dict, name: str) -> None:
    response = api.get(URL, params)

    assert response.status_code == 400 and list(response.json()) == [name]


def test_status_marketable_hidden_slug_and_type_filters(catalog: Any, api: APIClient) -> None:
    Program.objects.filter(pk=catalog.degree.pk).update(status=ProgramStatus.RETIRED, hidden=True)
    program = str(catalog.program.uuid)
    degree = str(catalog.degree.uuid)

    assert uuids_of(api.get(URL, {"status": "retired"})) == [degree]
    assert uuids_of(api.get(URL, {"status": "active,retired"})) != []
    assert uuids_of(api.get(URL, {"marketable": 1})) == [program]
    assert uuids_of(api.get(URL, {"hidden": 1})) == [degree]
    assert uuids_of(api.get(URL, {"marketing_slug": catalog.program.marketing_slug})) == [program]
    assert uuids_of(api.get(URL, {"types": "masters"})) == [degree]


def test_excluded_runs_are_left_out_of_the_program(catalog: Any, api: APIClient) -> None:
    excluded = catalog.course.course_runs.order_by("start").last()
    body = api.get(f"{URL}{catalog.program.uuid}/").json()
    first_course = next(course for course in body["courses"] if course["key"] == catalog.course.key)

    assert excluded.key not in [run["key"] for run in first_course["course_runs"]]
    assert len(first_course["course_runs"]) == catalog.course.course_runs.count() - 1


def test_published_course_runs_only(catalog: Any, api: APIClient) -> None:
    run = catalog.course_run
    CourseRun._base_manager.filter(pk=run.pk).update(status=CourseRunStatus.UNPUBLISHED)
    body = api.get(f"{URL}{catalog.program.uuid}/", {"published_course_runs_only": 1}).json()
    keys = [run["key"] for course in body["courses"] for run in course["course_runs"]]

    assert run.key not in keys and keys
    assert body["course_run_statuses"] == ["published"]


def test_full_course_serializer(catalog: Any, api: APIClient) -> None:
    short = api.get(f"{URL}{catalog.program.uuid}/").json()["courses"][0]
    full = api.get(f"{URL}{catalog.program.uuid}/", {"use_full_course_serializer": 1}).json()["courses"][0]

    assert "subjects" not in short and "staff" not in short["course_runs"][0]
    assert full["subjects"] and "staff" in full["course_runs"][0]
    assert set(short) < set(full)


def test_degree_data(catalog: Any, api: APIClient) -> None:
    degree = api.get(f"{URL}{catalog.degree.uuid}/").json()["degree"]
    program = api.get(f"{URL}{catalog.program.uuid}/").json()

    assert degree["costs"][0]["description"] == "Per credit"
    assert len(degree["deadlines"]) == len(degree["rankings"]) == len(degree["specializations"]) == 1
    assert program["degree"] is None
    assert program["curricula"][0]["courses"][0]["key"] == catalog.course.key
    assert program["labels"] == ["featured"]
    assert [org["key"] for org in program["credit_backing_organizations"]] == ["MITx"]


def test_unknown_program_is_404(catalog: Any, api: APIClient) -> None:
    assert api.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api.get(f"{URL}not-a-uuid/").status_code == 404
