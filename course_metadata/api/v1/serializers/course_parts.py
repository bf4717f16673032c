"""The parts of a course representation that are objects of their own: their values (from a course row
completed by ``selectors.courses.complete_courses``) and their declared shapes (the OpenAPI schema)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import ImageSerializer
from dbkit.rows import Row


def entitlements_data(course: Row) -> list[dict[str, Any]]:
    return [
        {
            "mode": row["mode"],
            "price": row["price"],
            "currency": row["currency"],
            "sku": row["sku"] or None,
            # Never used, always null in the incumbent too; kept so its clients find the key.
            "expires": None,
        }
        for row in course["entitlement_rows"]
    ]


def additional_metadata_data(course: Row) -> dict[str, Any] | None:
    metadata = course["additional_metadata_row"]
    if metadata is None:
        return None
    return {
        "external_url": metadata["external_url"],
        "external_identifier": metadata["external_identifier"],
        "lead_capture_form_url": metadata["lead_capture_form_url"],
        "organic_url": metadata["organic_url"],
        "facts": metadata["facts"],
        "certificate_info": (
            {"heading": metadata["certificate_heading"], "blurb": metadata["certificate_blurb"]}
            if metadata["certificate_heading"] is not None
            else None
        ),
        "start_date": metadata["start_date"],
        "end_date": metadata["end_date"],
        "registration_deadline": metadata["registration_deadline"],
        "variant_id": metadata["variant_id"],
        "course_term_override": metadata["course_term_override"],
        "product_status": metadata["product_status"],
        "product_meta": (
            {
                "title": metadata["product_meta_title"],
                "description": metadata["product_meta_description"],
                "keywords": metadata["product_meta_keywords"],
            }
            if metadata["product_meta_id"] is not None
            else None
        ),
        "external_course_marketing_type": metadata["external_course_marketing_type"] or None,
        "display_on_org_page": metadata["display_on_org_page"],
        "taxi_form": taxi_form_data(metadata) if metadata["taxi_form_id"] is not None else None,
    }


TAXI_FORM_KEYS = ("form_id", "grouping", "title", "subtitle", "post_submit_url")


def taxi_form_data(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return {key: row[key] for key in TAXI_FORM_KEYS} if row is not None else None


# --- declared shapes (the OpenAPI schema) -------------------------------------------------------------


class EntitlementSerializer(serializers.Serializer):
    mode = serializers.SlugField(help_text=_("Seat type slug."))
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    sku = serializers.CharField(allow_null=True)
    expires = serializers.DateTimeField(allow_null=True, read_only=True, help_text="Always null (as the incumbent).")


class ExtraDescriptionSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()


class CollaboratorSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    image = ImageSerializer(allow_null=True)


class FactSerializer(serializers.Serializer):
    heading = serializers.CharField()
    blurb = serializers.CharField()


class ProductMetaSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())


class TaxiFormSerializer(serializers.Serializer):
    form_id = serializers.CharField()
    grouping = serializers.CharField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    post_submit_url = serializers.URLField()


class AdditionalMetadataSerializer(serializers.Serializer):
    external_url = serializers.URLField()
    external_identifier = serializers.CharField()
    lead_capture_form_url = serializers.URLField()
    organic_url = serializers.URLField()
    facts = FactSerializer(many=True)
    certificate_info = FactSerializer(allow_null=True)
    start_date = serializers.DateTimeField(allow_null=True)
    end_date = serializers.DateTimeField(allow_null=True)
    registration_deadline = serializers.DateTimeField(allow_null=True)
    variant_id = serializers.UUIDField(allow_null=True)
    course_term_override = serializers.CharField()
    product_status = serializers.CharField()
    product_meta = ProductMetaSerializer(allow_null=True)
    external_course_marketing_type = serializers.CharField(allow_null=True)
    display_on_org_page = serializers.BooleanField()
    taxi_form = TaxiFormSerializer(allow_null=True)


class GeolocationSerializer(serializers.Serializer):
    location_name = serializers.CharField()
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)


class LocationRestrictionSerializer(serializers.Serializer):
    restriction_type = serializers.ChoiceField(choices=["allowlist", "blocklist"])
    countries = serializers.ListField(child=serializers.CharField())
    states = serializers.ListField(child=serializers.CharField())


class ProductValueSerializer(serializers.Serializer):
    per_click_usa = serializers.IntegerField()
    per_click_international = serializers.IntegerField()
    per_lead_usa = serializers.IntegerField()
    per_lead_international = serializers.IntegerField()


class ProductSourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    description = serializers.CharField()


class EditorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
