"""GET course_runs/: filters, detail, contains."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from course_metadata.models import CourseRun, CourseRunStatus
from course_metadata.selectors.course_runs import course_runs

URL = "/api/v1/course_runs/"


def keys_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [run["key"] for run in response.json()["results"]]


def all_run_keys(catalog: Any) -> list[str]:
    return sorted(run.key for course in catalog.courses for run in course.course_runs.all())


def test_lists_every_official_run_in_key_order(catalog: Any, api: APIClient) -> None:
    assert keys_of(api.get(URL, {"page_size": 100})) == all_run_keys(catalog)


def test_keys_filter_ignores_unknown_and_refuses_malformed(catalog: Any, api: APIClient) -> None:
    key = catalog.course_run.key

    assert keys_of(api.get(URL, {"keys": f"{key},course-v1:edX+Nope+1T2020"})) == [key]
    bad = api.get(URL, {"keys": "course-v1:bad"})
    assert bad.status_code == 400 and list(bad.json()) == ["keys"]


def test_hidden_filter(catalog: Any, api: APIClient) -> None:
    run = catalog.course_run
    CourseRun._base_manager.filter(pk=run.pk).update(hidden=True)

    assert keys_of(api.get(URL, {"hidden": 1})) == [run.key]
    assert run.key not in keys_of(api.get(URL, {"hidden": "false", "page_size": "100"}))
    assert api.get(URL, {"hidden": "sometimes"}).status_code == 400


def test_active_and_marketable_filters_match_the_queryset_rules(catalog: Any, api: APIClient) -> None:
    CourseRun._base_manager.filter(pk=catalog.course_run.pk).update(status=CourseRunStatus.UNPUBLISHED)
    official = course_runs().official()

    active = keys_of(api.get(URL, {"active": 1, "page_size": 100}))
    inactive = keys_of(api.get(URL, {"active": 0, "page_size": 100}))
    marketable = keys_of(api.get(URL, {"marketable": 1, "page_size": 100}))

    assert active == sorted(official.active().values_list("key", flat=True))
    assert sorted(active + inactive) == all_run_keys(catalog)
    assert marketable == sorted(official.marketable().values_list("key", flat=True))
    assert catalog.course_run.key not in marketable


def test_license_filter(catalog: Any, api: APIClient) -> None:
    CourseRun._base_manager.filter(pk=catalog.course_run.pk).update(license="cc-by")

    assert keys_of(api.get(URL, {"license": "cc-by"})) == [catalog.course_run.key]


def test_detail_by_key_lists_programs_that_do_not_exclude_it(catalog: Any, api: APIClient) -> None:
    included = catalog.course.course_runs.order_by("start").first()
    excluded = catalog.course.course_runs.order_by("start").last()

    included_programs = api.get(f"{URL}{included.key}/").json()["programs"]
    excluded_programs = api.get(f"{URL}{excluded.key}/").json()["programs"]

    assert [program["uuid"] for program in included_programs] == [str(catalog.program.uuid)]
    assert excluded_programs == []


def test_detail_by_uuid_and_unknown(catalog: Any, api: APIClient) -> None:
    run = catalog.course_run

    assert api.get(f"{URL}{run.uuid}/").json()["key"] == run.key
    assert api.get(f"{URL}course-v1:edX+Nope+1T2020/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [("*:*", True), ("id:course*", True), ("org:NoSuchOrg", False), ("org:edX AND NOT hidden:true", True)],
)
def test_contains(catalog: Any, api: APIClient, query: str, expected: bool) -> None:
    key = catalog.course_run.key
    response = api.get(f"{URL}contains/", {"query": query, "course_run_ids": f"{key},course-v1:edX+Nope+1T2020"})

    assert response.status_code == 200
    assert response.json() == {"course_runs": {key: expected, "course-v1:edX+Nope+1T2020": False}}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?course_run_ids=course-v1:edX+A+1", "query"),
        ("?query=*:*", "course_run_ids"),
        ("?query=*:*&course_run_ids=", "course_run_ids"),
        ("?query=*:*&course_run_ids=not-a-key", "course_run_ids"),
        ("?query=org:(edX&course_run_ids=course-v1:edX+A+1", "query"),
        ("?query=nope:x&course_run_ids=course-v1:edX+A+1", "query"),
    ],
)
def test_contains_bad_input(catalog: Any, api: APIClient, query: str, parameter: str) -> None:
    response = api.get(f"{URL}contains/{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_staff_are_listed_in_order_with_their_details(catalog: Any, api: APIClient) -> None:
    run = api.get(f"{URL}{catalog.course_run.key}/").json()
    staff = run["staff"]

    assert [person["uuid"] for person in staff] == [str(person.uuid) for person in catalog.people]
    assert staff[0]["position"]["organization_name"] == catalog.organization.name
    assert staff[0]["areas_of_expertise"][0]["value"]
    assert staff[0]["urls"]["twitter"] == staff[0]["urls_detailed"][0]["url"]
