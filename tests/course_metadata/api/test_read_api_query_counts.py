"""Every list endpoint runs the same number of SQL queries whatever the page size (1, 20 or 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.course_runs import CourseRunSerializer
from course_metadata.api.v1.serializers.courses import CourseSerializer
from course_metadata.api.v1.serializers.programs import ProgramSerializer
from course_metadata.selectors.courses import complete_course_runs, complete_courses, course_list, course_run_list
from course_metadata.selectors.programs import complete_programs, program_list
from dbkit.rows import as_rows
from tests.factories import StaffUserFactory

PAGE_SIZES = (1, 20, 500)

# endpoint -> the most queries a page may take (a regression guard; the real check is equality)
LIST_ENDPOINTS = {
    "/api/v1/courses/": 7,
    "/api/v1/courses/?include_hidden_course_runs=1&exclude_utm=1": 7,
    "/api/v1/course_runs/": 5,
    "/api/v1/programs/": 7,
    "/api/v1/programs/?use_full_course_serializer=1": 8,
    "/api/v1/programs/?extended=1": 7,
    "/api/v1/organizations/": 2,
    "/api/v1/people/": 2,
    "/api/v1/subjects/": 2,
    "/api/v1/topics/": 2,
    "/api/v1/pathways/": 8,
    "/api/v1/learner-pathway/": 9,
    "/api/v1/learner-pathway-step/": 9,
    "/api/v1/learner-pathway-course/": 3,
    "/api/v1/learner-pathway-program/": 5,
    "/api/v1/learner-pathway-block/": 2,
    "/api/v1/program_types/": 2,
    "/api/v1/course_types/": 2,
    "/api/v1/course_run_types/": 2,
}


def queries_for(client: APIClient, url: str, page_size: int) -> tuple[int, int]:
    separator = "&" if "?" in url else "?"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{url}{separator}page_size={page_size}")
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("url", sorted(LIST_ENDPOINTS))
def test_query_count_does_not_grow_with_the_page(url: str, catalog: Any, api: APIClient) -> None:
    api.get(url)  # warm per-process caches (content types, waffle switches) out of the measurement
    counts = {size: queries_for(api, url, size) for size in PAGE_SIZES}

    sizes = {size: results for size, (_, results) in counts.items()}
    assert sizes[1] == 1 and sizes[20] > 1, "the catalog must hold more than one object per endpoint"
    assert len({queries for queries, _ in counts.values()}) == 1, counts
    assert counts[20][0] <= LIST_ENDPOINTS[url], counts


def test_editable_course_list_is_constant_too(catalog: Any) -> None:
    client = APIClient()
    client.force_authenticate(StaffUserFactory())
    client.get("/api/v1/courses/?editable=1")
    counts = {size: queries_for(client, "/api/v1/courses/?editable=1", size) for size in PAGE_SIZES}

    assert len({queries for queries, _ in counts.values()}) == 1, counts
    assert counts[20][1] == len(catalog.courses)


@pytest.mark.parametrize("full_courses", [False, True])
def test_serializers_never_query(catalog: Any, full_courses: bool) -> None:
    courses = as_rows(course_list())
    complete_courses(courses)
    runs = complete_course_runs(list(course_run_list()))
    programs = as_rows(program_list())
    complete_programs(programs, full_courses=full_courses)
    context = {"read": ReadContext(full_courses=full_courses)}

    with CaptureQueriesContext(connection) as captured:
        serialized = [
            CourseSerializer(courses, many=True, context=context).data,
            CourseRunSerializer(runs, many=True, context=context).data,
            ProgramSerializer(programs, many=True, context=context).data,
        ]

    assert captured.captured_queries == []
    assert [len(data) for data in serialized] == [len(courses), len(runs), len(programs)]
