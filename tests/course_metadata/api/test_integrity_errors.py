"""Real constraint violations, on PostgreSQL and SQLite, become 4xx answers naming the constraint's fields."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction

from course_metadata.api.errors import exception_handler
from course_metadata.models import Course, CourseEditor, Organization, Partner
from tests.factories import CourseEditorFactory, OrganizationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _violation(write: Callable[[], object]) -> IntegrityError:
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        write()
    return raised.value


def test_a_named_unique_constraint_is_a_409_naming_its_fields(course: Course) -> None:
    editor = CourseEditorFactory(course=course)
    error = _violation(lambda: CourseEditor.objects.create(user=editor.user, course=course))
    response = exception_handler(error, {})
    assert response is not None and response.status_code == 409
    assert sorted(response.data) == ["course", "user"]
    assert "Another course editor already has this user and course" in response.data["user"][0]


def test_scope_fields_are_left_out_of_the_answer(organization: Organization) -> None:
    error = _violation(lambda: Organization.objects.create(partner=organization.partner, key=organization.key))
    response = exception_handler(error, {})
    assert response is not None and response.status_code == 409
    assert list(response.data) == ["key"]


def test_an_unnamed_unique_column_is_named_from_the_database_message(partner: Partner) -> None:
    error = _violation(lambda: PartnerFactory(name=partner.name))
    response = exception_handler(error, {})
    assert response is not None and response.status_code == 409
    assert list(response.data) == ["name"]


def test_a_missing_required_value_is_a_400_naming_the_field(course: Course) -> None:
    error = _violation(lambda: Course.objects.filter(pk=course.pk).update(title=None))
    response = exception_handler(error, {})
    assert response is not None and response.status_code == 400
    assert list(response.data) == ["title"]


@pytest.mark.postgres_only
def test_a_missing_reference_is_a_400_naming_the_field(course: Course) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reports a foreign key failure without naming the column")
    user = CourseEditorFactory(course=course).user

    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are checked at commit
        CourseEditor.objects.create(user=user, course_id=course.pk + 10_000)

    response = exception_handler(_violation(write), {})
    assert response is not None and response.status_code == 400
    assert list(response.data) == ["course"]


def test_nothing_is_left_of_the_refused_write(organization: Organization) -> None:
    before = Organization.objects.count()

    def write() -> None:
        OrganizationFactory(partner=organization.partner, key="Fresh")
        Organization.objects.create(partner=organization.partner, key=organization.key)

    _violation(write)
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(key="Fresh").exists()
