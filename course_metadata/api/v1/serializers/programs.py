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
from course_metadata.resources import representation, schema_fields
from course_metadata.resources.programs import PROGRAM_DETAIL, DegreeSerializer, ProgramCourses
from dbkit.rows import Row

_DETAIL = representation(PROGRAM_DETAIL)


def program_data(program: Row, context: ReadContext) -> dict[str, Any]:
    """A program row completed by ``selectors.programs.complete_programs``."""
    excluded = {row["course_run_id"] for row in program["excluded_run_rows"]}
    describe = course_data if context.full_courses else course_summary_data
    courses = []
    all_runs = []
    for course in program["courses"]:
        runs = [run for run in course["runs"] if run["pk"] not in excluded]
        all_runs += runs
        courses.append(describe(course, context, runs))
    return _DETAIL(program, context, ProgramCourses(courses, all_runs))


class ProgramSerializer(serializers.Serializer):
    def to_representation(self, instance: Row) -> dict[str, Any]:
        return program_data(instance, read_context(self))


# The declared fields (the schema), in the representation's order, except that the schema has always
# listed ``courses`` first (its field object used to be created before the class): kept, so that the
# published schema does not change.
_schema = schema_fields(PROGRAM_DETAIL)
ProgramSerializer._declared_fields = {"courses": _schema.pop("courses"), **_schema}

__all__ = [
    "CurriculumCourseSerializer",
    "CurriculumProgramSerializer",
    "CurriculumSerializer",
    "DegreeCostSerializer",
    "DegreeDeadlineSerializer",
    "DegreeSerializer",
    "ProgramSerializer",
    "RankingSerializer",
    "program_data",
]
