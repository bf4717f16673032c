"""Curricula and their memberships keep external keys unique and programs acyclic (ADR 0010)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course_metadata.models import Curriculum, CurriculumCourseMembership, CurriculumProgramMembership


def check_curriculum(curriculum: Curriculum) -> None:
    """Moving (or re-activating) a curriculum keeps external keys unique and programs acyclic."""
    from course_metadata.rules import external_keys, program_cycles

    external_keys.check_curriculum(curriculum)
    program_cycles.check_curriculum(curriculum)


def check_curriculum_course_membership(membership: CurriculumCourseMembership) -> None:
    from course_metadata.rules.external_keys import check_curriculum_course_membership as check

    check(membership)


def check_curriculum_program_membership(membership: CurriculumProgramMembership) -> None:
    from course_metadata.rules.program_cycles import check_curriculum_program_membership as check

    check(membership)
