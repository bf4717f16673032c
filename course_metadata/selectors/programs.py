"""Program reads: the marketable rule, and everything a page of programs shows (their courses included)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from course_metadata.models import Program, ProgramStatus
from course_metadata.resources.programs import DEGREE_COLUMNS, PROGRAM_COLUMNS
from course_metadata.selectors import nested
from course_metadata.selectors.courses import OFFICIAL_COURSES_BY_PK, RunSelection, complete_courses
from dbkit.nested import Nested, attach_nested
from dbkit.rows import AnyOf, FieldSpec, KeyedRows, Row, values_of

# The program row, as the program declaration's fields read it.
PROGRAM_FIELDS: FieldSpec = PROGRAM_COLUMNS


# The program's many-to-one extras, spread onto the program row as ``<name>_row``, in one part.
PROGRAM_EXTRAS = Nested(
    "extras",
    Program.objects.all(),
    "pk",
    {
        "video_row": nested.related_object(
            "video", {"src": "video__src", "description": "video__description", "image_url": "video__image_url"}
        ),
        "level_type_override_row": nested.related_object(
            "level_type_override",
            {"name": "level_type_override__name", "sort_value": "level_type_override__sort_value"},
        ),
        "primary_subject_override_row": nested.related_object(
            "primary_subject_override", nested.subject_fields("primary_subject_override__")
        ),
        "taxi_form_row": nested.related_object(
            "taxi_form",
            {key: f"taxi_form__{key}" for key in ("form_id", "grouping", "title", "subtitle", "post_submit_url")},
        ),
        "degree_row": nested.related_object(
            "degree", {key: f"degree__{source}" for key, source in DEGREE_COLUMNS.items()}
        ),
    },
    one=True,
    spread=True,
)


class ProgramQuerySet(QuerySet):
    def marketable(self) -> ProgramQuerySet:
        """Active programs with a marketing page (a marketing slug)."""
        return self.filter(status=ProgramStatus.ACTIVE).exclude(marketing_slug="")


def programs() -> ProgramQuerySet:
    return ProgramQuerySet(model=Program)


def program_list() -> QuerySet:
    """Program rows (dicts); filter and order them, then ``complete_programs`` a page."""
    return values_of(programs(), PROGRAM_FIELDS)


PROGRAMS_BY_UUID = KeyedRows(lambda uuids: values_of(programs().filter(AnyOf("uuid", uuids)), PROGRAM_FIELDS))


def complete_programs(
    program_rows: Sequence[Row],
    *,
    full_courses: bool = False,
    published_course_runs_only: bool = False,
    marketable_enrollable: bool = False,
) -> list[Row]:
    """Load what a page of programs shows: nested lists, then their courses (official rows, with runs
    that are not hidden, seats and the courses' own nested data). Sets ``program["courses"]`` (rows shared
    between programs that contain the same course) and returns every course row."""
    attach_nested([(program_rows, (*nested.PROGRAM_NESTED, PROGRAM_EXTRAS))])
    course_ids = {row["course_id"] for program in program_rows for row in program["course_membership_rows"]}
    courses = OFFICIAL_COURSES_BY_PK.fetch(course_ids)
    selection = RunSelection(published_only=published_course_runs_only, marketable_enrollable=marketable_enrollable)
    complete_courses(courses, selection=selection, full=full_courses)
    by_pk = {course["pk"]: course for course in courses}
    for program in program_rows:
        program["courses"] = [
            by_pk[row["course_id"]] for row in program["course_membership_rows"] if row["course_id"] in by_pk
        ]
    return courses


__all__ = [
    "PROGRAMS_BY_UUID",
    "PROGRAM_FIELDS",
    "ProgramQuerySet",
    "complete_programs",
    "program_list",
    "programs",
]
