"""Whatever a client sends, the read API answers with data or a 4xx: never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

PARAMETERS = {
    "/api/v1/courses/": [
        "q",
        "pubq",
        "keys",
        "uuids",
        "timestamp",
        "editable",
        "course_run_statuses",
        "course_type",
        "include_hidden_course_runs",
        "marketable_course_runs_only",
        "published_course_runs_only",
        "exclude_utm",
        "ordering",
        "page",
        "page_size",
        "limit",
        "offset",
    ],
    "/api/v1/course_runs/": ["q", "keys", "hidden", "active", "marketable", "license", "timestamp", "ordering", "page"],
    "/api/v1/course_runs/contains/": ["query", "course_run_ids"],
    "/api/v1/programs/": ["q", "uuids", "types", "status", "marketable", "hidden", "marketing_slug", "uuids_only"],
    "/api/v1/people/": ["slug", "org", "uuids"],
    "/api/v1/pathways/": ["status"],
    "/api/v1/learner-pathway/": ["uuid"],
    "/api/v1/learner-pathway/uuids/": ["course_keys", "program_uuids"],
}

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["1", "0", "true", "", "-1", "9" * 30, "2024-02-30", "\x00", "edX+CS101", "course-v1:a+b+c"]),
    # Query strings, well- and ill-formed.
    st.sampled_from(["*:*", "org:edX", "title:(a OR", "nope:x", "start:[2024 TO *]", "id:course*", "a AND"]),
)


@pytest.mark.parametrize("url", sorted(PARAMETERS))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_no_query_string_causes_a_server_error(url: str, data: Any, catalog: Any, api: APIClient) -> None:
    names = st.sampled_from([*PARAMETERS[url], "unknown"])
    query = data.draw(st.dictionaries(names, values, max_size=4))

    response = api.get(url, query)

    assert response.status_code in {200, 400, 403, 404}, (query, response.content[:300])
    if response.status_code == 400:
        assert set(response.json()) <= {*PARAMETERS[url], "unknown"}, "a 400 names the parameter at fault"
    if "unknown" in query:  # an undeclared parameter is refused whatever the others hold (ADR 0047)
        assert response.status_code == 400 and set(response.json()) == {"unknown"}, (query, response.content[:300])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/courses/%00/",
        "/api/v1/courses/edX%2BCS101%2B%2B/",
        "/api/v1/course_runs/%00x/",
        "/api/v1/programs/123/",
        "/api/v1/pathways/99999999999999999999999/",
        "/api/v1/learner-pathway/zzz/snapshot/",
        "/api/v1/level_types/%00/",
        "/api/v1/organizations/not-a-uuid/",
    ],
)
def test_odd_lookups_are_404(path: str, catalog: Any, api: APIClient) -> None:
    assert api.get(path).status_code == 404
