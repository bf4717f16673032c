"""Small builders for the domain-rule tests: keyed runs, draft twins, programs with curricula."""

from __future__ import annotations

from typing import Any

from django.db import connection

from course_metadata.models import Course, CourseRun, Curriculum, CurriculumCourseMembership, Program
from tests.factories import (
    CourseFactory,
    CourseRunFactory,
    CurriculumCourseMembershipFactory,
    CurriculumFactory,
    ProgramFactory,
)


def keyed_run(course: Course, external_key: str | None, **kwargs: Any) -> CourseRun:
    """A run of ``course`` carrying ``external_key`` (a draft run when the course is a draft)."""
    return CourseRunFactory(course=course, external_key=external_key, **kwargs)


def draft_of(official: Course, **kwargs: Any) -> Course:
    """The draft row of ``official``: same key, linked through ``draft_version`` as the drafts code links it."""
    draft = CourseFactory(
        partner=official.partner,
        authoring_organizations=list(official.authoring_organizations.all()),
        authoring_organization=official.authoring_organizations.first(),
        number=official.number,
        key=official.key,
        title=kwargs.pop("title", official.title),
        draft=True,
        **kwargs,
    )
    # save() never writes the pointer columns; the draft services link with a queryset update, as here.
    Course.objects.filter(pk=official.pk).update(draft_version=draft)
    official.draft_version = draft
    return draft


def program_with_curricula(*course_groups: list[Course], **kwargs: Any) -> tuple[Program, list[Curriculum]]:
    """A program with one curriculum per group of courses."""
    program = ProgramFactory(**kwargs)
    curricula = []
    for courses in course_groups:
        curriculum = CurriculumFactory(program=program)
        for course in courses:
            CurriculumCourseMembershipFactory(curriculum=curriculum, course=course)
        curricula.append(curriculum)
    return program, curricula


def add_to_curriculum(curriculum: Curriculum, course: Course) -> CurriculumCourseMembership:
    return CurriculumCourseMembershipFactory(curriculum=curriculum, course=course)


def commit_boundary() -> None:
    """Act as a COMMIT inside the test transaction: run the on-commit callbacks, then forget them.

    Change tracking stamps an object once per transaction; a test marks where one "transaction" ends.
    """
    callbacks = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    # django-stubs types these entries as (sids, func); Django 4.2+ stores (sids, func, robust).
    for _savepoints, callback, _robust in callbacks:  # type: ignore[misc]
        callback()
