"""GET organizations/ and organizations/{uuid}/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from course_metadata.api.v1 import conditional
from course_metadata.api.v1.filters import OrganizationFilter
from course_metadata.api.v1.serializers.common import OrganizationSerializer
from course_metadata.api.v1.views.base import ReadViewSet
from course_metadata.selectors.organizations import organization_list


@extend_schema_view(
    list=extend_schema(description="Organizations that author or sponsor content."),
    retrieve=extend_schema(description="One organization by UUID. Answers If-None-Match / If-Modified-Since with 304."),
)
class OrganizationViewSet(ReadViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ("key", "name", "created", "modified", "data_modified_timestamp")
    ordering = ("key",)
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet:
        return organization_list()

    def validators(self, instance: dict[str, Any]) -> tuple[str, dt.datetime]:
        at = conditional.version([instance["data_modified_timestamp"]], [], self.now)
        return conditional.version_etag("organization", instance["uuid"], False, at), at
