"""GET pathways/, learner-pathway/ (+ uuids/ and {uuid}/snapshot/), and the parts of active learner pathways:
learner-pathway-step/, -course/, -program/ and -block/."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from course_metadata.api.v1 import params
from course_metadata.api.v1.filters import LearnerPathwayFilter, PathwayFilter
from course_metadata.api.v1.serializers.pathways import (
    CourseNodeSerializer,
    LearnerPathwayBlockSerializer,
    LearnerPathwaySerializer,
    LearnerPathwaySnapshotSerializer,
    LearnerPathwayStepSerializer,
    PathwaySerializer,
    ProgramNodeSerializer,
)
from course_metadata.api.v1.views.base import ReadViewSet, as_uuid
from course_metadata.models import (
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Pathway,
)
from course_metadata.selectors.pathways import (
    learner_pathway_block_list,
    learner_pathway_course_list,
    learner_pathway_list,
    learner_pathway_program_list,
    learner_pathway_step_list,
    learner_pathways_containing,
    pathway_list,
)
from course_metadata.selectors.programs import PROGRAMS_BY_UUID, complete_programs
from dbkit.rows import as_rows


@extend_schema_view(
    list=extend_schema(description="Credit and industry pathways of programs."),
    retrieve=extend_schema(
        description="One pathway by id or UUID.",
        parameters=[OpenApiParameter("id_or_uuid", OpenApiTypes.STR, OpenApiParameter.PATH, description="Id or UUID.")],
    ),
)
class PathwayViewSet(ReadViewSet):
    serializer_class = PathwaySerializer
    filterset_class = PathwayFilter
    ordering_fields = ("name", "created")
    ordering = ("name",)
    lookup_field = "id_or_uuid"

    def get_queryset(self) -> QuerySet[Pathway]:
        return pathway_list()

    def complete(self, objects: list[Any]) -> list[Any]:
        """Each pathway's programs as the programs list shows them, loaded for the whole page at once."""
        uuids = {UUID(str(row["uuid"])) for pathway in objects for row in pathway.program_rows}
        programs = as_rows(PROGRAMS_BY_UUID.fetch(uuids))
        complete_programs(programs)
        by_uuid = {str(program["uuid"]): program for program in programs}
        for pathway in objects:
            pathway.program_full_rows = [
                by_uuid[str(row["uuid"])] for row in pathway.program_rows if str(row["uuid"]) in by_uuid
            ]
        return objects

    def filter_lookup(self, queryset: QuerySet[Pathway], value: str) -> QuerySet[Pathway]:
        parsed = as_uuid(value)
        if parsed is not None:
            return queryset.filter(uuid=parsed)
        pathway_id = params.as_id(value)
        return queryset.none() if pathway_id is None else queryset.filter(pk=pathway_id)


@extend_schema_view(
    list=extend_schema(description="Active learner pathways with their steps, nodes and estimated hours."),
    retrieve=extend_schema(description="One active learner pathway by UUID."),
)
class LearnerPathwayViewSet(ReadViewSet):
    serializer_class = LearnerPathwaySerializer
    filterset_class = LearnerPathwayFilter
    ordering_fields = ("title", "created")
    ordering = ("title",)
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[LearnerPathway]:
        return learner_pathway_list()

    @extend_schema(
        description="UUIDs of the active learner pathways that contain any of the given courses or programs.",
        parameters=[params.COURSE_KEYS, params.PROGRAM_UUIDS],
        responses={(200, "application/json"): {"type": "array", "items": {"type": "string", "format": "uuid"}}},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def uuids(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course_keys = params.query_param(request, "course_keys", params.parse_course_key_list) or []
        program_uuids = params.query_param(request, "program_uuids", params.parse_uuid_list) or []
        uuids = learner_pathways_containing(course_keys=course_keys, program_uuids=program_uuids)
        return Response([str(uuid) for uuid in uuids])

    @extend_schema(
        description="The pathway as one document: steps with their nodes in order and the estimated hours of "
        "each node, step and the whole pathway.",
        responses=LearnerPathwaySnapshotSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def snapshot(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(LearnerPathwaySnapshotSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(description="Steps of active learner pathways, each with its nodes and estimated hours."),
    retrieve=extend_schema(description="One step of an active learner pathway by UUID."),
)
class LearnerPathwayStepViewSet(ReadViewSet):
    serializer_class = LearnerPathwayStepSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[LearnerPathwayStep]:
        return learner_pathway_step_list()


@extend_schema_view(
    list=extend_schema(description="Course nodes of active learner pathways' steps."),
    retrieve=extend_schema(description="One course node by its UUID."),
)
class LearnerPathwayCourseViewSet(ReadViewSet):
    serializer_class = CourseNodeSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[LearnerPathwayCourse]:
        return learner_pathway_course_list()


@extend_schema_view(
    list=extend_schema(description="Program nodes of active learner pathways' steps."),
    retrieve=extend_schema(description="One program node by its UUID."),
)
class LearnerPathwayProgramViewSet(ReadViewSet):
    serializer_class = ProgramNodeSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[LearnerPathwayProgram]:
        return learner_pathway_program_list()


@extend_schema_view(
    list=extend_schema(description="Course block nodes of active learner pathways' steps."),
    retrieve=extend_schema(description="One block node by its UUID."),
)
class LearnerPathwayBlockViewSet(ReadViewSet):
    serializer_class = LearnerPathwayBlockSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[LearnerPathwayBlock]:
        return learner_pathway_block_list()
