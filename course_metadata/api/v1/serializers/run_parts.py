"""The parts of a run representation that are objects of their own: seats, the video and AI languages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import decimal_string, dt_string, video
from dbkit.rows import Row


def seat_data(seat: Row) -> dict[str, Any]:
    return {
        "type": seat["type_slug"],
        "price": decimal_string(seat["price"]),
        "currency": seat["currency"],
        "upgrade_deadline": dt_string(seat["upgrade_deadline"]),
        "upgrade_deadline_override": dt_string(seat["upgrade_deadline_override"]),
        "credit_provider": seat["credit_provider"] or None,
        "credit_hours": seat["credit_hours"],
        "sku": seat["sku"] or None,
        "bulk_sku": seat["bulk_sku"] or None,
    }


def run_video(course_run: Row, course: Row) -> dict[str, Any] | None:
    if course_run["video_src"]:
        return video(course_run["video_src"], course_run["video_description"], course_run["video_image_url"])
    course_video = course["video_row"]
    return video(course_video["src"], course_video["description"], course_video["image_url"]) if course_video else None


class SeatSerializer(serializers.Serializer):
    type = serializers.SlugField(help_text=_("Seat type slug: audit, verified, professional, credit, ..."))
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    upgrade_deadline = serializers.DateTimeField(allow_null=True)
    upgrade_deadline_override = serializers.DateTimeField(allow_null=True)
    credit_provider = serializers.CharField(allow_null=True)
    credit_hours = serializers.IntegerField(allow_null=True)
    sku = serializers.CharField(allow_null=True)
    bulk_sku = serializers.CharField(allow_null=True)


class AiLanguagesSerializer(serializers.Serializer):
    transcription_languages = serializers.ListField(child=serializers.JSONField())
    translation_languages = serializers.ListField(child=serializers.JSONField())
