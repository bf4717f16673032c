"""GET courses/: filters, run selection flags, computed fields, lookups and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from course_metadata.models import Course, CourseRun, CourseRunStatus
from course_metadata.selectors.course_runs import course_runs

URL = "/api/v1/courses/"


def keys_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [course["key"] for course in response.json()["results"]]


def set_timestamp(course: Course, when: dt.datetime) -> None:
    Course._base_manager.filter(pk=course.pk).update(data_modified_timestamp=when)


def test_lists_official_courses_in_key_order(catalog: Any, api: APIClient) -> None:
    body = api.get(URL).json()

    assert body["count"] == 3
    assert [course["key"] for course in body["results"]] == sorted(course.key for course in catalog.courses)
    assert body["previous"] is None


def test_keys_ignores_unknown_keys(catalog: Any, api: APIClient) -> None:
    wanted = catalog.courses[1].key

    assert keys_of(api.get(URL, {"keys": f"{wanted},edX+Nope"})) == [wanted]


def test_keys_accepts_an_unencoded_plus(catalog: Any, api: APIClient) -> None:
    wanted = catalog.courses[1].key

    assert keys_of(api.get(f"{URL}?keys={wanted}")) == [wanted]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"editors": "alice"}, "editors"),
        ({"uuids": "1234"}, "uuids"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"timestamp": "2024-13-01"}, "timestamp"),
        ({"include_hidden_course_runs": "maybe"}, "include_hidden_course_runs"),
        ({"editable": "perhaps"}, "editable"),
        ({"exclude_utm": "2"}, "exclude_utm"),
        ({"course_run_statuses": "sleeping"}, "course_run_statuses"),
    ],
)
def test_malformed_parameters_are_a_400_naming_them(catalog: Any, api: APIClient, params: dict, name: str) -> None:
    response = api.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_timestamp_message_names_the_formats(catalog: Any, api: APIClient) -> None:
    message = api.get(URL, {"timestamp": "nope"}).json()["timestamp"][0]

    assert "YYYY-MM-DD" in message and "UTC" in message


def test_unknown_parameters_are_a_400_naming_them(catalog: Any, api: APIClient) -> None:
    response = api.get(URL, {"colour": "blue", "q": "zzyzzx"})

    assert response.status_code == 400
    assert set(response.json()) == {"colour"}
    assert keys_of(api.get(URL, {"q": "zzyzzx"})) == []


def test_uuids_filter(catalog: Any, api: APIClient) -> None:
    course = catalog.courses[2]

    assert keys_of(api.get(URL, {"uuids": str(course.uuid)})) == [course.key]


@pytest.mark.parametrize(
    "value",
    ["2024-06-01", "2024-06-01T00:00:00", "2024-06-01T00:00:00Z", "2024-06-01T02:00:00+02:00", "2024-06-01T00:00"],
)
def test_timestamp_selects_courses_changed_at_or_after_it(catalog: Any, api: APIClient, value: str) -> None:
    old, recent = catalog.courses[0], catalog.courses[1]
    for course in catalog.courses:
        set_timestamp(course, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    set_timestamp(recent, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))  # exactly the instant: included
    assert old.key != recent.key

    assert keys_of(api.get(URL, {"timestamp": value})) == [recent.key]


def test_timestamp_zone_offset_survives_an_unencoded_plus(catalog: Any, api: APIClient) -> None:
    for course in catalog.courses:
        set_timestamp(course, dt.datetime(2024, 6, 1, 1, tzinfo=dt.UTC))

    # 02:00+02:00 is 00:00 UTC: every course changed after it. (A "+" decodes to a space.)
    assert len(keys_of(api.get(f"{URL}?timestamp=2024-06-01T02:00:00+02:00"))) == 3
    assert keys_of(api.get(f"{URL}?timestamp=2024-06-01T04:00:00+02:00")) == []


def test_hidden_runs_are_left_out_unless_asked_for(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    hidden = course.course_runs.order_by("start").first()
    CourseRun._base_manager.filter(pk=hidden.pk).update(hidden=True)

    listed = api.get(f"{URL}{course.key}/").json()
    included = api.get(f"{URL}{course.key}/", {"include_hidden_course_runs": 1}).json()

    assert hidden.key not in listed["course_run_keys"]
    assert hidden.key in included["course_run_keys"]
    assert len(included["course_runs"]) == len(listed["course_runs"]) + 1


def test_published_course_runs_only(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    unpublished = course.course_runs.order_by("start").last()
    CourseRun._base_manager.filter(pk=unpublished.pk).update(status=CourseRunStatus.UNPUBLISHED)

    body = api.get(f"{URL}{course.key}/", {"published_course_runs_only": "1"}).json()

    assert unpublished.key not in body["course_run_keys"]
    assert {run["status"] for run in body["course_runs"]} == {"published"}


def test_marketable_flags_agree_with_the_queryset_rules(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    now = timezone.now()
    marketable_active = set(
        course_runs()
        .official()
        .filter(course=course, hidden=False)
        .marketable()
        .active(now)
        .values_list("key", flat=True)
    )
    marketable_enrollable = set(
        course_runs()
        .official()
        .filter(course=course, hidden=False)
        .marketable()
        .enrollable(now)
        .values_list("key", flat=True)
    )

    only = api.get(f"{URL}{course.key}/", {"marketable_course_runs_only": "true"}).json()
    with_archived = api.get(f"{URL}{course.key}/", {"marketable_enrollable_course_runs_with_archived": 1}).json()

    assert set(only["course_run_keys"]) == marketable_active
    assert set(with_archived["course_run_keys"]) == marketable_enrollable
    assert all(run["is_marketable"] for run in only["course_runs"])


def test_course_run_statuses_filter(catalog: Any, api: APIClient) -> None:
    course = catalog.courses[2]
    run = course.course_runs.order_by("start").last()
    CourseRun._base_manager.filter(pk=run.pk).update(status=CourseRunStatus.LEGAL_REVIEW)

    assert keys_of(api.get(URL, {"course_run_statuses": "in_review"})) == [course.key]
    assert keys_of(api.get(URL, {"course_run_statuses": "review_by_legal,archived"})) == [course.key]


def test_course_type_filter(catalog: Any, api: APIClient) -> None:
    slug = catalog.course.type.slug

    assert len(keys_of(api.get(URL, {"course_type": slug}))) == 3
    assert keys_of(api.get(URL, {"course_type": "no-such-type"})) == []


def test_ordering_is_stable_and_unknown_fields_are_a_400(catalog: Any, api: APIClient) -> None:
    descending = keys_of(api.get(URL, {"ordering": "-key"}))

    assert descending == sorted((course.key for course in catalog.courses), reverse=True)
    refused = api.get(URL, {"ordering": "secret_field"})
    assert refused.status_code == 400
    assert "secret_field" in refused.json()["ordering"][0]


def test_paging_by_page_and_by_limit_offset(catalog: Any, api: APIClient) -> None:
    every = keys_of(api.get(URL))
    pages = [keys_of(api.get(URL, {"page_size": 1, "page": page})) for page in (1, 2, 3)]
    window = api.get(URL, {"limit": 2, "offset": 1}).json()

    assert [key for page in pages for key in page] == every
    assert [course["key"] for course in window["results"]] == every[1:3]
    assert window["count"] == 3


def test_page_size_above_the_maximum_is_capped_not_refused(catalog: Any, api: APIClient) -> None:
    response = api.get(URL, {"page_size": 100_000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_detail_by_key_and_by_uuid(catalog: Any, api: APIClient) -> None:
    course = catalog.course

    by_key = api.get(f"{URL}{course.key}/")
    by_uuid = api.get(f"{URL}{course.uuid}/")

    assert by_key.status_code == by_uuid.status_code == 200
    assert by_key.json()["uuid"] == str(course.uuid)
    assert by_uuid.json()["key"] == course.key


@pytest.mark.parametrize("lookup", ["edX+Missing", "00000000-0000-0000-0000-000000000000", "garbage/"])
def test_unknown_detail_is_404(catalog: Any, api: APIClient, lookup: str) -> None:
    assert api.get(f"{URL}{lookup}/").status_code == 404


def test_computed_fields(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    body = api.get(f"{URL}{course.key}/").json()
    runs = {run["key"]: run for run in body["course_runs"]}

    assert body["course_run_keys"] == [run["key"] for run in body["course_runs"]]
    assert body["course_run_statuses"] == ["published"]
    assert body["advertised_course_run_uuid"] in {run["uuid"] for run in runs.values()}
    assert (
        body["marketing_url"]
        == f"https://www.example.org/course/{course.url_slug}?utm_source=reader&utm_medium=affiliate_partner"
    )
    for run in runs.values():
        assert run["availability"] in {"Current", "Starting Soon", "Upcoming", "Archived"}
        assert run["content_language_search_facet_name"] == "English"
        assert run["estimated_hours"] > 0
        assert run["type"] == "verified"
    assert body["skills"] == body["skill_names"] == []
    assert body["editable"] is False
    assert body["editors"] == body["watchers"] == []


def test_exclude_utm(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    body = api.get(f"{URL}{course.key}/", {"exclude_utm": 1}).json()

    assert body["marketing_url"] == f"https://www.example.org/course/{course.url_slug}"
    assert all("utm_" not in run["marketing_url"] for run in body["course_runs"])


def test_nested_lists_keep_their_order(catalog: Any, api: APIClient) -> None:
    course = catalog.course
    body = api.get(f"{URL}{course.key}/").json()

    assert [org["key"] for org in body["sponsors"]] == ["MITx", "edX"]
    assert [org["key"] for org in body["owners"]] == ["edX"]
    assert body["owners"][0]["tags"] == ["stem"]
    assert body["topics"] == ["Machine Learning", "Python"]
    assert [program["uuid"] for program in body["programs"]] == [str(catalog.program.uuid)]
    assert body["programs"][0]["number_of_courses"] == 3
