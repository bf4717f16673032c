"""The page-at-a-time write path of the loaders (course_runs_upsert, the seat sync), called as services.

What a page costs in queries does not grow with its size; an unchanged page writes nothing; a draft being
edited keeps its author's values; a bad item is reported and the rest of its page lands.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course_metadata.models import ChangeLogEntry, Course, CourseEntitlement, CourseRun, Organization, Partner, Seat
from course_metadata.services.course_run_upsert import RunInput, course_runs_upsert
from course_metadata.services.drafts import course_run_draft_update
from course_metadata.services.loading import (
    EntitlementInput,
    SeatInput,
    course_entitlements_load,
    course_run_seats_load,
    course_runs_load,
)
from course_metadata.services.studio_catalog import StudioCatalogInfo, course_run_apply_studio_catalog
from tests.factories import CourseFactory, CourseRunFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def run_input(org: str, number: str, run: str, **values: object) -> RunInput:
    fields = {"start": START, "end": START + dt.timedelta(weeks=10), "title_override": f"{number} {run}", **values}
    return RunInput(
        key=f"course-v1:{org}+{number}+{run}",
        run=fields,
        course={"title": f"{org} {number}", "short_description": f"What {number} teaches."},
    )


def page(count: int, org: str = "BatchX") -> list[RunInput]:
    return [run_input(org, f"N{i // 2}", f"{i % 2 + 1}T2030") for i in range(count)]


def outcomes_of(result: list) -> dict[str, str]:
    return {item.label: item.outcome for item in result if item.kind == "course_run"}


def test_a_first_load_creates_courses_runs_and_organizations_in_bulk(partner: Partner) -> None:
    outcomes = course_runs_load(partner=partner, inputs=page(6)).items
    assert set(outcomes_of(outcomes).values()) == {"created"}
    courses = Course.objects.official().filter(partner=partner, key__startswith="BatchX+").order_by("key")
    assert [c.key for c in courses] == ["BatchX+N0", "BatchX+N1", "BatchX+N2"]
    for course in courses:
        assert [o.key for o in course.authoring_organizations.all()] == ["BatchX"]
        assert course.canonical_course_run is not None and course.canonical_course_run.course_id == course.pk
        assert course.url_slug
        assert ChangeLogEntry.objects.filter(object_type="course", key=course.key).exists()
    assert list(Organization.objects.filter(partner=partner, key="BatchX").values_list("slug", flat=True)) == ["batchx"]
    assert CourseRun.objects.filter(key="course-v1:BatchX+N0+1T2030").get().history.count() == 1


def test_the_queries_of_a_page_do_not_grow_with_its_size(partner: Partner) -> None:
    with CaptureQueriesContext(connection) as small:
        course_runs_load(partner=partner, inputs=page(4, org="SmallX"))
    with CaptureQueriesContext(connection) as large:
        course_runs_load(partner=partner, inputs=page(40, org="LargeX"))
    # Ten times the items: the same statements (SQLite splits a bulk INSERT to stay under its 999 parameters).
    extra = 0 if connection.vendor == "postgresql" else 3
    assert len(small.captured_queries) <= len(large.captured_queries) <= len(small.captured_queries) + extra


def test_an_unchanged_page_writes_nothing_and_reads_a_few_times(partner: Partner) -> None:
    course_runs_load(partner=partner, inputs=page(10))
    entries = ChangeLogEntry.objects.count()
    with CaptureQueriesContext(connection) as rerun:
        outcomes = course_runs_load(partner=partner, inputs=page(10)).items
    assert set(outcomes_of(outcomes).values()) == {"unchanged"}
    assert ChangeLogEntry.objects.count() == entries
    writes = [
        q["sql"]
        for q in rerun.captured_queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []
    assert len(rerun.captured_queries) <= 5


def test_a_changed_page_is_written_with_history_and_change_log(partner: Partner) -> None:
    course_runs_load(partner=partner, inputs=page(4))
    changed = page(4)
    changed[1] = run_input("BatchX", "N0", "2T2030", end=START + dt.timedelta(weeks=20))
    outcomes = outcomes_of(course_runs_load(partner=partner, inputs=changed).items)
    assert outcomes["course-v1:BatchX+N0+2T2030"] == "updated"
    assert list(outcomes.values()).count("unchanged") == 3
    run = CourseRun.objects.get(key="course-v1:BatchX+N0+2T2030")
    assert run.end == START + dt.timedelta(weeks=20)
    assert run.history.count() == 2
    assert CourseRun.objects.get(key="course-v1:BatchX+N1+1T2030").history.count() == 1


def test_a_draft_being_edited_survives_a_batch(partner: Partner) -> None:
    course_runs_load(partner=partner, inputs=page(4))
    official = CourseRun.objects.get(key="course-v1:BatchX+N1+1T2030", draft=False)
    draft = course_run_draft_update(course_run=official, fields={"title_override": "The author's title"})
    changed = [
        run_input("BatchX", f"N{i // 2}", f"{i % 2 + 1}T2030", end=START + dt.timedelta(weeks=30), title_override="LMS")
        for i in range(4)
    ]
    course_runs_load(partner=partner, inputs=changed)
    draft.refresh_from_db()
    official.refresh_from_db()
    assert official.title_override == "LMS"
    assert draft.title_override == "The author's title"
    assert draft.end == official.end == START + dt.timedelta(weeks=30)  # what only the loader changed is merged


def test_a_bad_item_is_reported_and_the_rest_of_the_page_lands(partner: Partner) -> None:
    items = page(4)
    items.insert(1, RunInput(key="not a run key", run={}, course={}))
    items.insert(3, run_input("BatchX", "LONG", "1T2030", license="x" * 500))
    outcomes = course_runs_load(partner=partner, inputs=items).items
    failed = {item.label: item.reason for item in outcomes if item.outcome == "failed"}
    assert set(failed) == {"not a run key", "course-v1:BatchX+LONG+1T2030"}
    assert "course run key" in failed["not a run key"]
    assert "license" in failed["course-v1:BatchX+LONG+1T2030"]
    assert CourseRun.objects.filter(key__startswith="course-v1:BatchX+N").count() == 4
    assert not CourseRun.objects.filter(key="course-v1:BatchX+LONG+1T2030").exists()


def test_courses_of_one_page_with_one_title_get_distinct_slugs(partner: Partner) -> None:
    items = [
        RunInput(key=f"course-v1:SlugX+S{i}+1T2030", run={"start": START}, course={"title": "Same title"})
        for i in range(3)
    ]
    CourseFactory.create(partner=partner, number="OLD", title="Same title", url_slug="same-title")
    course_runs_load(partner=partner, inputs=items)
    slugs = sorted(Course.objects.filter(key__startswith="SlugX+").values_list("url_slug", flat=True))
    assert slugs == ["same-title-2", "same-title-3", "same-title-4"]


def test_studio_and_the_lms_loader_write_runs_through_one_service(course_run: CourseRun) -> None:
    """A run Studio announced is the run the loader finds; a new run joins its course with the latest run's type."""
    key = "course-v1:edX+CS101+3T2031"
    info = StudioCatalogInfo(course_run_key=key, name="From Studio", start=START, pacing="self")
    assert course_run_apply_studio_catalog(info=info).outcome == "created"
    created = CourseRun.objects.get(key=key)
    assert created.type_id == course_run.type_id
    result = course_runs_upsert(
        partner=course_run.course.partner,
        inputs=[RunInput(key=key, run={"title_override": "From Studio", "start": START}, course={})],
    )
    assert [r.outcome for r in result.results] == ["unchanged"]
    new = course_runs_upsert(
        partner=course_run.course.partner,
        inputs=[RunInput(key="course-v1:edX+CS101+4T2031", run={"start": START}, course={})],
    )
    assert new.results[0].outcome == "created"
    assert CourseRun.objects.get(key="course-v1:edX+CS101+4T2031").type_id == course_run.type_id


