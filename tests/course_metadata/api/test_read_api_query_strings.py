"""q on courses/, course_runs/ and programs/, and pubq: course-discovery's query strings, answered by search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from course_metadata.selectors import query_strings
from course_metadata.selectors.query_strings import QueryStringMatcher, register_query_string_matcher
from tests.course_metadata.tracking.conftest import commit  # noqa: F401  (fixture)
from tests.factories import CourseFactory


def keys(response: Any, field: str = "key") -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [item[field] for item in response.json()["results"]]


@pytest.fixture
def titled(catalog: Any) -> Any:
    course = catalog.courses[1]
    course.title = "Médecine for Data Scientists"
    course.short_description = "Statistics of clinical trials"
    course.save()
    return course


def test_q_selects_courses_by_words_of_their_text(catalog: Any, titled: Any, api: APIClient) -> None:
    assert keys(api.get("/api/v1/courses/", {"q": "medecine"})) == [titled.key]
    assert keys(api.get("/api/v1/courses/", {"q": "title:scientist"})) == [titled.key]  # plural folded
    assert keys(api.get("/api/v1/courses/", {"q": '"clinical trial"'})) == [titled.key]
    assert keys(api.get("/api/v1/courses/", {"q": "zzyzzx"})) == []


def test_q_with_fields_and_operators(catalog: Any, titled: Any, api: APIClient) -> None:
    every = sorted(course.key for course in catalog.courses)
    assert keys(api.get("/api/v1/courses/", {"q": "*:*"})) == every
    assert keys(api.get("/api/v1/courses/", {"q": "org:edX"})) == every
    assert keys(api.get("/api/v1/courses/", {"q": "org:NoSuchOrg"})) == []
    assert keys(api.get("/api/v1/courses/", {"q": f"key:{titled.key} OR org:NoSuchOrg"})) == [titled.key]
    assert keys(api.get("/api/v1/courses/", {"q": "medecine NoSuchWord"})) == [titled.key]  # default OR
    assert keys(api.get("/api/v1/courses/", {"q": "+medecine +NoSuchWord"})) == []
    assert keys(api.get("/api/v1/courses/", {"q": "org:edX -medecine"})) == sorted(set(every) - {titled.key})
    assert keys(api.get("/api/v1/courses/", {"q": "id:course*"})) == every


def test_q_on_runs_and_programs(catalog: Any, api: APIClient, commit: Callable[[], None]) -> None:  # noqa: F811
    runs = sorted(run.key for course in catalog.courses for run in course.course_runs.filter(draft=False))
    assert keys(api.get("/api/v1/course_runs/", {"q": "org:edX", "page_size": "100"})) == runs
    # The requests above committed: a write now is a later transaction, which the index follows (within
    # one transaction, the change log keeps one entry per object, already indexed here).
    commit()
    hidden = catalog.course_run
    hidden.hidden = True
    hidden.save()
    assert keys(api.get("/api/v1/course_runs/", {"q": "hidden:true"})) == [hidden.key]
    program = catalog.program
    assert keys(api.get("/api/v1/programs/", {"q": f'title:"{program.title}"'}), "uuid") == [str(program.uuid)]
    assert keys(api.get("/api/v1/programs/", {"q": "org:NoSuchOrg"}), "uuid") == []


@pytest.mark.parametrize(
    ("url", "q", "message"),
    [
        ("/api/v1/courses/", "title:(data OR", "ends too early"),
        ("/api/v1/courses/", "subject_name:math", "unknown field 'subject_name'"),
        (
            "/api/v1/course_runs/",
            "org:edX AND start:soon",
            "not a date (YYYY-MM-DD, ISO 8601, now-1d) at column 19 ('soon')",
        ),
        ("/api/v1/programs/", "a OR OR b", "invalid query syntax: unexpected at column 6 ('OR')"),
    ],
)
def test_a_bad_q_is_a_400_saying_where(catalog: Any, api: APIClient, url: str, q: str, message: str) -> None:
    response = api.get(url, {"q": q})

    assert response.status_code == 400
    (detail,) = response.json()["q"]
    assert message in detail


def test_q_with_editable_is_refused(catalog: Any, staff_user: Any) -> None:
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.get("/api/v1/courses/", {"q": "org:edX", "editable": "1"})

    assert response.status_code == 400
    assert response.json() == {"q": ["q cannot be combined with editable=1."]}


def test_pubq_matches_key_or_title_in_any_case(catalog: Any, titled: Any, api: APIClient) -> None:
    assert keys(api.get("/api/v1/courses/", {"pubq": "DATA SCIENTISTS"})) == [titled.key]
    assert keys(api.get("/api/v1/courses/", {"pubq": titled.key.lower()})) == [titled.key]
    assert keys(api.get("/api/v1/courses/", {"pubq": "no such course"})) == []


def test_drafts_are_never_selected(catalog: Any, api: APIClient) -> None:
    draft = CourseFactory(partner=catalog.partner, authoring_organization=catalog.organization, draft=True)
    draft.title = "Unpublished zeugma"
    draft.save()
    assert keys(api.get("/api/v1/courses/", {"q": "zeugma"})) == []


@pytest.fixture
def unregistered() -> Iterator[None]:
    registered: QueryStringMatcher = query_strings.query_string_matcher()
    register_query_string_matcher(query_strings._unavailable)
    yield
    register_query_string_matcher(registered)


def test_without_a_search_layer_query_strings_fail_closed(catalog: Any, api: APIClient, unregistered: None) -> None:
    response = api.get("/api/v1/courses/", {"q": "org:edX"})
    assert response.status_code == 503
    assert "search" in response.json()["detail"]
    key = catalog.course_run.key
    assert api.get("/api/v1/course_runs/contains/", {"query": "*:*", "course_run_ids": key}).status_code == 503
    assert keys(api.get("/api/v1/courses/")), "without q, the list does not need search"


@pytest.mark.parametrize("url", ["/api/v1/courses/", "/api/v1/course_runs/", "/api/v1/programs/"])
def test_q_costs_the_same_queries_whatever_the_page_size(catalog: Any, api: APIClient, url: str) -> None:
    api.get(url, {"q": "org:edX"})  # the index catches up with the seeded catalog once
    counts = []
    for size in ("1", "100"):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url, {"q": "org:edX OR uuid:*", "page_size": size})
        assert response.status_code == 200
        counts.append((len(captured), len(response.json()["results"])))
    (few, one), (many, more) = counts
    assert one == 1 and more > 1
    assert few == many, counts
