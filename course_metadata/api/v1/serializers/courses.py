"""Courses: the full representation (courses endpoint) and the short one (courses nested in programs).

Both are built from the course declaration (``course_metadata.resources.courses``): the declared fields
(the OpenAPI schema) and the dicts ``to_representation`` returns come from the same list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rest_framework import serializers

from course_metadata.api.v1.serializers.common import ReadContext, read_context
from course_metadata.api.v1.serializers.course_parts import (
    TAXI_FORM_KEYS,
    AdditionalMetadataSerializer,
    CollaboratorSerializer,
    EditorSerializer,
    EntitlementSerializer,
    ExtraDescriptionSerializer,
    FactSerializer,
    GeolocationSerializer,
    LocationRestrictionSerializer,
    ProductMetaSerializer,
    ProductSourceSerializer,
    ProductValueSerializer,
    TaxiFormSerializer,
    taxi_form_data,
)
from course_metadata.resources import representation, schema_fields, with_overrides
from course_metadata.resources.courses import COURSE_DETAIL, COURSE_SUMMARY
from dbkit.rows import Row


def _no_runs(course: Row, context: ReadContext, runs: Sequence[Row]) -> list[Any]:
    return []


_SUMMARY = representation(COURSE_SUMMARY)
_SUMMARY_WITHOUT_RUNS = representation(
    [replace(public, value=_no_runs) if public.name == "course_runs" else public for public in COURSE_SUMMARY]
)
_DETAIL = representation(with_overrides(COURSE_SUMMARY, COURSE_DETAIL))


def course_summary_data(
    course: Row, context: ReadContext, runs: Sequence[Row] | None = None, *, minimal_runs: bool = True
) -> dict[str, Any]:
    """What programs list about each course. ``runs`` defaults to the course's loaded runs; without
    ``minimal_runs`` the runs are left empty."""
    describe = _SUMMARY if minimal_runs else _SUMMARY_WITHOUT_RUNS
    return describe(course, context, course["runs"] if runs is None else runs)


def course_data(course: Row, context: ReadContext, runs: Sequence[Row] | None = None) -> dict[str, Any]:
    """Everything about a course, from a course row completed by ``selectors.courses.complete_courses``."""
    return _DETAIL(course, context, course["runs"] if runs is None else runs)


class CourseSummarySerializer(serializers.Serializer):
    """A course as programs list it."""

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_summary_data(instance, read_context(self))


class CourseSerializer(CourseSummarySerializer):
    """A course with its runs (see the endpoint description for which runs are listed)."""

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_data(instance, read_context(self))


# The declared fields (the schema), in the representation's order.
CourseSummarySerializer._declared_fields = schema_fields(COURSE_SUMMARY)
CourseSerializer._declared_fields = schema_fields(with_overrides(COURSE_SUMMARY, COURSE_DETAIL))

__all__ = [
    "TAXI_FORM_KEYS",
    "AdditionalMetadataSerializer",
    "CollaboratorSerializer",
    "CourseSerializer",
    "CourseSummarySerializer",
    "EditorSerializer",
    "EntitlementSerializer",
    "ExtraDescriptionSerializer",
    "FactSerializer",
    "GeolocationSerializer",
    "LocationRestrictionSerializer",
    "ProductMetaSerializer",
    "ProductSourceSerializer",
    "ProductValueSerializer",
    "TaxiFormSerializer",
    "course_data",
    "course_summary_data",
    "taxi_form_data",
]
