"""Basic model behaviour: readable names, key validation, immutable numbers, run slugs, shipped types."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from course_metadata.models import Course, CourseRun, CourseRunType, CourseType, Mode, ProgramType, SeatType, Track
from course_metadata.models.course_runs import validate_course_run_key
from course_metadata.services.rows import row_save
from tests.factories import (
    CourseFactory,
    CourseRunFactory,
    CurriculumFactory,
    OrganizationFactory,
    PartnerFactory,
    PersonFactory,
    PositionFactory,
    ProgramFactory,
    SeatFactory,
)

pytestmark = pytest.mark.django_db


def test_names_are_readable() -> None:
    partner = PartnerFactory.build(name="edX", short_code="edx")
    organization = OrganizationFactory.build(key="MITx", name="Massachusetts Institute of Technology")
    person = PersonFactory.build(given_name="Ada", family_name="Lovelace")

    assert str(partner) == "edX (edx)"
    assert str(organization) == "MITx: Massachusetts Institute of Technology"
    assert str(person) == "Ada Lovelace"


def test_course_run_and_seat_names(course_run: CourseRun) -> None:
    seat = SeatFactory(course_run=course_run, type__slug="verified", price="49.00")

    assert str(course_run.course) == f"edX+CS101: {course_run.course.title}"
    assert str(course_run) == "course-v1:edX+CS101+2T2024"
    assert str(seat) == "course-v1:edX+CS101+2T2024 Verified 49.00 USD"


def test_draft_rows_say_so(course: Course) -> None:
    draft = CourseFactory(partner=course.partner, authoring_organization__key="edX", number="CS101", draft=True)

    assert str(draft) == f"edX+CS101: {draft.title} (draft)"
    assert not str(course).endswith("(draft)")


def test_position_and_program_names() -> None:
    position = PositionFactory(title="Professor", organization__name="Harvard University")
    program = ProgramFactory(title="Data Science")
    curriculum = CurriculumFactory(program=program, name="")

    assert str(position) == "Professor at Harvard University"
    assert str(program) == "Data Science"
    assert str(curriculum) == f"Curriculum {curriculum.uuid}"


@pytest.mark.parametrize(
    "key", ["course-v1:edX+CS101+2T2024", "course-v1:MITx+6.00.1x+1T2025", "edX/DemoX/Demo_Course"]
)
def test_valid_course_run_keys_are_accepted(key: str) -> None:
    validate_course_run_key(key)


@pytest.mark.parametrize("key", ["", "CS101", "course-v1:edX+CS101", "course-v1:edX CS101 2024", "course-v1:a+b+c+d"])
def test_invalid_course_run_keys_are_rejected(key: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_course_run_key(key)

    assert error.value.code == "invalid_course_run_key"


def test_full_clean_rejects_a_run_with_a_bad_key(course_run: CourseRun) -> None:
    course_run.key = "course-v1:edX+CS101"

    with pytest.raises(ValidationError) as error:
        course_run.full_clean()

    assert "key" in error.value.message_dict


def test_factory_run_keys_parse_with_opaque_keys(course: Course) -> None:
    runs = CourseRunFactory.create_batch(3, course=course)

    for run in runs:
        run.full_clean()
        assert run.key.startswith("course-v1:edX+CS101+")


def test_course_number_cannot_change_on_save(course: Course) -> None:
    course.number = "CS102"

    with pytest.raises(ValidationError) as error:
        row_save(course)

    assert "number" in error.value.message_dict
    assert Course.objects.get(pk=course.pk).number == "CS101"


def test_course_number_cannot_change_in_full_clean(course: Course) -> None:
    course.number = "CS102"

    with pytest.raises(ValidationError) as error:
        course.full_clean()

    assert "number" in error.value.message_dict


def test_course_other_fields_still_save(course: Course) -> None:
    course.title = "A new title"
    row_save(course)

    assert Course.objects.get(pk=course.pk).title == "A new title"


def test_run_slug_combines_course_title_and_run_key(course: Course) -> None:
    course.title = "My Course"
    row_save(course)

    run = CourseRunFactory(course=course, key="course-v1:edX+CS101+2024", slug="")

    assert run.slug == "my-course-course-v1edxcs1012024"
    assert run.slug != course.url_slug


# --- the default types shipped by migration 0002 -----------------------------------------------

SHIPPED_RUN_TYPES = {
    "Audit Only": {"Audit"},
    "Professional Only": {"Professional"},
    "Verified and Audit": {"Audit", "Verified"},
    "Credit": {"Audit", "Verified", "Credit"},
    "Honor Only": {"Honor"},
    "Verified and Honor": {"Honor", "Verified"},
    "Credit with Honor": {"Honor", "Verified", "Credit"},
}

SHIPPED_COURSE_TYPES = {
    "Audit Only": ({"Audit Only"}, set()),
    "Professional Only": ({"Professional Only"}, {"Professional"}),
    "Verified and Audit": ({"Audit Only", "Verified and Audit"}, {"Verified"}),
    "Credit": ({"Audit Only", "Verified and Audit", "Credit"}, {"Verified"}),
    "Honor Only": ({"Honor Only"}, set()),
    "Verified and Honor": ({"Honor Only", "Verified and Honor"}, {"Verified"}),
    "Credit with Honor": ({"Honor Only", "Verified and Honor", "Credit with Honor"}, {"Verified"}),
}

SHIPPED_NAMES = {"Audit", "Professional", "Verified", "Credit", "Honor"}


def test_shipped_modes_seat_types_and_tracks() -> None:
    assert set(SeatType.objects.values_list("name", flat=True)) == SHIPPED_NAMES
    assert set(Mode.objects.values_list("name", flat=True)) == SHIPPED_NAMES
    pairs = []
    for track in Track.objects.select_related("mode", "seat_type"):
        assert track.seat_type is not None
        pairs.append((track.mode.name, track.seat_type.name))
    assert sorted(pairs) == sorted((name, name) for name in SHIPPED_NAMES)


def test_shipped_run_types_and_their_tracks() -> None:
    run_types = CourseRunType.objects.prefetch_related("tracks__mode", "tracks__seat_type")

    shipped = {run_type.name: {track.mode.name for track in run_type.tracks.all()} for run_type in run_types}

    assert shipped == SHIPPED_RUN_TYPES
    for run_type in run_types:
        for track in run_type.tracks.all():
            assert track.seat_type is not None and track.seat_type.name == track.mode.name


def test_shipped_course_types_run_types_and_entitlements() -> None:
    course_types = CourseType.objects.prefetch_related("course_run_types", "entitlement_types")

    shipped = {
        course_type.name: (
            {run_type.name for run_type in course_type.course_run_types.all()},
            {seat_type.name for seat_type in course_type.entitlement_types.all()},
        )
        for course_type in course_types
    }

    assert shipped == SHIPPED_COURSE_TYPES


def test_shipped_program_types() -> None:
    program_types = {
        program_type.name: {seat_type.name for seat_type in program_type.applicable_seat_types.all()}
        for program_type in ProgramType.objects.prefetch_related("applicable_seat_types")
    }

    assert set(program_types) == {"Masters", "MicroMasters", "XSeries", "Professional Certificate"}
    assert program_types["Professional Certificate"] == {"Professional"}
    assert program_types["MicroMasters"] == {"Verified"}
