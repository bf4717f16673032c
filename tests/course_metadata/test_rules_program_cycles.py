"""Rule: a program may not contain itself through curricula (course_metadata.rules.program_cycles).

Removing the check from the row rules (course_metadata.rules.rows) or the models' clean() makes these fail.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from course_metadata.models import CurriculumProgramMembership, Program
from course_metadata.services.rows import row_save
from tests.factories import CurriculumFactory, CurriculumProgramMembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def include(container: Program, member: Program) -> CurriculumProgramMembership:
    """Make ``container`` contain ``member`` through a new curriculum of ``container``."""
    return CurriculumProgramMembershipFactory(curriculum=CurriculumFactory(program=container), program=member)


def test_a_program_cannot_contain_itself_directly() -> None:
    # Guards: the direct cycle (a curriculum of P naming P).
    program = ProgramFactory(title="Data Science")

    with pytest.raises(ValidationError) as error:
        include(program, program)

    assert "'Data Science' cannot contain itself" in error.value.message_dict["program"][0]
    assert not CurriculumProgramMembership.objects.exists()


def test_a_program_cannot_contain_itself_through_another_program() -> None:
    # Guards: indirect cycles, found by walking the memberships; the message shows the path.
    data, stats = ProgramFactory(title="Data"), ProgramFactory(title="Stats")
    include(data, stats)

    with pytest.raises(ValidationError) as error:
        include(stats, data)

    assert "'Data' → 'Stats'" in error.value.message_dict["program"][0]


def test_longer_cycles_are_found_and_diamonds_are_allowed() -> None:
    # Guards: the walk goes past the first level; a program reached twice (no cycle) is fine.
    top, left, right, bottom = (ProgramFactory(title=t) for t in ("Top", "Left", "Right", "Bottom"))
    include(top, left)
    include(top, right)
    include(left, bottom)
    include(right, bottom)

    with pytest.raises(ValidationError) as error:
        include(bottom, top)

    assert "'Top' → 'Left' → 'Bottom'" in error.value.message_dict["program"][0]
    assert CurriculumProgramMembership.objects.count() == 4


def test_full_clean_rejects_a_cycle() -> None:
    # Guards: the same rule on the clean() path (admin inlines, services).
    data, stats = ProgramFactory(), ProgramFactory()
    include(data, stats)
    membership = CurriculumProgramMembership(curriculum=CurriculumFactory(program=stats), program=data)

    with pytest.raises(ValidationError):
        membership.full_clean()


def test_changing_a_membership_into_a_cycle_is_rejected() -> None:
    data, stats, other = ProgramFactory(), ProgramFactory(), ProgramFactory()
    include(data, stats)
    membership = include(stats, other)

    membership.program = data
    with pytest.raises(ValidationError):
        row_save(membership)

    membership.refresh_from_db()
    assert membership.program == other


def test_moving_a_curriculum_into_a_program_it_is_contained_by_is_rejected() -> None:
    # Guards: Curriculum.save — moving a curriculum carries its program memberships to the new program.
    data, stats, elsewhere = ProgramFactory(), ProgramFactory(), ProgramFactory()
    include(data, stats)  # data contains stats
    moving = include(elsewhere, data).curriculum  # a curriculum (of elsewhere) that contains data

    moving.program = stats  # stats would contain data, which contains stats
    with pytest.raises(ValidationError):
        row_save(moving)

    moving.refresh_from_db()
    assert moving.program == elsewhere
