"""The parts of a program representation that are objects of their own: curricula and degree details
(the degree itself is declared in course_metadata.resources.programs)."""

from __future__ import annotations

from rest_framework import serializers

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
