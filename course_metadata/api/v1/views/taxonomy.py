"""GET subjects/, topics/, level_types/, program_types/, course_types/ and course_run_types/."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import AllowAny

from course_metadata.api.v1 import params
from course_metadata.api.v1.filters import SlugFilter, UUIDFilter
from course_metadata.api.v1.serializers.common import SubjectSerializer
from course_metadata.api.v1.serializers.taxonomy import (
    CourseRunTypeSerializer,
    CourseTypeSerializer,
    LevelTypeSerializer,
    ProgramTypeSerializer,
    TopicSerializer,
)
from course_metadata.api.v1.views.base import ReadViewSet
from course_metadata.selectors import taxonomy


@extend_schema_view(list=extend_schema(description="Subjects. Public."), retrieve=extend_schema(description="Public."))
class SubjectViewSet(ReadViewSet):
    accepted = (params.LANGUAGE_CODE,)
    permission_classes = [AllowAny]
    serializer_class = SubjectSerializer
    filterset_class = SlugFilter
    ordering_fields = ("name", "slug")
    ordering = ("name",)
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet:
        return taxonomy.subject_list()


@extend_schema_view(list=extend_schema(description="Topics. Public."), retrieve=extend_schema(description="Public."))
class TopicViewSet(ReadViewSet):
    accepted = (params.LANGUAGE_CODE,)
    permission_classes = [AllowAny]
    serializer_class = TopicSerializer
    filterset_class = SlugFilter
    ordering_fields = ("name", "slug")
    ordering = ("name",)
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet:
        return taxonomy.topic_list()


@extend_schema_view(list=extend_schema(description="Course level types, by sort value."))
class LevelTypeViewSet(ReadViewSet):
    accepted = (params.LANGUAGE_CODE,)
    serializer_class = LevelTypeSerializer
    filter_backends = ReadViewSet.filter_backends[1:]
    ordering_fields = ("name", "sort_value")
    ordering = ("sort_value", "name")
    lookup_field = "name"

    def get_queryset(self) -> QuerySet:
        return taxonomy.level_type_list()


@extend_schema_view(
    list=extend_schema(description="Program types (MicroMasters, ...). Public."),
    retrieve=extend_schema(description="One program type by slug. Public."),
)
class ProgramTypeViewSet(ReadViewSet):
    accepted = (params.LANGUAGE_CODE,)
    permission_classes = [AllowAny]
    serializer_class = ProgramTypeSerializer
    filterset_class = UUIDFilter
    ordering_fields = ("name", "slug")
    ordering = ("name",)
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return taxonomy.program_type_list()


@extend_schema_view(list=extend_schema(description="Course types: which run types and entitlements a course has."))
class CourseTypeViewSet(ReadViewSet):
    serializer_class = CourseTypeSerializer
    filterset_class = UUIDFilter
    ordering_fields = ("name", "slug")
    ordering = ("name",)
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet:
        return taxonomy.course_type_list()


@extend_schema_view(list=extend_schema(description="Course run types: the tracks (mode and seat type) a run offers."))
class CourseRunTypeViewSet(ReadViewSet):
    serializer_class = CourseRunTypeSerializer
    filterset_class = UUIDFilter
    ordering_fields = ("name", "slug")
    ordering = ("name",)
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet:
        return taxonomy.course_run_type_list()
