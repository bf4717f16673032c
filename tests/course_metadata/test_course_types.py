"""The best-effort course type matcher (course_metadata.services.course_types), against the shipped types."""

from __future__ import annotations

import logging

import pytest

from course_metadata.models import Course, CourseRunType, CourseType
from course_metadata.services.course_types import course_type_match, course_type_shapes
from tests.factories import (
    CourseEntitlementFactory,
    CourseFactory,
    CourseRunFactory,
    SeatFactory,
    SeatTypeFactory,
)

pytestmark = pytest.mark.django_db


def course_selling(entitlements: list[str], runs: list[list[str]], **kwargs: object) -> Course:
    """An untyped course with these entitlement seat types and one untyped run per list of seat types."""
    course = CourseFactory(type=kwargs.pop("type", None), **kwargs)
    for slug in entitlements:
        CourseEntitlementFactory(course=course, mode=SeatTypeFactory(slug=slug))
    for seat_slugs in runs:
        run = CourseRunFactory(course=course, type=None)
        for slug in seat_slugs:
            SeatFactory(course_run=run, type=SeatTypeFactory(slug=slug))
    return course


def run_type_slugs(course: Course) -> list[str | None]:
    return [run.type.slug if run.type else None for run in course.course_runs.order_by("pk")]


@pytest.mark.parametrize(
    ("entitlements", "runs", "course_type", "run_types"),
    [
        ([], [["audit"]], "audit-only", ["audit-only"]),
        (["professional"], [["professional"]], "professional-only", ["professional-only"]),
        (["verified"], [["audit", "verified"], ["audit"]], "verified-and-audit", ["verified-and-audit", "audit-only"]),
        (
            ["verified"],
            [["audit", "verified", "credit"], ["audit", "verified"]],
            "credit",
            ["credit", "verified-and-audit"],
        ),
        ([], [["honor"]], "honor-only", ["honor-only"]),
        (["verified"], [["honor", "verified"], ["honor"]], "verified-and-honor", ["verified-and-honor", "honor-only"]),
        (["verified"], [["honor", "verified", "credit"]], "credit-with-honor", ["credit-with-honor"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_each_shipped_course_type_is_recognised(
    entitlements: list[str], runs: list[list[str]], course_type: str, run_types: list[str]
) -> None:
    course = course_selling(entitlements, runs)

    assert course_type_match(course=course) is True

    course.refresh_from_db()
    assert course.type is not None
    assert course.type.slug == course_type
    assert run_type_slugs(course) == run_types


def test_the_most_specific_match_wins() -> None:
    # Audit-only runs fit "Verified and Audit" and "Credit" alike; the narrower type is the answer.
    course = course_selling(["verified"], [["audit"], ["audit"]])

    assert course_type_match(course=course)

    course.refresh_from_db()
    assert course.type is not None
    assert course.type.slug == "verified-and-audit"
    assert run_type_slugs(course) == ["audit-only", "audit-only"]


def test_nothing_fits_logs_the_failure_and_changes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    course = course_selling(["verified"], [["verified"]])  # no run type sells verified alone

    with caplog.at_level(logging.WARNING, logger="course_metadata.services.course_types"):
        assert course_type_match(course=course) is False

    assert f"Calculating course type failure occurred for [{course.key}]." in caplog.messages
    course.refresh_from_db()
    assert course.type is None and run_type_slugs(course) == [None]


def test_an_ambiguous_course_is_a_failure_too(caplog: pytest.LogCaptureFixture) -> None:
    course = course_selling([], [])  # no products at all: "Audit Only" and "Honor Only" fit equally

    assert course_type_match(course=course) is False
    assert f"Calculating course type failure occurred for [{course.key}]." in caplog.messages


def test_runs_without_seats_keep_no_type() -> None:
    course = course_selling([], [["audit"], []])

    assert course_type_match(course=course)
    assert run_type_slugs(course) == ["audit-only", None]


def test_set_types_are_kept_unless_forced() -> None:
    credit = CourseType.objects.get(slug="credit")
    course = course_selling(["verified"], [["audit", "verified"]], type=credit)
    run = course.course_runs.get()
    run.type = CourseRunType.objects.get(slug="credit")
    run.save()

    shapes = course_type_shapes()
    assert course_type_match(course=course, shapes=shapes)  # only "Credit" is considered, and it fits
    course.refresh_from_db()
    assert course.type is not None
    assert course.type.slug == "credit" and run_type_slugs(course) == ["credit"]

    assert course_type_match(course=course, force=True, shapes=shapes)
    course.refresh_from_db()
    assert course.type is not None
    assert course.type.slug == "verified-and-audit" and run_type_slugs(course) == ["verified-and-audit"]


def test_a_set_course_type_that_does_not_fit_is_reported() -> None:
    course = course_selling([], [["honor"]], type=CourseType.objects.get(slug="audit-only"))

    assert course_type_match(course=course) is False
    assert course_type_match(course=course, force=True) is True
    course.refresh_from_db()
    assert course.type is not None
    assert course.type.slug == "honor-only"


def test_draft_courses_are_matched_within_their_own_rows() -> None:
    course = course_selling(["verified"], [["audit", "verified"]], draft=True)

    assert course_type_match(course=course)
    assert course.course_runs.get().draft and run_type_slugs(course) == ["verified-and-audit"]