def test_a_run_under_another_course_fails_without_stopping_the_page(partner: Partner) -> None:
    stray_course = CourseFactory.create(partner=partner, number="STRAY")
    stray = CourseRunFactory.create(course=stray_course, key=f"course-v1:{stray_course.key}+1T2030")
    CourseRun.objects.filter(pk=stray.pk).update(key="course-v1:BatchX+N0+1T2030")  # data from before the rule
    outcomes = outcomes_of(course_runs_load(partner=partner, inputs=page(4)).items)
    assert outcomes["course-v1:BatchX+N0+1T2030"] == "failed"
    assert list(outcomes.values()).count("created") == 3


def seats(price: str) -> list[SeatInput]:
    return [
        SeatInput("verified", "USD", "", Decimal(price), "SKU1", None, None),
        SeatInput("audit", "USD", "", Decimal(0), "", None, None),
    ]


def test_seats_of_a_page_land_together_and_a_bad_seat_is_reported(partner: Partner) -> None:
    course_runs_load(partner=partner, inputs=page(4))
    keys = [item.key for item in page(4)]
    offers = {key: seats("49") for key in keys}
    offers[keys[2]] = [SeatInput("no-such-type", "USD", "", Decimal(1), "X", None, None)]
    outcomes = course_run_seats_load(partner=partner, offers=offers).items
    assert [o.label for o in outcomes if o.outcome == "failed"] == [f"{keys[2]} no-such-type USD"]
    assert Seat.objects.filter(course_run__key__in=keys).count() == 6
    entries = ChangeLogEntry.objects.count()
    again = course_run_seats_load(partner=partner, offers={key: seats("49") for key in keys[:2]}).items
    assert {o.outcome for o in again} == {"unchanged"}
    assert ChangeLogEntry.objects.count() == entries
    course_run_seats_load(partner=partner, offers={keys[0]: seats("59")})
    assert Seat.objects.get(course_run__key=keys[0], type__slug="verified").price == Decimal(59)


