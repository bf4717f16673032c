"""Input serializers of the Publisher API: they parse the front end's bodies into what the services take.

They validate shapes and resolve references (a course type UUID to a CourseType); business rules stay in
the services, so the admin, commands and this API all get the same answers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from course_metadata.api.inputs import StrictInputMixin, StrictSerializer
from course_metadata.api.v1.params import as_id
from course_metadata.models import (
    CourseRunPacing,
    CourseRunType,
    CourseType,
    Organization,
    SeatType,
    Subject,
)
from course_metadata.models.partners import validate_key_part
from course_metadata.resources import ignored_names, input_fields
from course_metadata.resources.course_runs import RUN_DECLARATION
from course_metadata.resources.courses import COURSE_DECLARATION
from publisher_api.models import PUBLISHER_EDITOR, PublisherRoleAssignment, PublisherRoleEvent


def _prices() -> serializers.DictField:
    """``{"verified": "49.00"}``: a price per seat type slug."""
    return serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0), required=False
    )


class PartnerScopedSlugField(serializers.SlugRelatedField):
    """A slug that is unique per partner: resolved within the partner in the serializer's context."""

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        assert queryset is not None
        partner = self.context.get("partner")
        return queryset.filter(partner=partner) if partner is not None else queryset


@extend_schema_field(OpenApiTypes.STR)
class OrganizationKeyField(serializers.Field):
    """``"org": "MITx"``: the organization with this key (ambiguous across partners unless one is given)."""

    def to_internal_value(self, data: Any) -> Organization:
        organizations = Organization.objects.filter(key=str(data)).select_related("partner")
        partner = self.context.get("partner")
        if partner is not None:
            organizations = organizations.filter(partner=partner)
        found = list(organizations[:2])
        if not found:
            raise serializers.ValidationError(_("No organization with key %(data)r.") % {"data": data})
        if len(found) > 1:
            raise serializers.ValidationError(
                _("Several partners have an organization %(data)r; pass ?partner=.") % {"data": data}
            )
        return found[0]

    def to_representation(self, value: Organization) -> str:
        return value.key


def _uuid_field(queryset: Any, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="uuid", queryset=queryset, **kwargs)


class CourseRunInputSerializer(StrictSerializer):
    """The body of ``POST course_runs/`` (and the optional ``course_run`` of ``POST courses/``)."""

    start = serializers.DateTimeField()
    end = serializers.DateTimeField(required=False, allow_null=True)
    run_type = _uuid_field(CourseRunType.objects.all())
    pacing_type = serializers.ChoiceField(choices=CourseRunPacing.choices, default=CourseRunPacing.INSTRUCTOR)
    external_key = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=225)
    key = serializers.CharField(required=False, allow_blank=True, max_length=255)
    rerun = serializers.CharField(required=False, allow_blank=True, help_text=_("Key of the run to copy."))
    prices = _prices()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("end") and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        return attrs


class CourseRunCreateSerializer(CourseRunInputSerializer):
    course = serializers.CharField(help_text=_("Key or UUID of the course."))


class CourseCreateSerializer(StrictSerializer):
    """Exactly what the Publisher front end sends to create a course."""

    org = OrganizationKeyField()
    number = serializers.CharField(max_length=50, validators=[validate_key_part])
    title = serializers.CharField(max_length=255)
    type = _uuid_field(CourseType.objects.prefetch_related("entitlement_types"))
    prices = _prices()
    course_run = CourseRunInputSerializer(required=False)


@extend_schema_serializer(component_name="EntitlementInput")
class EntitlementSerializer(StrictSerializer):
    mode = serializers.SlugRelatedField(slug_field="slug", queryset=SeatType.objects.all())
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


@extend_schema_serializer(component_name="VideoInput")
class VideoSerializer(StrictSerializer):
    src = serializers.URLField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)
    image_url = serializers.URLField(required=False, allow_blank=True)


class PromoAreaSerializer(StrictSerializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "The image's URL; empty to remove the image."},
            {"type": "object", "properties": {"src": {"type": "string"}}, "required": ["src"]},
        ]
    }
)
class ImageField(serializers.Field):
    """``image`` as a URL or as ``{"src": url}`` (the read API's shape); uploads are not stored here."""

    def to_internal_value(self, data: Any) -> str:
        src = data.get("src") if isinstance(data, dict) else data
        if src in (None, ""):
            return ""
        if isinstance(src, str) and src.startswith("data:"):
            raise serializers.ValidationError(_("Image uploads are not accepted; give the image's URL."))
        return serializers.URLField(max_length=500).run_validation(src)


