"""The importer's course pages as a service: new courses land in bulk, unchanged ones cost nothing.

A page of new courses (with runs, staff, seats, entitlements, links and topics) costs the same statements
whatever its size; importing the same page again writes nothing and reads a constant number of times; a
course that cannot be written is reported and the rest of its page lands.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course_metadata.models import Course, CourseRun, Organization, Partner, Person, Seat
from course_metadata.services.importing_courses import CourseImport, RunImport, SeatImport, courses_import
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def course_import(org: Organization, number: str, staff: Person) -> CourseImport:
    key = f"{org.key}+{number}"
    runs = [
        RunImport(
            uuid=str(uuid.uuid4()),
            key=f"course-v1:{key}+{term}T2030",
            values={"title_override": "", "pacing_type": "self_paced"},
            staff=[str(staff.uuid)],
            run_type=None,
            seats=[
                SeatImport("audit", "USD", "", {"price": Decimal(0), "sku": f"A{number}{term}"}),
                SeatImport("verified", "USD", "", {"price": Decimal(49), "sku": f"V{number}{term}"}),
            ],
        )
        for term in (1, 2)
    ]
    return CourseImport(
        uuid=str(uuid.uuid4()),
        key=key,
        values={"title": f"Course {number}", "short_description": "About it."},
        type=None,
        owners=[str(org.uuid)],
        sponsors=[],
        subjects=[],
        topics=["Python", f"Topic {number}"],
        runs=runs,
        entitlements=[("verified", {"price": Decimal(99), "currency": "USD", "sku": f"E{number}"})],
        canonical_run_key=runs[1].key,
    )


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().split()[0].upper() in WRITES]


def test_a_page_of_new_courses_costs_the_same_statements_whatever_its_size(partner: Partner) -> None:
    org = OrganizationFactory.create(partner=partner, key="ImpX")
    staff = PersonFactory.create()
    small = [course_import(org, f"S{i}", staff) for i in range(2)]
    large = [course_import(org, f"L{i}", staff) for i in range(20)]
    with CaptureQueriesContext(connection) as small_queries:
        courses_import(partner=partner, courses=small)
    with CaptureQueriesContext(connection) as large_queries:
        outcomes = courses_import(partner=partner, courses=large).items
    assert {(o.kind, o.outcome) for o in outcomes} == {
        ("course", "created"),
        ("course_run", "created"),
        ("seat", "created"),
        ("entitlement", "created"),
    }
    extra = 0 if connection.vendor == "postgresql" else 6  # SQLite splits a bulk INSERT under its limit
    assert len(small_queries.captured_queries) <= len(large_queries.captured_queries)
    assert len(large_queries.captured_queries) <= len(small_queries.captured_queries) + extra
    course = Course.objects.get(partner=partner, key="ImpX+L7", draft=False)
    assert str(course.uuid) == large[7].uuid
    assert course.url_slug
    assert list(course.authoring_organizations.values_list("key", flat=True)) == ["ImpX"]
    assert sorted(course.topics.names()) == ["Python", "Topic L7"]
    assert course.entitlements.get().price == Decimal(99)
    assert course.canonical_course_run is not None and course.canonical_course_run.key.endswith("+2T2030")
    run = CourseRun.objects.get(key="course-v1:ImpX+L7+1T2030")
    assert [p.pk for p in run.staff.all()] == [staff.pk]
    assert run.history.count() == 1
    assert Seat.objects.filter(course_run__course=course).count() == 4

    # The same pages again: nothing written, and the reads do not grow with the page either.
    with CaptureQueriesContext(connection) as small_again:
        courses_import(partner=partner, courses=small)
    with CaptureQueriesContext(connection) as large_again:
        again = courses_import(partner=partner, courses=large).items
    assert {o.outcome for o in again} == {"unchanged"}
    assert writes(large_again) == []
    assert len(large_again.captured_queries) == len(small_again.captured_queries)


def test_a_course_that_cannot_be_written_is_reported_and_the_rest_lands(partner: Partner) -> None:
    org = OrganizationFactory.create(partner=partner, key="ImpX")
    staff = PersonFactory.create()
    page = [course_import(org, f"N{i}", staff) for i in range(3)]
    orphan = course_import(org, "N9", staff)
    page.insert(1, CourseImport(**{**orphan.__dict__, "owners": [str(uuid.uuid4())]}))
    outcomes = courses_import(partner=partner, courses=page).items
    failed = [(o.label, o.reason) for o in outcomes if o.outcome == "failed"]
    assert len(failed) == 1 and failed[0][0] == "ImpX+N9" and "unknown organization" in failed[0][1]
    assert sorted(Course.objects.filter(partner=partner).values_list("key", flat=True)) == [
        "ImpX+N0",
        "ImpX+N1",
        "ImpX+N2",
    ]
    assert not CourseRun.objects.filter(key__startswith="course-v1:ImpX+N9+").exists()
