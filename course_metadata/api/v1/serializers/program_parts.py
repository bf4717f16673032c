"""The parts of a program representation that are objects of their own: curricula and degree details."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from course_metadata.selectors.rows import Row


def degree_data(program: Row) -> dict[str, Any] | None:
    degree = program["degree_row"]
    if degree is None:
        return None
    return {
        **degree,
        "campus_image_url": degree["campus_image_url"] or None,
        "title_background_image_url": degree["title_background_image_url"] or None,
        "costs": program["degree_cost_rows"],
        "deadlines": program["degree_deadline_rows"],
        "rankings": program["degree_ranking_rows"],
        "specializations": [row["value"] for row in program["degree_specialization_rows"]],
    }


# --- declared shapes (the OpenAPI schema) -------------------------------------------------------------


class CurriculumCourseSerializer(serializers.Serializer):
    key = serializers.CharField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    is_active = serializers.BooleanField()


class CurriculumProgramSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    is_active = serializers.BooleanField()


class CurriculumSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    marketing_text = serializers.CharField()
    marketing_text_brief = serializers.CharField()
    is_active = serializers.BooleanField()
    courses = CurriculumCourseSerializer(many=True)
    programs = CurriculumProgramSerializer(many=True)


class DegreeCostSerializer(serializers.Serializer):
    description = serializers.CharField()
    amount = serializers.CharField()


class DegreeDeadlineSerializer(serializers.Serializer):
    semester = serializers.CharField()
    name = serializers.CharField()
    date = serializers.CharField()
    time = serializers.CharField()


class RankingSerializer(serializers.Serializer):
    rank = serializers.CharField()
    description = serializers.CharField()
    # DRF's serializer metaclass takes declared fields off the class, so this does not replace Field.source.
    source = serializers.CharField()  # type: ignore[assignment]


class DegreeSerializer(serializers.Serializer):
    application_requirements = serializers.CharField()
    apply_url = serializers.URLField()
    overall_ranking = serializers.CharField()
    campus_image_url = serializers.URLField(allow_null=True)
    title_background_image_url = serializers.URLField(allow_null=True)
    prerequisite_coursework = serializers.CharField()
    lead_capture_list_name = serializers.CharField()
    banner_border_color = serializers.CharField()
    application_deadline = serializers.CharField()
    hubspot_lead_capture_form_id = serializers.CharField()
    costs = DegreeCostSerializer(many=True)
    deadlines = DegreeDeadlineSerializer(many=True)
    rankings = RankingSerializer(many=True)
    specializations = serializers.ListField(child=serializers.CharField())
