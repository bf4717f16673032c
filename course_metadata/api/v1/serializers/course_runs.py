"""Course runs: the full representation (course_runs endpoint, runs nested in courses) and the short one
(runs of the courses nested in programs).

Both are built from the run declaration (``course_metadata.resources.course_runs``); computed fields come
from course_metadata.selectors.course_runs.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from course_metadata.api.v1.serializers.common import ReadContext, read_context
from course_metadata.api.v1.serializers.run_parts import AiLanguagesSerializer, SeatSerializer, seat_data
from course_metadata.resources import representation, schema_fields
from course_metadata.resources.course_runs import RUN_MINIMAL, RUN_NESTED, RUN_WITH_PROGRAMS
from dbkit.rows import Row

_MINIMAL = representation(RUN_MINIMAL)
_NESTED = representation((*RUN_MINIMAL, *RUN_NESTED))
_WITH_PROGRAMS = representation((*RUN_MINIMAL, *RUN_NESTED, *RUN_WITH_PROGRAMS))


def minimal_course_run_data(course_run: Row, course: Row, context: ReadContext) -> dict[str, Any]:
    """What programs list about each run of their courses."""
    return _MINIMAL(course_run, context, course)


def course_run_data(course_run: Row, course: Row, context: ReadContext) -> dict[str, Any]:
    """Everything about a run, from a run row (``RUN_FIELDS`` with seats and staff) and its course's row
    (``COURSE_FIELDS`` with its video and additional metadata)."""
    return _NESTED(course_run, context, course)


def course_run_with_programs_data(course_run: Row, context: ReadContext) -> dict[str, Any]:
    """A run as the course_runs endpoint shows it: also the programs that include it."""
    return _WITH_PROGRAMS(course_run, context, course_run["course"])


class MinimalCourseRunSerializer(serializers.Serializer):
    def to_representation(self, instance: Row) -> dict[str, Any]:
        return minimal_course_run_data(instance, instance["course"], read_context(self))


class NestedCourseRunSerializer(MinimalCourseRunSerializer):
    """A run as courses list it."""

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_run_data(instance, instance["course"], read_context(self))


class CourseRunSerializer(NestedCourseRunSerializer):
    """A run on the course_runs endpoint: also the programs that include it."""

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_run_with_programs_data(instance, read_context(self))


# The declared fields (the schema), in the representation's order.
MinimalCourseRunSerializer._declared_fields = schema_fields(RUN_MINIMAL)
NestedCourseRunSerializer._declared_fields = schema_fields((*RUN_MINIMAL, *RUN_NESTED))
CourseRunSerializer._declared_fields = schema_fields((*RUN_MINIMAL, *RUN_NESTED, *RUN_WITH_PROGRAMS))

__all__ = [
    "AiLanguagesSerializer",
    "CourseRunSerializer",
    "MinimalCourseRunSerializer",
    "NestedCourseRunSerializer",
    "SeatSerializer",
    "course_run_data",
    "course_run_with_programs_data",
    "minimal_course_run_data",
    "seat_data",
]
