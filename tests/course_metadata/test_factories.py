"""Every factory builds without a database and creates a row that passes model validation."""

from __future__ import annotations

from typing import Any

import pytest

import tests.factories as factories
from course_metadata.models import Course, CourseType, Organization, Partner, SeatType
from tests.factories.base import ModelFactory

ALL_FACTORIES = [getattr(factories, name) for name in factories.__all__]
# get_or_create factories keyed by a fixed slug return the same shipped row every time.
SHIPPED_ROW_FACTORIES = {
    factories.SeatTypeFactory,
    factories.ModeFactory,
    factories.TrackFactory,
    factories.CourseRunTypeFactory,
    factories.CourseTypeFactory,
    factories.ProgramTypeFactory,
    factories.LevelTypeFactory,
}


@pytest.mark.parametrize("model_factory", ALL_FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_without_database(model_factory: type[ModelFactory[Any]]) -> None:
    instance = model_factory.build()

    assert instance.pk is None
    assert isinstance(instance, model_factory._meta.model)


@pytest.mark.django_db
@pytest.mark.parametrize("model_factory", ALL_FACTORIES, ids=lambda f: f.__name__)
def test_factory_creates_valid_row(model_factory: type[ModelFactory[Any]]) -> None:
    instance = model_factory()

    instance.full_clean()
    assert model_factory._meta.model.objects.filter(pk=instance.pk).exists()
    if model_factory not in SHIPPED_ROW_FACTORIES:
        assert model_factory().pk != instance.pk


@pytest.mark.django_db
def test_course_factory_uses_shipped_types_and_authoring_organization() -> None:
    organization_count = Organization.objects.count()
    course = factories.CourseFactory(number="CS50")

    org_key, number = course.key.split("+")
    assert number == "CS50"
    assert list(course.authoring_organizations.values_list("key", flat=True)) == [org_key]
    assert Organization.objects.count() == organization_count + 1
    assert course.authoring_organizations.get().partner == course.partner
    assert course.type == CourseType.objects.get(slug="verified-and-audit")
    assert CourseType.objects.filter(slug="verified-and-audit").count() == 1


@pytest.mark.django_db
def test_course_follows_the_partner_of_a_passed_organization() -> None:
    organization = factories.OrganizationFactory()

    course = factories.CourseFactory(authoring_organization=organization)

    assert course.partner == organization.partner
    assert course.key.startswith(f"{organization.key}+")


@pytest.mark.django_db
def test_course_run_and_seat_factories_reuse_shipped_rows() -> None:
    seat_types = SeatType.objects.count()
    seat = factories.SeatFactory(type__slug="credit")

    assert seat.type.name == "Credit"
    assert SeatType.objects.count() == seat_types
    assert seat.course_run.key.startswith(f"course-v1:{seat.course_run.course.key}+")
    assert Partner.objects.filter(pk=seat.course_run.course.partner_id).exists()
    assert Course.objects.count() == 1