class CourseUpdateSerializer(StrictSerializer):
    """``PATCH``/``PUT courses/{id}/``: every field optional on PATCH; ``title`` required on PUT.

    The fields are the course declaration's writable ones (course_metadata.resources.courses), in its
    order; the few below need Publisher's own parsing and are declared here. ``uuid``, ``key`` and
    ``number`` may be sent back as read; the service refuses a different value.
    """

    image = ImageField(required=False, source="image_url")
    # The front end's name for organization_logo_override_url (a URL; uploads are not accepted).
    organization_logo_override = ImageField(required=False, allow_null=True, source="organization_logo_override_url")
    entitlements = EntitlementSerializer(many=True, required=False)
    subjects = PartnerScopedSlugField(slug_field="slug", queryset=Subject.objects.all(), many=True, required=False)
    video = VideoSerializer(required=False, allow_null=True)
    extra_description = PromoAreaSerializer(required=False, allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        return input_fields(COURSE_DECLARATION, super().get_fields())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ignored_names(COURSE_DECLARATION):
            attrs.pop(name, None)
        if "organization_logo_override_url" in attrs and attrs["organization_logo_override_url"] is None:
            attrs["organization_logo_override_url"] = ""
        return attrs


class CourseRunUpdateSerializer(StrictSerializer):
    """``PATCH course_runs/{key}/``: own fields, staff, seat prices, ``status`` and ``draft``.

    The fields are the run declaration's writable ones (course_metadata.resources.course_runs), in its order.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        return input_fields(RUN_DECLARATION, super().get_fields())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ignored_names(RUN_DECLARATION):
            attrs.pop(name, None)
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end <= start:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        return attrs


class CourseEditorSerializer(StrictSerializer):
    """Editors as the front end lists them, and the body that adds one."""

    id = serializers.IntegerField(read_only=True)
    course = serializers.UUIDField(source="course.uuid")
    user_id = serializers.IntegerField()
    user = serializers.SerializerMethodField()

    def get_user(self, course_editor: Any) -> dict[str, Any]:
        user = course_editor.user
        return {
            "id": user.pk,
            "username": user.get_username(),
            "email": None,  # the key stays for existing clients; addresses are never published (see ADR)
            "full_name": user.get_full_name(),
        }


class UserRefField(serializers.Field):
    """A user by id or username."""

    def to_internal_value(self, data: Any) -> Any:
        users = get_user_model().objects
        if isinstance(data, bool) or not isinstance(data, int | str) or "\x00" in str(data):
            raise serializers.ValidationError(_("Give a user id or a username."))
        user_id = as_id(str(data))
        user = users.filter(pk=user_id).first() if user_id is not None else users.filter(username=data).first()
        if user is None:
            raise serializers.ValidationError(_("No user %(data)r.") % {"data": data})
        return user

    def to_representation(self, value: Any) -> dict[str, Any]:
        return {"id": value.pk, "username": value.get_username(), "email": None}  # never an address


class PublisherRoleEventSerializer(serializers.ModelSerializer):
    user = UserRefField()
    role = serializers.CharField(source="role.name")
    actor = UserRefField(allow_null=True)

    class Meta:
        model = PublisherRoleEvent
        fields = ["id", "user", "role", "action", "actor", "reason", "created"]


class RevokeSerializer(StrictSerializer):
    """The optional body of ``DELETE publisher-roles/{id}/``."""

    reason = serializers.CharField(required=False, allow_blank=True)


class PublisherRoleAssignmentSerializer(StrictInputMixin, serializers.ModelSerializer):
    user = UserRefField()
    role = serializers.CharField(source="role.name", default=PUBLISHER_EDITOR)
    assigned_by = UserRefField(read_only=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    history = serializers.SerializerMethodField()

    class Meta:
        model = PublisherRoleAssignment
        fields = ["id", "user", "role", "assigned_by", "reason", "created", "history"]
        read_only_fields = ["id", "assigned_by", "created", "history"]

    def get_history(self, assignment: PublisherRoleAssignment) -> Any:
        events = self.context.get("events_by_user", {}).get(assignment.user_id, [])
        return PublisherRoleEventSerializer(events, many=True).data


__all__ = [
    "CourseCreateSerializer",
    "CourseEditorSerializer",
    "CourseRunCreateSerializer",
    "CourseRunInputSerializer",
    "CourseRunUpdateSerializer",
    "CourseUpdateSerializer",
    "PublisherRoleAssignmentSerializer",
    "PublisherRoleEventSerializer",
    "RevokeSerializer",
    "UserRefField",
]
