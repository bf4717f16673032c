"""GET people/ and people/{uuid}/ (public)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import AllowAny

from course_metadata.api.v1.filters import PersonFilter
from course_metadata.api.v1.serializers.people import PersonSerializer
from course_metadata.api.v1.views.base import ReadViewSet
from course_metadata.selectors.people import person_list


@extend_schema_view(
    list=extend_schema(description="People who teach or staff course runs. Public."),
    retrieve=extend_schema(description="One person by UUID. Public."),
)
class PersonViewSet(ReadViewSet):
    permission_classes = [AllowAny]
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ("family_name", "given_name", "slug", "created", "modified")
    ordering = ("family_name", "given_name")
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet:
        return person_list()
