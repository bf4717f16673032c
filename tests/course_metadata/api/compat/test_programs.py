"""programs/ as course-discovery's clients call it: the detail's fields, the extended list, runs nested in
programs, and marketing URLs without tracking parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from course_metadata.models import CourseEntitlement, SeatType
from tests.course_metadata.api.compat.shapes import PROGRAM_DETAIL, PROGRAM_EXTENDED, PROGRAM_LIST, check

URL = "/api/v1/programs/"


def test_detail_has_every_field_of_the_incumbent_detail(catalog: Any, api: APIClient) -> None:
    body = api.get(f"{URL}{catalog.program.uuid}/").json()

    assert check(body, PROGRAM_DETAIL) == []


def test_list_and_extended_list_shapes(catalog: Any, api: APIClient) -> None:
    plain = api.get(URL).json()["results"]
    extended = api.get(URL, {"extended": 1}).json()["results"]

    assert [problem for program in plain for problem in check(program, PROGRAM_LIST)] == []
    assert [problem for program in extended for problem in check(program, PROGRAM_EXTENDED)] == []


def test_detail_values_come_from_the_programs_courses_and_runs(catalog: Any, api: APIClient) -> None:
    program = catalog.program
    body = api.get(f"{URL}{program.uuid}/").json()
    runs = [run for course in program.courses.all() for run in course.course_runs.all()]
    listed = [run for run in runs if run not in program.excluded_course_runs.all() and not run.hidden]

    assert body["applicable_seat_types"] == [seat.slug for seat in program.type.applicable_seat_types.order_by("name")]
    assert body["languages"] == sorted({run.content_language for run in listed if run.content_language})
    assert body["transcript_languages"] == sorted({code for run in listed for code in run.transcript_languages})
    assert body["topics"] == sorted({tag.name for course in program.courses.all() for tag in course.topics.all()})
    subjects = {subject.uuid for course in program.courses.all() for subject in course.subjects.all()}
    assert {subject["uuid"] for subject in body["subjects"]} == {str(uuid) for uuid in subjects}
    assert {person["uuid"] for person in body["staff"]} <= {str(person.uuid) for person in catalog.people}
    assert all(person["email"] is None for person in body["staff"])
    weeks = [run.weeks_to_complete for run in listed if run.weeks_to_complete is not None]
    assert (body["weeks_to_complete_min"], body["weeks_to_complete_max"]) == (min(weeks), max(weeks))


def test_price_ranges_count_the_canonical_seats_and_entitlements_of_applicable_types(
    catalog: Any, api: APIClient
) -> None:
    program = catalog.program
    program.type.applicable_seat_types.set(SeatType.objects.filter(slug="verified"))
    CourseEntitlement.objects.filter(course__in=program.courses.all()).delete()
    seats = [
        seat
        for course in program.courses.all()
        for seat in course.canonical_course_run.seats.filter(type__slug="verified")
        if course.canonical_course_run not in program.excluded_course_runs.all()
    ]

    ranges = api.get(f"{URL}{program.uuid}/").json()["price_ranges"]

    prices = [seat.price for seat in seats]
    assert ranges == [
        {"currency": "USD", "min": float(min(prices)), "max": float(max(prices)), "total": float(sum(prices))}
    ]
    first = program.courses.first()
    CourseEntitlement.objects.create(
        course=first, mode=SeatType.objects.get(slug="verified"), price=Decimal("500.00"), currency="USD"
    )
    with_entitlement = api.get(f"{URL}{program.uuid}/").json()["price_ranges"][0]
    replaced = [seat.price for seat in seats if seat.course_run.course_id != first.pk]
    assert with_entitlement["max"] == 500.0 and with_entitlement["total"] == float(sum(replaced) + 500)


def test_marketing_url_has_no_tracking_parameters_as_the_incumbent(catalog: Any, api: APIClient) -> None:
    program = catalog.program
    body = api.get(f"{URL}{program.uuid}/").json()

    assert body["marketing_url"] == (
        f"{catalog.partner.marketing_site_url_root.rstrip('/')}/{program.type.slug.lower()}/{program.marketing_slug}"
    )
    runs = [run for course in body["courses"] for run in course["course_runs"]]
    assert all("utm_source=" in run["marketing_url"] for run in runs if run["marketing_url"])


def test_a_marketing_slug_with_a_slash_is_the_whole_path(catalog: Any, api: APIClient) -> None:
    program = catalog.program
    program.marketing_slug = "masters/program/some-path"
    program.save()

    body = api.get(f"{URL}{program.uuid}/").json()

    assert body["marketing_url"].endswith("/masters/program/some-path")


def test_detail_takes_as_many_queries_whatever_the_number_of_courses(catalog: Any, api: APIClient) -> None:
    def queries(uuid: Any) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"{URL}{uuid}/").status_code == 200
        return len(captured.captured_queries)

    api.get(f"{URL}{catalog.program.uuid}/")  # per-process caches out of the measurement
    counts = {queries(catalog.program.uuid), queries(catalog.degree.uuid)}

    assert catalog.program.courses.count() != catalog.degree.courses.count()
    assert len(counts) == 1 and counts.pop() <= 9


def test_pathways_nest_programs_as_the_programs_list_and_their_run_statuses(catalog: Any, api: APIClient) -> None:
    body = api.get(f"/api/v1/pathways/{catalog.pathway.pk}/").json()
    listed = {row["uuid"]: row for row in api.get(URL).json()["results"]}

    assert [program["uuid"] for program in body["programs"]] == [
        str(program.uuid) for program in catalog.pathway.programs.all()
    ]
    assert all(program == listed[program["uuid"]] for program in body["programs"])
    assert body["course_run_statuses"] == sorted(
        {status for program in body["programs"] for status in program["course_run_statuses"]}
    )
    assert check(body["programs"], [PROGRAM_LIST]) == []
