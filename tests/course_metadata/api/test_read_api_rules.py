"""The run rules in Python (serializers) agree with their SQL twins (filters), and the computed fields."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from course_metadata.api.v1 import params
from course_metadata.models import CourseRun, CourseRunStatus
from course_metadata.selectors import course_runs as rules
from dbkit.rows import Row
from tests.factories import CourseFactory, CourseRunFactory, CourseRunTypeFactory, SeatFactory, SeatTypeFactory

DAY = dt.timedelta(days=1)


@pytest.fixture
def grid_runs(organization: Any) -> list[CourseRun]:
    """Runs over a grid of dates (past, future, none), statuses, hidden flags, run types and seats."""
    now = timezone.now()
    course = CourseFactory(partner=organization.partner, authoring_organization=organization)
    unmarketable_type = CourseRunTypeFactory(slug="internal-only", is_marketable=False)
    runs = []
    moments = (now - 10 * DAY, now + 10 * DAY, None)
    for index, (end, enrollment_start, enrollment_end) in enumerate(itertools.product(moments, moments[::2], moments)):
        run = CourseRunFactory(
            course=course,
            start=now - 20 * DAY if index % 2 else now + 30 * DAY,
            end=end,
            enrollment_start=enrollment_start,
            enrollment_end=enrollment_end,
            status=CourseRunStatus.PUBLISHED if index % 3 else CourseRunStatus.UNPUBLISHED,
            type=unmarketable_type if index % 7 == 0 else CourseRunTypeFactory(),
            hidden=index % 5 == 0,
        )
        if index % 4:
            SeatFactory(course_run=run, upgrade_deadline=None)
        runs.append(run)
    return runs


def test_python_rules_agree_with_the_queryset_methods(grid_runs: list[CourseRun]) -> None:
    now = timezone.now()
    runs = rules.course_runs().filter(pk__in=[run.pk for run in grid_runs])
    loaded = rules.run_rows(runs)

    assert {run.pk for run in loaded if rules.is_marketable(run)} == set(runs.marketable().values_list("pk", flat=True))
    assert {run.pk for run in loaded if rules.is_enrollable(run, now)} == set(
        runs.enrollable(now).values_list("pk", flat=True)
    )
    assert {run.pk for run in loaded if rules.is_active(run, now)} == set(runs.active(now).values_list("pk", flat=True))
    meanings = {
        "archived": lambda run: rules.reported_status(run, now) == "archived",
        "published": lambda run: rules.reported_status(run, now) == "published",
        "unsubmitted": lambda run: run.status == CourseRunStatus.UNPUBLISHED and not rules.has_ended(run, now),
        "in_review": lambda run: run.status in rules.IN_REVIEW_STATUSES,
    }
    for status, meaning in meanings.items():
        expected = {run.pk for run in loaded if not run.hidden and meaning(run)}
        assert expected == set(runs.with_statuses([status], now).values_list("pk", flat=True)), status
    assert any(rules.is_marketable(run) for run in loaded) and not all(rules.is_marketable(run) for run in loaded)


def run_at(**fields: Any) -> Row:
    """A run row (as the read path loads it) with only what a rule reads."""
    defaults = dict.fromkeys(
        ("start", "end", "enrollment_start", "enrollment_end", "min_effort", "max_effort", "weeks_to_complete")
    )
    return Row(
        {
            **defaults,
            "pk": 1,
            "draft": False,
            "hidden": False,
            "status": CourseRunStatus.PUBLISHED,
            "slug": "a-run",
            "type_is_marketable": True,
            "seats": [],
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (-5, 10, "Current"),
        (5, 30, "Starting Soon"),
        (59, 90, "Starting Soon"),
        (61, 90, "Upcoming"),
        (None, None, "Upcoming"),
        (-30, -1, "Archived"),
        (None, -1, "Archived"),
    ],
)
def test_availability(start: int | None, end: int | None, expected: str) -> None:
    now = timezone.now()
    run = run_at(
        start=now + start * DAY if start is not None else None, end=now + end * DAY if end is not None else None
    )

    assert rules.availability(run, now) == expected


def test_course_run_statuses_report_over_unpublished_runs_as_archived() -> None:
    now = timezone.now()
    runs = [
        run_at(status=CourseRunStatus.UNPUBLISHED, end=now - DAY),
        run_at(status=CourseRunStatus.UNPUBLISHED, end=now + DAY),
        run_at(status=CourseRunStatus.PUBLISHED, end=now - DAY),
        run_at(status=CourseRunStatus.LEGAL_REVIEW, hidden=True),
    ]

    assert rules.course_run_statuses(runs, now) == ["archived", "published", "unpublished"]


def test_advertised_course_run_prefers_open_started_then_soonest_upcoming(organization: Any) -> None:
    now = timezone.now()
    course = CourseFactory(partner=organization.partner, authoring_organization=organization)

    def run(start_days: int, *, open_enrollment: bool = True) -> CourseRun:
        created = CourseRunFactory(
            course=course,
            start=now + start_days * DAY,
            end=now + (start_days + 60) * DAY,
            enrollment_start=now - 100 * DAY,
            enrollment_end=now + (100 if open_enrollment else -1) * DAY,
        )
        SeatFactory(course_run=created)
        return created

    closed_recent = run(-2, open_enrollment=False)
    upcoming_late, upcoming_soon = run(40), run(10)
    loaded = rules.run_rows(course.course_runs.all())
    advertised = rules.advertised_course_run(loaded, now)
    assert advertised is not None and advertised.pk == upcoming_soon.pk

    started_early, started_late = run(-20), run(-5)
    loaded = rules.run_rows(course.course_runs.all())
    advertised = rules.advertised_course_run(loaded, now)
    assert advertised is not None and advertised.pk == started_late.pk
    assert {closed_recent.pk, upcoming_late.pk, started_early.pk}.isdisjoint({upcoming_soon.pk, started_late.pk})


def test_first_enrollable_paid_seat_price(organization: Any) -> None:
    now = timezone.now()
    run = CourseRunFactory(
        course=CourseFactory(partner=organization.partner, authoring_organization=organization),
        enrollment_start=now - DAY,
        enrollment_end=now + DAY,
    )
    SeatFactory(course_run=run, type=SeatTypeFactory(slug="audit"))
    SeatFactory(course_run=run, type=SeatTypeFactory(slug="verified"), price=Decimal("49.50"), upgrade_deadline=None)
    (loaded,) = rules.run_rows(rules.course_runs().filter(pk=run.pk))

    assert rules.first_enrollable_paid_seat_price(loaded, now) == 49.5
    assert rules.first_enrollable_paid_seat_price(loaded, now + 2 * DAY) is None
    assert rules.legacy_type(loaded) == "verified"


def test_estimated_hours() -> None:
    assert rules.estimated_hours(run_at(min_effort=2, max_effort=4, weeks_to_complete=10)) == 30
    assert rules.estimated_hours(run_at(min_effort=None, max_effort=None, weeks_to_complete=10)) == 0


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2999, 1, 1)))
def test_every_iso_datetime_parses_as_utc(value: dt.datetime) -> None:
    assert params.parse_timestamp(value.isoformat()) == value.replace(tzinfo=dt.UTC)
    assert params.parse_timestamp(value.date().isoformat()) == dt.datetime.combine(value.date(), dt.time(), dt.UTC)


@pytest.mark.parametrize("value", ["2024-06-01T10:00:00 02:00", "2024-06-01T10:00:00+02:00", "2024-06-01T08:00:00Z"])
def test_zones_are_respected(value: str) -> None:
    assert params.parse_timestamp(value) == dt.datetime(2024, 6, 1, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["2024-W01", "20240601", "June 1st", "2024-06-01T25:00", "1717200000"])
def test_other_formats_are_refused(value: str) -> None:
    with pytest.raises(params.BadParameter, match="YYYY-MM-DD"):
        params.parse_timestamp(value)
