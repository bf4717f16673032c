"""Rule: a save that changes nothing writes no history row (course_metadata.history).

Removing the pre_save guard connected in course_metadata.receivers makes the no-op cases fail; the real
change cases keep the guard from swallowing rows that matter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from course_metadata.history import historied_models
from course_metadata.models import (
    Course,
    CourseEntitlement,
    CourseRun,
    Curriculum,
    CurriculumCourseMembership,
    CurriculumCourseRunExclusion,
    CurriculumProgramMembership,
    Degree,
    DegreeCost,
    DegreeDeadline,
    Program,
    Seat,
)
from tests.factories import (
    CourseEntitlementFactory,
    CourseFactory,
    CourseRunFactory,
    CurriculumCourseMembershipFactory,
    CurriculumCourseRunExclusionFactory,
    CurriculumFactory,
    CurriculumProgramMembershipFactory,
    DegreeCostFactory,
    DegreeDeadlineFactory,
    DegreeFactory,
    ProgramFactory,
    SeatFactory,
)

pytestmark = pytest.mark.django_db

# model -> (factory, a field to change, a new value for it)
CASES: dict[type[models.Model], tuple[Callable[[], Any], str, Any]] = {
    Course: (CourseFactory, "title", "A new title"),
    CourseRun: (CourseRunFactory, "title_override", "Spring edition"),
    Seat: (SeatFactory, "price", Decimal("59.00")),
    CourseEntitlement: (CourseEntitlementFactory, "price", Decimal("159.00")),
    Program: (ProgramFactory, "title", "A new program title"),
    Degree: (DegreeFactory, "apply_url", "https://apply.example.org/new"),
    DegreeCost: (DegreeCostFactory, "amount", "$2,000"),
    DegreeDeadline: (DegreeDeadlineFactory, "date", "January 1, 2030"),
    Curriculum: (CurriculumFactory, "name", "Curriculum 2030"),
    CurriculumCourseMembership: (CurriculumCourseMembershipFactory, "is_active", False),
    CurriculumProgramMembership: (CurriculumProgramMembershipFactory, "is_active", False),
    CurriculumCourseRunExclusion: (CurriculumCourseRunExclusionFactory, "course_run", None),
}


def history_count(obj: models.Model) -> int:
    return obj.history.count()  # type: ignore[attr-defined]


def test_every_model_with_history_is_covered_here() -> None:
    assert set(historied_models()) == set(CASES)


@pytest.mark.parametrize("model", list(CASES), ids=lambda model: model.__name__)
def test_a_no_op_save_writes_no_history_row(model: type[models.Model]) -> None:
    # Guards: the no-op rule, for an instance held since creation and for one loaded fresh from the database.
    factory, _field, _value = CASES[model]
    obj = factory()
    rows = history_count(obj)
    assert rows >= 1  # creation is recorded

    obj.save()
    type(obj).objects.get(pk=obj.pk).save()

    assert history_count(obj) == rows


@pytest.mark.parametrize("model", list(CASES), ids=lambda model: model.__name__)
def test_a_real_change_writes_one_history_row(model: type[models.Model]) -> None:
    factory, field, value = CASES[model]
    obj = factory()
    if value is None:  # point the foreign key at a fresh row of the same kind
        value = CourseRunFactory(course=obj.course_membership.course)
    rows = history_count(obj)

    setattr(obj, field, value)
    obj.save()

    assert history_count(obj) == rows + 1
    latest = obj.history.first()
    assert getattr(latest, obj._meta.get_field(field).attname) == getattr(obj, obj._meta.get_field(field).attname)


def test_update_fields_naming_only_unchanged_fields_writes_no_row() -> None:
    course = CourseFactory()
    rows = history_count(course)

    course.save(update_fields=["title"])
    assert history_count(course) == rows

    course.title = "Changed"
    course.save(update_fields=["title"])
    assert history_count(course) == rows + 1


def test_a_caller_that_turns_history_off_itself_is_respected_and_the_switch_is_not_left_behind() -> None:
    course = CourseFactory()
    rows = history_count(course)

    course.title = "Quietly changed"
    course.save_without_historical_record()  # type: ignore[attr-defined]  # added by simple_history (untyped)
    assert history_count(course) == rows

    course.save()  # a no-op now: the guard sets simple-history's switch for this save only...
    course.title = "Loudly changed"
    course.save()  # ...and takes it off again, so this change is recorded
    assert history_count(course) == rows + 1
    assert not hasattr(course, "skip_history_when_saving")


def test_a_copy_saved_as_a_new_row_is_recorded() -> None:
    course = CourseFactory()
    course.pk = None
    course.uuid = uuid.uuid4()
    course.key = "Other+X1"
    course.url_slug = "other-x1"
    course.save()

    assert history_count(course) == 1
