"""catalogs/{id}/courses/, contains/, csv/, content_metadata/, explain/ and catalog/query_contains/."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Catalog
from tests.catalog.conftest import DAY, make_course, run_keys
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_catalog, run_consumer) -> dict:
    past = timezone.now() - 200 * DAY
    a1 = make_course(org_key="edX", number="A1", runs=[{"start": past}, {}])
    b2 = make_course(org_key="edX", number="B2", runs=[{"hidden": True}, {}])
    m1 = make_course(org_key="MITx", number="M1", runs=[{}])
    program = ProgramFactory(partner=a1.partner, courses=[a1, m1])
    run_consumer()
    return {
        "a1": a1,
        "b2": b2,
        "m1": m1,
        "program": program,
        "edx": make_catalog({"org": "edX", "content_type": "course"}),
        "mitx_runs": make_catalog({"org": "MITx", "content_type": "courserun"}),
        "everything": make_catalog({}, include_archived=True),
    }


def url(catalog: Catalog, action: str) -> str:
    return f"/api/v1/catalogs/{catalog.pk}/{action}/"


def test_courses_lists_courses_with_their_current_runs(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    body = api_client.get(url(world["edx"], "courses")).json()
    assert [course["key"] for course in body["results"]] == ["edX+A1", "edX+B2"]
    a1 = body["results"][0]
    # The archived run is left out (include_archived is off); hidden runs never show.
    assert [run["key"] for run in a1["course_runs"]] == run_keys(world["a1"])[1:]
    assert [run["key"] for run in body["results"][1]["course_runs"]] == run_keys(world["b2"])[1:]


def test_courses_of_a_run_catalog_and_archived_runs_when_included(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    runs_only = api_client.get(url(world["mitx_runs"], "courses")).json()
    assert [course["key"] for course in runs_only["results"]] == ["MITx+M1"]
    everything = api_client.get(url(world["everything"], "courses")).json()
    a1 = next(course for course in everything["results"] if course["key"] == "edX+A1")
    assert [run["key"] for run in a1["course_runs"]] == run_keys(world["a1"])


def test_courses_costs_the_same_queries_whatever_the_page_size(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    counts = []
    for size in (1, 20, 500):
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(url(world["everything"], "courses"), {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_contains(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    a1_runs, m1_runs = run_keys(world["a1"]), run_keys(world["m1"])
    response = api_client.get(
        url(world["edx"], "contains"),
        {"course_id": f"edX+A1,MITx+M1,{world['b2'].uuid},unknown", "course_run_id": f"{a1_runs[0]},{m1_runs[0]}"},
    )
    # Runs are answered under "courses" too, as the incumbent does; a catalog holding a course holds its runs.
    assert response.json() == {
        "courses": {
            "edX+A1": True,
            "MITx+M1": False,
            str(world["b2"].uuid): True,
            "unknown": False,
            a1_runs[0]: True,
            m1_runs[0]: False,
        },
    }
    runs = api_client.get(url(world["mitx_runs"], "contains"), {"course_id": "MITx+M1", "course_run_id": m1_runs[0]})
    assert runs.json() == {"courses": {"MITx+M1": True, m1_runs[0]: True}}
    assert api_client.get(url(world["edx"], "contains")).status_code == 400


def test_csv_streams_one_row_per_run(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    response = api_client.get(url(world["edx"], "csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["course_run_key"] for row in rows] == run_keys(world["a1"])[1:] + run_keys(world["b2"])[1:]
    assert rows[0]["course_key"] == "edX+A1"
    assert rows[0]["seat_types"] == "verified"
    everything = api_client.get(url(world["everything"], "csv"), HTTP_ACCEPT="text/csv")
    keys = [
        row["course_run_key"] for row in csv.DictReader(io.StringIO(b"".join(everything.streaming_content).decode()))
    ]
    assert run_keys(world["a1"])[0] in keys  # archived, included by this catalog


def test_content_metadata_returns_full_documents(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    everything = world["everything"]
    program_key = str(world["program"].uuid)
    response = api_client.get(url(everything, "content_metadata"), {"content_keys": f"edX+A1,{program_key},nope"})
    assert response.status_code == 200
    results = {item["content_key"]: item for item in response.json()["results"]}
    assert set(results) == {"edX+A1", program_key}
    course = results["edX+A1"]
    assert course["content_type"] == "course"
    assert course["aggregation_key"] == "course:edX+A1"
    assert course["course_runs"]  # the read API's course representation
    assert course["organizations"] == ["edX"]  # and the catalog document's fields
    assert results[program_key]["courses"][0]["key"] == "edX+A1"
    too_many = ",".join(f"k{index}" for index in range(101))
    assert api_client.get(url(everything, "content_metadata"), {"content_keys": too_many}).status_code == 400


def test_content_metadata_pages_cost_the_same_queries(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    counts = []
    for size in (1, 20, 100):
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(url(world["everything"], "content_metadata"), {"page_size": size, "page": 1})
        assert response.status_code == 200
        counts.append(len(queries))
    # One query per content type present in the page at most: the bigger pages hold all four kinds.
    assert counts[1] == counts[2]
    assert counts[0] <= counts[1]


def test_explain_says_clause_by_clause_why(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    member = api_client.get(url(world["edx"], "explain"), {"content_key": "edX+A1"}).json()
    (result,) = member["results"]
    assert result["matches"] and result["member"]
    assert {line["key"]: line["matches"] for line in result["clauses"]} == {
        "content_type": True,
        "org": True,
        "include_learner_pathways": True,
    }
    outsider = api_client.get(url(world["edx"], "explain"), {"content_key": "MITx+M1"}).json()["results"][0]
    assert not outsider["matches"] and not outsider["member"]
    org = next(line for line in outsider["clauses"] if line["key"] == "org")
    assert org == {
        "key": "org",
        "field": "org",
        "lookup": "exact",
        "values": ["edX"],
        "null": False,
        "content_values": ["MITx"],
        "matches": False,
    }
    assert api_client.get(url(world["edx"], "explain")).status_code == 400
    assert api_client.get(url(world["edx"], "explain"), {"content_key": "nope"}).status_code == 404


def test_query_contains(api_client, user, world):
    api_client.force_authenticate(user)
    a1_runs = run_keys(world["a1"])
    response = api_client.get(
        "/api/v1/catalog/query_contains/",
        {"query": "org:edX", "course_run_ids": f"{a1_runs[1]},unknown", "course_uuids": f"{world['m1'].uuid}"},
    )
    assert response.status_code == 200
    assert response.json() == {a1_runs[1]: True, "unknown": False, str(world["m1"].uuid): False}
    as_json = api_client.get(
        "/api/v1/catalog/query_contains/", {"query": '{"org": "MITx"}', "course_uuids": str(world["m1"].uuid)}
    )
    assert as_json.json() == {str(world["m1"].uuid): True}
    bad = api_client.get("/api/v1/catalog/query_contains/", {"query": "org__x:1", "course_run_ids": "a"})
    assert bad.status_code == 400
    assert "unknown field 'org__x'" in bad.json()["query"][0]
    assert api_client.get("/api/v1/catalog/query_contains/", {"query": "org:edX"}).status_code == 400


def test_catalog_resource_as_the_incumbent_shows_it(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)
    listed = {row["id"]: row for row in api_client.get("/api/v1/catalogs/").json()["results"]}
    one = api_client.get(f"/api/v1/catalogs/{world['edx'].pk}/").json()

    assert one["name"] == world["edx"].title and one["query"] == 'content_type:"course" AND org:"edX"'
    # Courses whose course or one of whose runs is a member: every course for {}, one for the MITx runs.
    assert (one["courses_count"], listed[world["mitx_runs"].pk]["courses_count"]) == (2, 1)
    assert listed[world["everything"].pk]["courses_count"] == 3 and listed[world["edx"].pk] == one


def test_unknown_viewers_are_created_as_the_incumbent_does(api_client, staff_user, world):
    api_client.force_authenticate(staff_user)

    response = api_client.post(
        "/api/v1/catalogs/",
        {"title": "For partners", "query": "org:edX", "viewers": "partner-a, partner-b"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["viewers"] == ["partner-a", "partner-b"]
    created = get_user_model().objects.get(username="partner-a")
    assert not created.has_usable_password()
    bad = api_client.post(
        "/api/v1/catalogs/", {"title": "x", "query": "org:edX", "viewers": ["no spaces allowed"]}, format="json"
    )
    assert bad.status_code == 400 and list(bad.json()) == ["viewers"]


def test_query_contains_without_the_trailing_slash(api_client, user, world):
    api_client.force_authenticate(user)

    response = api_client.get(
        "/api/v1/catalog/query_contains", {"query": "org:MITx", "course_uuids": str(world["m1"].uuid)}
    )

    assert response.json() == {str(world["m1"].uuid): True}


@pytest.mark.parametrize(
    ("query", "a1_run", "m1"),
    [
        ("org:NoSuchOrg", False, False),
        ("*:*", True, True),
        ("org:MITx org:NoSuchOrg", False, True),  # course-discovery's default operator is OR
        ("org:(edX OR MITx) AND -org:MITx", True, False),  # forms a catalog's own query tree cannot hold
        ("id:course*", True, True),
    ],
)
def test_query_contains_reads_query_strings_as_course_discovery_does(api_client, user, world, query, a1_run, m1):
    api_client.force_authenticate(user)
    run = run_keys(world["a1"])[0]
    response = api_client.get(
        "/api/v1/catalog/query_contains/",
        {"query": query, "course_run_ids": run, "course_uuids": str(world["m1"].uuid)},
    )
    assert response.json() == {run: a1_run, str(world["m1"].uuid): m1}