def savepoints(queries: CaptureQueriesContext) -> int:
    return sum(1 for query in queries.captured_queries if query["sql"].startswith("SAVEPOINT"))


def test_the_seats_of_a_page_cost_the_same_statements_whatever_its_size(partner: Partner) -> None:
    small_keys = [item.key for item in page(4, org="SmallX")]
    large_keys = [item.key for item in page(40, org="LargeX")]
    course_runs_load(partner=partner, inputs=page(4, org="SmallX") + page(40, org="LargeX"))
    with CaptureQueriesContext(connection) as small:
        course_run_seats_load(partner=partner, offers={key: seats("49") for key in small_keys})
    with CaptureQueriesContext(connection) as large:
        course_run_seats_load(partner=partner, offers={key: seats("49") for key in large_keys})
    assert Seat.objects.filter(course_run__key__in=large_keys).count() == 80
    # No savepoint per run (only the bulk writes' own): the new seats are one bulk INSERT (SQLite splits it).
    assert savepoints(large) == savepoints(small) <= 4
    extra = 0 if connection.vendor == "postgresql" else 3
    assert len(small.captured_queries) <= len(large.captured_queries) <= len(small.captured_queries) + extra
    # Changed prices: one bulk UPDATE for the page, with history rows.
    with CaptureQueriesContext(connection) as changed_small:
        outcomes = course_run_seats_load(partner=partner, offers={key: seats("59") for key in small_keys}).items
    with CaptureQueriesContext(connection) as changed_large:
        course_run_seats_load(partner=partner, offers={key: seats("59") for key in large_keys})
    assert {(o.label.split()[1], o.outcome) for o in outcomes} == {("verified", "updated"), ("audit", "unchanged")}
    assert len(changed_large.captured_queries) <= len(changed_small.captured_queries) + extra
    assert Seat.objects.get(course_run__key=large_keys[0], type__slug="verified").price == Decimal(59)
    assert Seat.objects.get(course_run__key=large_keys[0], type__slug="verified").history.count() == 2


def test_entitlements_of_a_page_cost_the_same_statements_whatever_its_size(partner: Partner) -> None:
    course_runs_load(partner=partner, inputs=page(4, org="SmallX") + page(40, org="LargeX"))

    def inputs(org: str, price: str) -> list[EntitlementInput]:
        courses = Course.objects.official().filter(partner=partner, key__startswith=f"{org}+").order_by("key")
        return [EntitlementInput(str(c.uuid), "verified", Decimal(price), "USD", f"E{c.key}") for c in courses]

    with CaptureQueriesContext(connection) as small:
        course_entitlements_load(partner=partner, inputs=inputs("SmallX", "99"))
    with CaptureQueriesContext(connection) as large:
        outcomes = course_entitlements_load(partner=partner, inputs=inputs("LargeX", "99")).items
    assert {o.outcome for o in outcomes} == {"created"} and len(outcomes) == 20
    assert savepoints(large) == savepoints(small) <= 4
    extra = 0 if connection.vendor == "postgresql" else 3
    assert len(small.captured_queries) <= len(large.captured_queries) <= len(small.captured_queries) + extra
    again = course_entitlements_load(partner=partner, inputs=inputs("LargeX", "109")).items
    assert {o.outcome for o in again} == {"updated"}
    assert {e.price for e in CourseEntitlement.objects.filter(course__key__startswith="LargeX+")} == {Decimal(109)}


def test_new_and_changed_seats_do_not_read_their_runs_as_rows(partner: Partner) -> None:
    keys = [item.key for item in page(6)]
    course_runs_load(partner=partner, inputs=page(6))
    # A run row has some sixty columns (and field trackers); the seats need only its primary key and key.
    for price in ("49", "59"):
        with CaptureQueriesContext(connection) as queries:
            outcomes = course_run_seats_load(partner=partner, offers={key: seats(price) for key in keys}).items
        assert not [
            q["sql"] for q in queries.captured_queries if '"course_metadata_courserun"."title_override"' in q["sql"]
        ]
        assert {o.outcome for o in outcomes if "verified" in o.label} == {"created" if price == "49" else "updated"}
    run = CourseRun.objects.get(key=keys[0])
    assert sorted((s.type.slug, s.price) for s in run.seats.all()) == [("audit", Decimal(0)), ("verified", Decimal(59))]
    assert ChangeLogEntry.objects.filter(object_type="courserun", key=keys[0]).count() >= 1
