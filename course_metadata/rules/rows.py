"""The rules a row of each model must pass before it is written, in the order they run (ADR 0010).

``course_metadata.services.rows.row_save`` applies them on every write path (Publisher, admin, loaders,
importer, draft services); ``save()`` itself only persists. Each rule takes the row about to be written and
either completes it (a default that depends on other rows, such as a free URL slug), or raises
``ValidationError`` naming the clash. Rich text is sanitized first (``RICH_TEXT_FIELDS``, ADR 0073), so the
other rules and change tracking see the text that will be stored.

The checks that refuse a row are also what the models' ``clean()`` runs, so forms and ``full_clean()`` show
the same message as a field error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db import models

# Each rule takes a row of its own model (typed loosely: the registry maps each model to its own rules).
RowRule = Callable[[Any], None]


@cache
def _registry() -> dict[type[models.Model], tuple[RowRule, ...]]:
    from course_metadata.models import (
        Course,
        CourseRun,
        Curriculum,
        CurriculumCourseMembership,
        CurriculumProgramMembership,
        Organization,
        Person,
        Program,
        Subject,
        Topic,
    )
    from course_metadata.rules import course_runs, courses, curricula, slugs

    rules: dict[type[models.Model], tuple[RowRule, ...]] = {
        Course: (courses.check_course, courses.default_course_url_slug),
        CourseRun: (course_runs.check_course_run, course_runs.default_course_run_slug),
        Curriculum: (curricula.check_curriculum,),
        CurriculumCourseMembership: (curricula.check_curriculum_course_membership,),
        CurriculumProgramMembership: (curricula.check_curriculum_program_membership,),
        Organization: (slugs.default_organization_slug,),
        Program: (slugs.default_program_marketing_slug,),
        Person: (slugs.default_person_slug,),
        Subject: (slugs.default_named_slug,),
        Topic: (slugs.default_named_slug,),
    }
    return rules


def row_rules(model: type[models.Model]) -> tuple[RowRule, ...]:
    """The rules of ``model`` (a subclass, such as Degree, follows its parent's unless it has its own)."""
    registry = _registry()
    for cls in model.__mro__:
        if cls in registry:
            return registry[cls]
    return ()


def has_row_rules(model: type[models.Model]) -> bool:
    from course_metadata.rules.rich_text import rich_text_fields

    return bool(row_rules(model) or rich_text_fields(model))


def apply_row_rules(instance: models.Model, update_fields: Iterable[str] | None = None) -> None:
    """Sanitize ``instance``'s rich text (only ``update_fields`` when given), then run its model's rules."""
    from course_metadata.rules.rich_text import sanitize_rich_text

    sanitize_rich_text(instance, update_fields)
    for rule in row_rules(type(instance)):
        rule(instance)
