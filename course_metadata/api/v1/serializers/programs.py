"""Programs, with their courses in the short form or (``use_full_course_serializer=1``) the full one.

Built from the program declaration (``course_metadata.resources.programs``): the declared fields (the
OpenAPI schema) and the dicts ``to_representation`` returns come from the same list.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from course_metadata.api.v1.serializers.common import ReadContext, read_context
from course_metadata.api.v1.serializers.courses import course_data, course_summary_data
from course_metadata.api.v1.serializers.program_parts import (
    CurriculumCourseSerializer,
    CurriculumProgramSerializer,
    CurriculumSerializer,
    DegreeCostSerializer,
    DegreeDeadlineSerializer,
    RankingSerializer,
)
from course_metadata.resources import representation, schema_fields, with_overrides
from course_metadata.resources.programs import (
    PROGRAM_DETAIL,
    PROGRAM_DETAIL_EXTRA,
    PROGRAM_EXTENDED,
    DegreeSerializer,
    ProgramCourses,
)
from dbkit.rows import Row

# The list's form, the list's with ``extended=1``, and the detail's (programs/{uuid}/).
_LIST = representation(PROGRAM_DETAIL)
_EXTENDED = representation(with_overrides(PROGRAM_DETAIL, PROGRAM_EXTENDED))
_FULL = representation(with_overrides(PROGRAM_DETAIL, PROGRAM_DETAIL_EXTRA))


def program_data(program: Row, context: ReadContext) -> dict[str, Any]:
    """A program row completed by ``selectors.programs.complete_programs`` (with ``detail`` for the
    detail's form)."""
    excluded = {row["course_run_id"] for row in program["excluded_run_rows"]}
    describe = course_data if context.full_courses else course_summary_data
    courses = []
    all_runs = []
    course_rows = []
    for course in program["courses"]:
        runs = [run for run in course["runs"] if run["pk"] not in excluded]
        all_runs += runs
        course_rows.append((course, runs))
        courses.append(describe(course, context, runs))
    form = _FULL if context.program_detail else _EXTENDED if context.program_extended else _LIST
    return form(program, context, ProgramCourses(courses, all_runs, course_rows))


class ProgramSerializer(serializers.Serializer):
    """A program as the list shows it (``extended=1`` adds ``expected_learning_items`` and ``price_ranges``)."""

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return program_data(instance, read_context(self))


class ProgramDetailSerializer(ProgramSerializer):
    """A program as programs/{uuid}/ shows it: the list's fields and the detail's."""


# The declared fields (the schema), in the representation's order, except that the schema has always
# listed ``courses`` first (its field object used to be created before the class): kept, so that the
# published schema does not change.
_schema = schema_fields(PROGRAM_DETAIL)
ProgramSerializer._declared_fields = {"courses": _schema.pop("courses"), **_schema}
ProgramDetailSerializer._declared_fields = {
    **ProgramSerializer._declared_fields,
    **schema_fields([public for public in PROGRAM_DETAIL_EXTRA if public.name not in _schema]),
}

__all__ = [
    "CurriculumCourseSerializer",
    "CurriculumProgramSerializer",
    "CurriculumSerializer",
    "DegreeCostSerializer",
    "DegreeDeadlineSerializer",
    "DegreeSerializer",
    "ProgramDetailSerializer",
    "ProgramSerializer",
    "RankingSerializer",
    "program_data",
]
