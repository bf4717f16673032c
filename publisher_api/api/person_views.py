"""POST people/ and PATCH/PUT people/{uuid}/: the instructors Publisher creates and edits.

Reads of the same paths stay with the read API (the dispatcher sends them there); the answer of a write is
the read API's person representation, so a client sees the same object either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.inputs import StrictSerializer
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.people import PersonSerializer, person_data
from course_metadata.models import Organization, Person, PersonSocialNetwork
from course_metadata.selectors.people import person_list
from course_metadata.services.people import person_create, person_update
from dbkit.reconnect import read_after_commit
from publisher_api import permissions
from publisher_api.api.views import run_service

NO_UPLOADS = _("Image uploads are not kept; give the image's address in profile_image_url.")
NO_EMAIL = _("Email addresses of people are not kept; leave email out.")
# The read API's name for the path parameter of people/{uuid}/, which the schema shows the writes under.
UUID_PARAMETER = OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)
NOT_WRITTEN = _("This field is derived from the others; leave it out of the body.")


class PositionInput(StrictSerializer):
    title = serializers.CharField(max_length=255)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), allow_null=True, required=False, help_text=_("Organization id.")
    )
    organization_override = serializers.CharField(max_length=255, allow_blank=True, required=False)


class SocialNetworkInput(StrictSerializer):
    id = serializers.IntegerField(required=False, allow_null=True, help_text=_("Absent or null: a new link."))
    type = serializers.ChoiceField(choices=PersonSocialNetwork.TYPES, required=False)
    title = serializers.CharField(max_length=255, allow_blank=True, required=False)
    url = serializers.URLField(max_length=500)

    refused_fields = {"display_title": NOT_WRITTEN}


class AreaOfExpertiseInput(StrictSerializer):
    id = serializers.IntegerField(required=False, allow_null=True, help_text=_("Absent or null: a new area."))
    value = serializers.CharField(max_length=255)


class PersonInput(StrictSerializer):
    """The body of POST people/ and PATCH/PUT people/{uuid}/ (the incumbent's writable person fields)."""

    uuid = serializers.UUIDField(read_only=True)
    salutation = serializers.CharField(max_length=10, allow_blank=True, required=False)
    given_name = serializers.CharField(max_length=255)
    family_name = serializers.CharField(max_length=255, allow_blank=True, required=False)
    slug = serializers.SlugField(max_length=255, allow_blank=True, required=False)
    bio = serializers.CharField(allow_blank=True, required=False)
    major_works = serializers.CharField(allow_blank=True, required=False)
    profile_image_url = serializers.URLField(allow_blank=True, required=False)
    published = serializers.BooleanField(required=False, help_text=_("Ignored on create: new people are published."))
    position = PositionInput(required=False)
    urls_detailed = SocialNetworkInput(many=True, required=False)
    areas_of_expertise = AreaOfExpertiseInput(many=True, required=False)

    refused_fields = {
        "email": NO_EMAIL,
        "profile_image": NO_UPLOADS,
        "works": NOT_WRITTEN,
        "urls": NOT_WRITTEN,
        "partner": _("The partner follows the position's organization; leave partner out."),
    }


def _parts(data: dict[str, Any]) -> dict[str, Any]:
    position = data.pop("position", None)
    return {
        "fields": data,
        "position": dict(position) if position is not None else None,
        "urls_detailed": [dict(row) for row in data.pop("urls_detailed")] if "urls_detailed" in data else None,
        "areas_of_expertise": (
            [dict(row) for row in data.pop("areas_of_expertise")] if "areas_of_expertise" in data else None
        ),
    }


def _answer(person: Person, status_code: int) -> Response:
    # The write has committed: a connection lost since then is replaced for this read (ADR 0135).
    row = cast(Mapping[str, Any], read_after_commit(lambda: person_list().get(pk=person.pk)))  # plain values
    return Response(person_data(row, ReadContext()), status=status_code)


class PersonWriteView(APIView):
    """POST people/ · PATCH/PUT people/{uuid}/ (staff, or Publisher users of the person's organization)."""

    permission_classes = [permissions.PublisherPermission]

    @extend_schema(summary="Create a person", request=PersonInput, responses={201: PersonSerializer})
    def post(self, request: Request) -> Response:
        serializer = PersonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        parts = _parts(dict(serializer.validated_data))
        organization = (parts["position"] or {}).get("organization")
        if not permissions.can_write_person(request.user, [organization]):
            raise PermissionDenied(_("You may add people only at an organization whose Publisher group you are in."))
        parts["urls_detailed"] = parts["urls_detailed"] or []
        parts["areas_of_expertise"] = parts["areas_of_expertise"] or []
        person = run_service(person_create, **parts)
        return _answer(person, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a person", request=PersonInput, responses={200: PersonSerializer}, parameters=[UUID_PARAMETER]
    )
    def patch(self, request: Request, identifier: str) -> Response:
        return self._update(request, identifier, partial=True)

    @extend_schema(
        summary="Replace a person's fields",
        request=PersonInput,
        responses={200: PersonSerializer},
        parameters=[UUID_PARAMETER],
    )
    def put(self, request: Request, identifier: str) -> Response:
        return self._update(request, identifier, partial=False)

    def _update(self, request: Request, identifier: str, *, partial: bool) -> Response:
        person = _person(identifier)
        serializer = PersonInput(person, data=request.data, partial=partial)
        current = getattr(getattr(person, "position", None), "organization", None)
        organizations = [current]
        if not permissions.can_write_person(request.user, organizations):
            raise PermissionDenied(_("You may change only people at an organization whose Publisher group you are in."))
        serializer.is_valid(raise_exception=True)
        parts = _parts(dict(serializer.validated_data))
        moved_to = (parts["position"] or {}).get("organization", current)
        if moved_to != current and not permissions.can_write_person(request.user, [moved_to]):
            raise PermissionDenied(_("You may move people only to an organization whose Publisher group you are in."))
        person = run_service(person_update, person=person, **parts)
        return _answer(person, status.HTTP_200_OK)


def _person(identifier: str) -> Person:
    person = (
        Person.objects.select_related("position__organization").filter(uuid=identifier).first()
        if _is_uuid(identifier)
        else None
    )
    if person is None:
        raise Http404(_("No person %(uuid)s.") % {"uuid": identifier})
    return person


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
