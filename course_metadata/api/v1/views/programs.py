"""GET programs/ and programs/{uuid}/."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from course_metadata.api.schema import LyceumAutoSchema
from course_metadata.api.v1 import conditional, params
from course_metadata.api.v1.filters import ProgramFilter
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.programs import ProgramDetailSerializer, ProgramSerializer
from course_metadata.api.v1.views.base import ReadViewSet, uuid_or_404
from course_metadata.selectors import course_runs as run_rules
from course_metadata.selectors.editing import editable_course_uuids
from course_metadata.selectors.programs import PROGRAMS_BY_UUID, complete_programs, program_list, programs
from dbkit.rows import Row, as_rows

PROGRAM_FLAGS = [
    params.USE_FULL_COURSE_SERIALIZER,
    params.PUBLISHED_COURSE_RUNS_ONLY,
    params.MARKETABLE_ENROLLABLE_COURSE_RUNS_WITH_ARCHIVED,
    params.EXCLUDE_UTM,
    params.INCLUDE_RESTRICTED,
    params.FIELDS,
    params.OMIT,
]
EXTENDED = params._flag("extended", "1: also `expected_learning_items` and `price_ranges` on each program.")


def program_validators(program: Row, now: dt.datetime) -> tuple[str, dt.datetime]:
    courses = program["courses"]
    runs = [run for course in courses for run in course["runs"]]
    organizations = [*program["authoring_org_rows"], *program["credit_backing_org_rows"]]
    organizations += [row for course in courses for row in course["owner_rows"]]
    at = conditional.version(
        [
            program["data_modified_timestamp"],
            *(course["data_modified_timestamp"] for course in courses),
            *(run["data_modified_timestamp"] for run in runs),
            *(row["data_modified_timestamp"] for row in organizations),
        ],
        [instant for run in runs for instant in run_rules.time_thresholds(run)],
        now,
    )
    return conditional.version_etag("program", program["uuid"], False, at), at


class ProgramListSchema(LyceumAutoSchema):
    """``uuids_only=1`` answers the list with a bare array of program UUIDs instead of a page of programs."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if getattr(self.view, "action", None) == "list":
            content = responses["200"]["content"]["application/json"]
            uuids = {"type": "array", "items": {"type": "string", "format": "uuid"}}
            content["schema"] = {"oneOf": [content["schema"], uuids]}
        return responses


@extend_schema_view(
    list=extend_schema(
        description="Programs with their courses and those courses' runs (not hidden, and not excluded by the "
        "program). `subscription_prices` needs a subscriptions integration Lyceum does not have: always empty.",
        parameters=[params.UUIDS_ONLY, EXTENDED, *PROGRAM_FLAGS],
    ),
    retrieve=extend_schema(
        description="One program by UUID, with the detail's fields (staff, subjects, price ranges, ...). "
        "Answers If-None-Match / If-Modified-Since with 304.",
        responses=ProgramDetailSerializer,
        parameters=PROGRAM_FLAGS,
    ),
)
class ProgramViewSet(ReadViewSet):
    schema = ProgramListSchema()
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    ordering_fields = ("title", "created", "modified", "data_modified_timestamp", "marketing_slug")
    ordering = ("title",)
    lookup_field = "uuid"
    accepted = (params.INCLUDE_RESTRICTED,)

    def get_queryset(self) -> QuerySet:
        return program_list()

    def lookup_rows(self, value: str) -> list[Any] | None:
        return PROGRAMS_BY_UUID.fetch([uuid_or_404(value)])

    def get_serializer_class(self) -> type[ProgramSerializer]:
        return ProgramDetailSerializer if self.action == "retrieve" else ProgramSerializer

    def complete(self, objects: list[Any]) -> list[Row]:
        programs = as_rows(objects)
        complete_programs(
            programs,
            # The detail's staff, subjects and topics read the courses' full nested data.
            full_courses=self.action == "retrieve" or params.flag(self.request, "use_full_course_serializer"),
            published_course_runs_only=params.flag(self.request, "published_course_runs_only"),
            marketable_enrollable=params.flag(self.request, "marketable_enrollable_course_runs_with_archived"),
        )
        return programs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if params.flag(request, "uuids_only"):
            uuids = self.filter_queryset(programs()).values_list("uuid", flat=True)
            return Response([str(uuid) for uuid in uuids])
        return super().list(request, *args, **kwargs)

    def read_context(self, objects: builtins.list[Any]) -> ReadContext:  # ``list`` is the action above
        context = super().read_context(objects)
        context.full_courses = params.flag(self.request, "use_full_course_serializer")
        context.program_detail = self.action == "retrieve"
        context.program_extended = params.flag(self.request, "extended")
        if context.full_courses:
            uuids = {course["uuid"] for program in objects for course in program["courses"]}
            context.editable_uuids = editable_course_uuids(self.request.user, uuids)
        return context

    def validators(self, instance: Row) -> tuple[str, dt.datetime]:
        return program_validators(instance, self.now)
