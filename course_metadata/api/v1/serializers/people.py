"""People: the people endpoint and course run staff, from ``nested.person_fields`` rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import ReadContext, read_context, uuid_string

# Social network types that also appear under ``urls`` by name.
URL_TYPES = ("facebook", "twitter", "blog")


def _position(row: Mapping[str, Any], context: ReadContext) -> dict[str, Any] | None:
    title = row["position_title"]
    if title is None:
        return None
    override = row["position_organization_override"]
    return {
        "title": title,
        "organization_name": override or row["position_organization_name"] or "",
        "organization_override": override,
        "organization_id": row["position_organization_id"],
        "organization_uuid": uuid_string(row["position_organization_uuid"]),
        "organization_logo_image_url": row["position_organization_logo_image_url"],
        "organization_marketing_url": context.marketing_url(
            row["position_organization_marketing_site_url_root"],
            row["position_organization_marketing_url_path"],
            utm=False,
        ),
    }


def person_data(row: Mapping[str, Any], context: ReadContext) -> dict[str, Any]:
    networks = row["social_networks"]
    urls = dict.fromkeys(URL_TYPES)
    for network in networks:
        if network["type"] in urls and urls[network["type"]] is None:
            urls[network["type"]] = network["url"]
    image_url = row["profile_image_url"]
    major_works = row["major_works"]
    return {
        "uuid": uuid_string(row["uuid"]),
        "salutation": row["salutation"],
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "slug": row["slug"],
        # Kept for clients of the incumbent, which also always sends null: an address is personal data.
        "email": None,
        "bio": row["bio"],
        "position": _position(row, context),
        "areas_of_expertise": row["expertise"],
        "profile_image_url": image_url or None,
        "profile_image": {"medium": {"url": image_url, "width": None, "height": None}} if image_url else {},
        "major_works": major_works,
        "works": [line.strip() for line in major_works.splitlines() if line.strip()],
        "urls": urls,
        "urls_detailed": [
            {
                "id": network["id"],
                "type": network["type"],
                "title": network["title"],
                "display_title": network["title"] or network["type"].title(),
                "url": network["url"],
            }
            for network in networks
        ],
        "published": row["published"],
    }


class PositionSerializer(serializers.Serializer):
    title = serializers.CharField()
    organization_name = serializers.CharField(help_text=_("The override when set, else the organization's name."))
    organization_override = serializers.CharField()
    organization_id = serializers.IntegerField(allow_null=True)
    organization_uuid = serializers.UUIDField(allow_null=True)
    organization_logo_image_url = serializers.URLField(allow_null=True)
    organization_marketing_url = serializers.URLField(allow_null=True)


class AreaOfExpertiseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    value = serializers.CharField()


class SocialNetworkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    display_title = serializers.CharField()
    url = serializers.URLField()


class PersonSerializer(serializers.Serializer):
    """A person (the people endpoint, and each entry of a course run's ``staff``)."""

    uuid = serializers.UUIDField()
    salutation = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    slug = serializers.SlugField()
    email = serializers.EmailField(allow_null=True, help_text=_("Always null: email addresses are never published."))
    bio = serializers.CharField()
    position = PositionSerializer(allow_null=True)
    areas_of_expertise = AreaOfExpertiseSerializer(many=True)
    profile_image_url = serializers.URLField(allow_null=True)
    profile_image = serializers.DictField(
        help_text=_('{"medium": {"url", "width", "height"}}; empty without an image.')
    )
    major_works = serializers.CharField()
    works = serializers.ListField(child=serializers.CharField(), help_text=_("major_works, one line each."))
    urls = serializers.DictField(
        child=serializers.URLField(allow_null=True), help_text=_("facebook, twitter and blog links (null when absent).")
    )
    urls_detailed = SocialNetworkSerializer(many=True)
    published = serializers.BooleanField()

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return person_data(instance, read_context(self))
