"""GET course_runs/, course_runs/{key}/ and course_runs/contains/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from course_metadata.api.v1 import conditional, params
from course_metadata.api.v1.filters import QUERY_STRING_HELP, CourseRunFilter, query_string_uuids
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.course_runs import CourseRunSerializer
from course_metadata.api.v1.views.base import EditableMixin, ReadViewSet, as_uuid
from course_metadata.api.v1.views.courses import listed_program_statuses
from course_metadata.models import CourseRun
from course_metadata.selectors import course_runs as run_rules
from course_metadata.selectors.courses import (
    OFFICIAL_RUNS_BY_KEY,
    OFFICIAL_RUNS_BY_UUID,
    complete_course_runs,
    course_run_list,
)
from course_metadata.selectors.editing import editable_course_rows
from course_metadata.selectors.etags import etag_for
from course_metadata.selectors.query_strings import COURSE_RUN
from dbkit.rows import Row

RUN_LOOKUP = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="Course run key (course-v1:edX+CS101+2T2024) or UUID."
)


RUN_PARAMETERS = [
    params.EXCLUDE_UTM,
    params.EDITABLE,
    params.INCLUDE_DELETED_PROGRAMS,
    params.INCLUDE_UNPUBLISHED_PROGRAMS,
    params.INCLUDE_RETIRED_PROGRAMS,
    params.INCLUDE_RETIRED_RUN_TYPES,
    params.INCLUDE_RESTRICTED,
    params.FIELDS,
    params.OMIT,
]


def course_run_validators(course_run: Row, now: dt.datetime, *, editable: bool) -> tuple[str, dt.datetime]:
    at = conditional.version(
        [
            course_run["data_modified_timestamp"],
            course_run["course"].data_modified_timestamp,
            *(row["data_modified_timestamp"] for row in course_run["program_rows"]),
        ],
        run_rules.time_thresholds(course_run),
        now,
    )
    if editable:
        # Publisher checks If-Match against this tag, so editors get its tag for the row they edit.
        return etag_for(CourseRun.objects.get(pk=course_run["pk"])), at
    return conditional.version_etag("course_run", course_run["uuid"], course_run["draft"], at), at


@extend_schema_view(
    list=extend_schema(
        description="Course runs, official rows only unless `editable=1`. See the courses endpoint for the "
        "computed fields (availability, is_enrollable, is_marketable, ...).",
        parameters=RUN_PARAMETERS,
    ),
    retrieve=extend_schema(
        description="One course run by key (old-style edX/DemoX/Demo_Course keys too) or UUID. Answers "
        "If-None-Match / If-Modified-Since with 304.",
        parameters=[RUN_LOOKUP, *RUN_PARAMETERS],
    ),
)
class CourseRunViewSet(EditableMixin, ReadViewSet):
    serializer_class = CourseRunSerializer
    filterset_class = CourseRunFilter
    ordering_fields = ("key", "start", "end", "enrollment_start", "enrollment_end", "created", "modified")
    ordering = ("key",)
    lookup_field = "key"
    # A key or UUID; old-style keys (edX/DemoX/Demo_Course) hold slashes.
    lookup_value_regex = r"[^/+]+/[^/+]+/[^/]+|[^/]+"
    accepted = (params.INCLUDE_RETIRED_RUN_TYPES, params.INCLUDE_RESTRICTED)

    def get_queryset(self) -> QuerySet:
        if self.editable_mode:
            return course_run_list(editable_courses=editable_course_rows(self.request.user))
        return course_run_list()

    def lookup_rows(self, value: str) -> list[Any] | None:
        if self.editable_mode:
            return None
        parsed = as_uuid(value)
        return OFFICIAL_RUNS_BY_UUID.fetch([parsed]) if parsed else OFFICIAL_RUNS_BY_KEY.fetch([value])

    def filter_lookup(self, queryset: QuerySet, value: str) -> QuerySet:
        parsed = as_uuid(value)
        return queryset.filter(uuid=parsed) if parsed else queryset.filter(key=value)

    def complete(self, objects: list[Any]) -> list[Row]:
        return complete_course_runs(objects)

    def read_context(self, objects: list[Any]) -> ReadContext:
        context = super().read_context(objects)
        # A run lists its active programs, and those of each status an include_<status>_programs flag names.
        context.listed_program_statuses = listed_program_statuses(self.request)
        return context

    def validators(self, instance: Row) -> tuple[str, dt.datetime]:
        return course_run_validators(instance, self.now, editable=self.editable_mode)

    @extend_schema(
        description='Which of the given runs the query string `query` selects: `{"course_runs": {key: bool}}` '
        "(false for a key that names no official run). `query` is course-discovery's query-string language, "
        "as for `q`; `*:*` asks which runs exist.",
        parameters=[
            OpenApiParameter("query", OpenApiTypes.STR, required=True, description=QUERY_STRING_HELP),
            params.COURSE_RUN_IDS,
        ],
        responses=inline_serializer(
            "ContainedCourseRuns", {"course_runs": serializers.DictField(child=serializers.BooleanField())}
        ),
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def contains(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        text = request.query_params.get("query", "")
        if not text.strip():
            raise ValidationError({"query": [_("Give the query string the runs are tested against (*:* for any).")]})
        keys = params.query_param(request, "course_run_ids", params.parse_course_run_key_list)
        if not keys:
            raise ValidationError({"course_run_ids": [_("Give one or more comma-separated course run keys.")]})
        uuids = dict(run_rules.course_runs().official().filter(key__in=keys).values_list("key", "uuid"))
        matched = query_string_uuids("query", text, COURSE_RUN, among=set(uuids.values()))
        selected = set(uuids.values()) if matched is None else matched
        return Response({"course_runs": {key: uuids.get(key) in selected for key in keys}})
