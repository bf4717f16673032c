"""A program's ``courses`` field: summaries, or full courses with ``use_full_course_serializer=1``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type
from rest_framework import serializers

from course_metadata.api.v1.serializers.courses import CourseSerializer, CourseSummarySerializer


class ProgramCoursesField(serializers.ListField):
    """The courses of a program, in one of the two course forms."""


class ProgramCoursesFieldScheme(OpenApiSerializerFieldExtension):
    """Each course matches CourseSummary, and the full form matches Course too: ``anyOf``, not ``oneOf``."""

    target_class = ProgramCoursesField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        forms = [
            auto_schema.resolve_serializer(form, direction).ref for form in (CourseSummarySerializer, CourseSerializer)
        ]
        return build_array_type({"anyOf": forms})
