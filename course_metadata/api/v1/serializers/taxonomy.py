"""Vocabularies and product types, from the values() rows of course_metadata.selectors.taxonomy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import SizedImagesField, sized_image, uuid_string


class TopicSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    subtitle = serializers.CharField()
    description = serializers.CharField()
    long_description = serializers.CharField()
    banner_image_url = serializers.URLField()

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        # Iterating the fields gives their names; django-stubs types BindingDict.__iter__ as yielding Field objects.
        return {name: uuid_string(instance[name]) if name == "uuid" else instance[name] for name in self.fields}  # type: ignore[misc, index]


class LevelTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    sort_value = serializers.IntegerField()

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": instance["name"], "sort_value": instance["sort_value"]}


class ProgramTypeSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    logo_image_url = serializers.URLField(allow_null=True)
    logo_image = SizedImagesField(allow_null=True, help_text="The logo as the incumbent names it (one URL per size).")
    coaching_supported = serializers.BooleanField()
    applicable_seat_types = serializers.ListField(child=serializers.SlugField())

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "uuid": uuid_string(instance["uuid"]),
            "name": instance["name"],
            "slug": instance["slug"],
            "logo_image_url": instance["logo_image_url"] or None,
            "logo_image": sized_image(instance["logo_image_url"]),
            "coaching_supported": instance["coaching_supported"],
            "applicable_seat_types": instance["seat_type_slugs"],
        }


class TrackSerializer(serializers.Serializer):
    mode = serializers.SlugField(help_text=_("LMS enrollment mode slug."))
    mode_name = serializers.CharField()
    seat_type = serializers.SlugField(allow_null=True, help_text=_("Seat type sold for the mode; null if none."))


class CourseRunTypeSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    is_marketable = serializers.BooleanField()
    tracks = TrackSerializer(many=True)

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return course_run_type_data(instance)


def course_run_type_data(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "uuid": uuid_string(row["uuid"]),
        "name": row["name"],
        "slug": row["slug"],
        "is_marketable": row["is_marketable"],
        "tracks": row["track_rows"],
    }


class CourseTypeSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    entitlement_types = serializers.ListField(child=serializers.SlugField())
    course_run_types = CourseRunTypeSerializer(many=True)

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "uuid": uuid_string(instance["uuid"]),
            "name": instance["name"],
            "slug": instance["slug"],
            "entitlement_types": instance["entitlement_type_slugs"],
            "course_run_types": [course_run_type_data(row) for row in instance["course_run_type_rows"]],
        }
