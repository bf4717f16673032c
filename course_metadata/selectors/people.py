"""People reads, as rows of plain values (the same fields course run staff lists carry)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from course_metadata.models import CourseRun, Person
from course_metadata.selectors.nested import person_fields
from dbkit.rows import values_of


def person_list() -> QuerySet[Person]:
    """Dicts with the fields of ``nested.person_fields`` (and ``pk``)."""
    return values_of(Person.objects.all(), {"pk": "pk", **person_fields()})


def people_of_organization(people: QuerySet[Person], organization_keys: list[str]) -> QuerySet[Person]:
    """People who hold a position at one of the organizations or staff an official run of a course one of them
    authors."""
    staffs = CourseRun.staff.through.objects.filter(
        person_id=OuterRef("pk"),
        courserun__draft=False,
        courserun__course__authoring_organizations__key__in=organization_keys,
    )
    return people.filter(Q(position__organization__key__in=organization_keys) | Exists(staffs))
