"""Factories for course runs (keys valid for edx-opaque-keys) and their seats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import factory
from django.utils.text import slugify

from course_metadata.models import CourseRun, CourseRunPacing, CourseRunStatus, Person, Seat
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from tests.factories.base import ModelFactory
from tests.factories.courses import CourseFactory
from tests.factories.taxonomy import CourseRunTypeFactory, SeatTypeFactory

SEAT_PRICES = {
    "audit": Decimal("0.00"),
    "honor": Decimal("0.00"),
    "verified": Decimal("49.00"),
    "professional": Decimal("199.00"),
    "credit": Decimal("399.00"),
}


def run_term(n: int) -> str:
    """``1T2024``, ``2T2024``, ... unique for every n."""
    return f"{n % 4 + 1}T{2020 + n // 4}"


class CourseRunFactory(ModelFactory[CourseRun]):
    """A run keyed ``course-v1:{org}+{number}+{term}`` from its course's key (or key_for_reruns)."""

    course = factory.SubFactory(CourseFactory)
    term = factory.Sequence(run_term)
    key = factory.LazyAttribute(lambda run: "course-v1:{}+{}+{}".format(*run.course.rerun_key_parts, run.term))
    status = CourseRunStatus.PUBLISHED
    type = factory.SubFactory(CourseRunTypeFactory)
    start = factory.Faker("date_time_between", start_date="-180d", end_date="+180d", tzinfo=dt.UTC)
    end = factory.LazyAttribute(lambda run: run.start + dt.timedelta(weeks=run.weeks_to_complete))
    enrollment_start = factory.LazyAttribute(lambda run: run.start - dt.timedelta(days=30))
    enrollment_end = factory.LazyAttribute(lambda run: run.end - dt.timedelta(days=7))
    announcement = factory.LazyAttribute(lambda run: run.start - dt.timedelta(days=45))
    pacing_type = CourseRunPacing.INSTRUCTOR
    content_language = "en-us"
    transcript_languages = factory.LazyFunction(lambda: ["en-us"])
    slug = factory.LazyAttribute(lambda run: slugify(f"{run.course.title} {run.key}")[:255])
    min_effort = factory.Faker("pyint", min_value=2, max_value=5)
    max_effort = factory.LazyAttribute(lambda run: run.min_effort + 3)
    weeks_to_complete = factory.Faker("pyint", min_value=4, max_value=12)
    license = "all-rights-reserved"
    draft = factory.SelfAttribute("course.draft")

    class Meta:
        model = CourseRun
        exclude = ("term",)
        skip_postgeneration_save = True

    @factory.post_generation
    def staff(self, create: bool, extracted: list[Person] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.staff.set(extracted)

    @factory.post_generation
    def subscription_inclusion(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        # A write path like any other: it calls the service that derives the subscription flags.
        if create:
            subscription_inclusion_update(course_runs=[cast(CourseRun, self)])


class SeatFactory(ModelFactory[Seat]):
    course_run = factory.SubFactory(CourseRunFactory)
    type = factory.SubFactory(SeatTypeFactory, slug="verified")
    price = factory.LazyAttribute(lambda seat: SEAT_PRICES.get(seat.type.slug, Decimal("99.00")))
    currency = "USD"
    upgrade_deadline = factory.LazyAttribute(
        lambda seat: seat.course_run.end - dt.timedelta(days=10) if seat.course_run.end else None
    )
    sku = factory.Sequence(lambda n: f"SEAT{n:07X}")
    draft = factory.SelfAttribute("course_run.draft")

    class Meta:
        model = Seat
