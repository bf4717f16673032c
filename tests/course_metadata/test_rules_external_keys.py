"""Rule: external course keys are unique within a course, a curriculum and a program (course_metadata.rules).

Each test names the part of the rule it guards; removing that check from course_metadata.rules.external_keys
(or its call in the model's clean() or in course_metadata.rules.rows) makes the test fail.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from course_metadata.models import CourseRun, Curriculum, CurriculumCourseMembership
from course_metadata.rules.external_keys import check_course_run_external_key
from course_metadata.services.rows import row_save
from tests.course_metadata.rules_fixtures import add_to_curriculum, draft_of, keyed_run, program_with_curricula
from tests.factories import CourseFactory, CurriculumFactory, ProgramFactory

pytestmark = pytest.mark.django_db


# --- within a course ---------------------------------------------------------------------------------------


def test_a_new_run_cannot_reuse_an_external_key_of_its_course() -> None:
    # Guards: uniqueness within a course, on the ORM save path (CourseRun.save).
    course = CourseFactory()
    first = keyed_run(course, "MATH205-Fall20")

    with pytest.raises(ValidationError) as error:
        keyed_run(course, "MATH205-Fall20")

    message = error.value.message_dict["external_key"][0]
    assert "'MATH205-Fall20'" in message and first.key in message and "same course" in message
    assert CourseRun.objects.filter(external_key="MATH205-Fall20").count() == 1


def test_changing_a_run_to_a_used_external_key_is_rejected_before_saving() -> None:
    # Guards: uniqueness within a course when an existing run is edited (save path).
    course = CourseFactory()
    keyed_run(course, "MATH205-Fall20")
    second = keyed_run(course, "MATH205-Spring21")

    second.external_key = "MATH205-Fall20"
    with pytest.raises(ValidationError):
        row_save(second)

    second.refresh_from_db()
    assert second.external_key == "MATH205-Spring21"


def test_full_clean_reports_the_clash_on_the_external_key_field() -> None:
    # Guards: the same rule on the clean() path that admin forms and services use.
    course = CourseFactory()
    keyed_run(course, "K1")
    second = keyed_run(course, "K2")
    second.external_key = "K1"

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert "external_key" in error.value.message_dict


def test_resaving_a_run_with_its_own_key_and_runs_without_keys_are_fine() -> None:
    course = CourseFactory()
    run = keyed_run(course, "K1")
    keyed_run(course, None)
    keyed_run(course, "")  # blank means "no key", never a clash with another blank

    run.title_override = "Autumn"
    row_save(run)
    run.full_clean()

    assert CourseRun.objects.filter(course=course).count() == 3


def test_a_run_without_an_external_key_costs_no_query(django_assert_num_queries) -> None:
    # Guards: "keep it cheap" — the check returns before touching the database.
    run = keyed_run(CourseFactory(), None)

    with django_assert_num_queries(0):
        check_course_run_external_key(run)


def test_draft_runs_are_checked_among_drafts_and_officials_among_officials() -> None:
    # Guards: the draft/official split — a draft may repeat its official's key, two drafts may not clash.
    official = CourseFactory()
    official_run = keyed_run(official, "K1")
    draft = draft_of(official)

    draft_run = keyed_run(draft, "K1", key=official_run.key)
    assert draft_run.draft

    with pytest.raises(ValidationError) as error:
        keyed_run(draft, "K1")
    assert "(draft)" in error.value.message_dict["external_key"][0]


# --- within a curriculum -----------------------------------------------------------------------------------


def test_runs_of_courses_in_one_curriculum_cannot_share_an_external_key() -> None:
    # Guards: uniqueness within a curriculum, checked from CourseRun.save.
    algebra, calculus = CourseFactory(), CourseFactory()
    _, (curriculum,) = program_with_curricula([algebra, calculus], title="Master of Data")
    used = keyed_run(algebra, "MATH205")

    with pytest.raises(ValidationError) as error:
        keyed_run(calculus, "MATH205")

    message = error.value.message_dict["external_key"][0]
    assert used.key in message and curriculum.name in message and "Master of Data" in message


def test_unrelated_courses_may_share_an_external_key() -> None:
    keyed_run(CourseFactory(), "MATH205")
    keyed_run(CourseFactory(), "MATH205")

    assert CourseRun.objects.filter(external_key="MATH205").count() == 2


def test_adding_a_course_to_a_curriculum_is_rejected_when_its_runs_clash() -> None:
    # Guards: uniqueness within a curriculum, checked from CurriculumCourseMembership.save.
    algebra, calculus = CourseFactory(), CourseFactory()
    _, (curriculum,) = program_with_curricula([algebra])
    used = keyed_run(algebra, "MATH205")
    clashing = keyed_run(calculus, "MATH205")

    with pytest.raises(ValidationError) as error:
        add_to_curriculum(curriculum, calculus)

    message = error.value.message_dict["course"][0]
    assert clashing.key in message and used.key in message and curriculum.name in message
    assert not CurriculumCourseMembership.objects.filter(curriculum=curriculum, course=calculus).exists()


def test_membership_full_clean_reports_the_clash() -> None:
    # Guards: the membership rule on the clean() path (admin inlines, services).
    algebra, calculus = CourseFactory(), CourseFactory()
    _, (curriculum,) = program_with_curricula([algebra])
    keyed_run(algebra, "MATH205")
    keyed_run(calculus, "MATH205")

    membership = CurriculumCourseMembership(curriculum=curriculum, course=calculus)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()

    assert "course" in error.value.message_dict


def test_draft_runs_clash_through_the_curricula_of_their_official_courses() -> None:
    # Guards: drafts are placed in curricula through their official course, and compared among drafts.
    algebra, calculus = CourseFactory(), CourseFactory()
    _, (curriculum,) = program_with_curricula([algebra, calculus])
    keyed_run(draft_of(algebra), "MATH205")

    keyed_run(calculus, "MATH205")  # an official run: another world, no clash
    with pytest.raises(ValidationError) as error:
        keyed_run(draft_of(calculus), "MATH205")

    assert curriculum.name in error.value.message_dict["external_key"][0]


# --- within a program --------------------------------------------------------------------------------------


def test_runs_in_different_curricula_of_one_program_cannot_share_an_external_key() -> None:
    # Guards: uniqueness within a program across its curricula, checked from CourseRun.save.
    algebra, calculus = CourseFactory(), CourseFactory()
    _, (first, _second) = program_with_curricula([algebra], [calculus], title="Master of Data")
    keyed_run(algebra, "MATH205")

    with pytest.raises(ValidationError) as error:
        keyed_run(calculus, "MATH205")

    message = error.value.message_dict["external_key"][0]
    assert "Master of Data" in message and first.name in message and "within a program" in message


def test_moving_a_curriculum_into_a_program_with_a_clashing_key_is_rejected() -> None:
    # Guards: uniqueness within a program, checked from Curriculum.save when the curriculum moves.
    algebra, calculus = CourseFactory(), CourseFactory()
    target, _ = program_with_curricula([algebra], title="Master of Data")
    _, (moving,) = program_with_curricula([calculus], title="Other program")
    keyed_run(algebra, "MATH205")
    keyed_run(calculus, "MATH205")

    moving.program = target
    with pytest.raises(ValidationError) as error:
        row_save(moving)

    assert "Master of Data" in error.value.message_dict["program"][0]
    moving.refresh_from_db()
    assert moving.program.title == "Other program"


def test_re_activating_a_curriculum_rechecks_its_keys() -> None:
    # Guards: Curriculum.save checks every save (activation included), even after a bulk write slipped a
    # clash past the model (QuerySet.update() does not call save()).
    algebra, calculus = CourseFactory(), CourseFactory()
    _, (_active, retired) = program_with_curricula([algebra], [calculus])
    Curriculum.objects.filter(pk=retired.pk).update(is_active=False)
    keyed_run(algebra, "MATH205")
    run = keyed_run(calculus, "OTHER")
    CourseRun.objects.filter(pk=run.pk).update(external_key="MATH205")

    retired.refresh_from_db()
    retired.is_active = True
    with pytest.raises(ValidationError):
        row_save(retired)


def test_a_new_curriculum_and_an_innocent_move_are_accepted() -> None:
    algebra = CourseFactory()
    keyed_run(algebra, "MATH205")
    program = ProgramFactory()
    curriculum = CurriculumFactory(program=program)
    add_to_curriculum(curriculum, algebra)

    curriculum.program = ProgramFactory()
    row_save(curriculum)
    curriculum.full_clean()

    assert Curriculum.objects.get(pk=curriculum.pk).program_id == curriculum.program_id
