"""Programs, with their courses in the short form or (``use_full_course_serializer=1``) the full one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    OrganizationSerializer,
    ReadContext,
    SizedImagesField,
    SubjectSerializer,
    TypeAttrsSerializer,
    VideoSerializer,
    dt_string,
    organization_data,
    read_context,
    sized_image,
    subject_data,
    type_attrs,
    video,
)
from course_metadata.api.v1.serializers.courses import (
    CourseSerializer,
    CourseSummarySerializer,
    TaxiFormSerializer,
    course_data,
    course_summary_data,
    taxi_form_data,
)
from course_metadata.api.v1.serializers.taxonomy import LevelTypeSerializer
from course_metadata.models import ProgramStatus
from course_metadata.selectors import course_runs as rules
from dbkit.rows import Row


def _degree(program: Row) -> dict[str, Any] | None:
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


def program_data(program: Row, context: ReadContext) -> dict[str, Any]:
    """A program row completed by ``selectors.programs.complete_programs``."""
    excluded = {row["course_run_id"] for row in program["excluded_run_rows"]}
    describe = course_data if context.full_courses else course_summary_data
    courses = []
    all_runs = []
    for course in program["courses"]:
        runs = [run for run in course["runs"] if run["pk"] not in excluded]
        all_runs += runs
        courses.append(describe(course, context, runs))
    type_slug = program["type_slug"]
    program_video = program["video_row"]
    subject = program["primary_subject_override_row"]
    return {
        "uuid": str(program["uuid"]),
        "title": program["title"],
        "subtitle": program["subtitle"],
        "marketing_hook": program["marketing_hook"],
        "type": program["type_name"],
        "type_attrs": type_attrs(program["type_uuid"], type_slug, program["type_coaching_supported"]),
        "status": program["status"],
        "marketing_slug": program["marketing_slug"],
        "marketing_url": context.marketing_url(
            program["partner_root"],
            f"{type_slug}/{program['marketing_slug']}" if type_slug and program["marketing_slug"] else None,
        ),
        "banner_image": sized_image(program["banner_image_url"]),
        "card_image_url": program["card_image_url"] or None,
        "video": (
            video(program_video["src"], program_video["description"], program_video["image_url"])
            if program_video
            else None
        ),
        "overview": program["overview"],
        "hidden": program["hidden"],
        "courses": courses,
        "course_run_statuses": rules.course_run_statuses(all_runs, context.now),
        "authoring_organizations": [organization_data(row, context) for row in program["authoring_org_rows"]],
        "credit_backing_organizations": [organization_data(row, context) for row in program["credit_backing_org_rows"]],
        "is_program_eligible_for_one_click_purchase": bool(
            program["one_click_purchase_enabled"] and program["status"] == ProgramStatus.ACTIVE
        ),
        "degree": _degree(program),
        "curricula": program["curriculum_rows"],
        "total_hours_of_effort": program["total_hours_of_effort"],
        "weeks_to_complete": program["weeks_to_complete"],
        "min_hours_effort_per_week": program["min_hours_effort_per_week"],
        "max_hours_effort_per_week": program["max_hours_effort_per_week"],
        "enrollment_count": program["enrollment_count"],
        "recent_enrollment_count": program["recent_enrollment_count"],
        "organization_short_code_override": program["organization_short_code_override"],
        "organization_logo_override_url": program["organization_logo_override_url"] or None,
        "primary_subject_override": subject_data(subject) if subject is not None else None,
        "level_type_override": program["level_type_override_row"],
        "language_override": program["language_override"] or None,
        "labels": [row["name"] for row in program["label_rows"]],
        "taxi_form": taxi_form_data(program["taxi_form_row"]),
        "program_duration_override": program["program_duration_override"] or None,
        "subscription_eligible": program["subscription_eligible"],
        "subscription_prices": [],
        "has_ofac_restrictions": program["has_ofac_restrictions"],
        "ofac_comment": program["ofac_comment"],
        "excluded_from_search": program["excluded_from_search"],
        "excluded_from_seo": program["excluded_from_seo"],
        "enterprise_subscription_inclusion": program["enterprise_subscription_inclusion"],
        "data_modified_timestamp": dt_string(program["data_modified_timestamp"]),
    }


# --- declared fields (the OpenAPI schema) --------------------------------------------------------------


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


class ProgramCoursesField(serializers.ListField):
    """A program's courses: summaries, or full courses with ``use_full_course_serializer=1``."""


class ProgramCoursesFieldScheme(OpenApiSerializerFieldExtension):
    """Each course matches CourseSummary, and the full form matches Course too: ``anyOf``, not ``oneOf``."""

    target_class = ProgramCoursesField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        forms = [
            auto_schema.resolve_serializer(form, direction).ref for form in (CourseSummarySerializer, CourseSerializer)
        ]
        return build_array_type({"anyOf": forms})


class ProgramSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    marketing_hook = serializers.CharField()
    type = serializers.CharField(allow_null=True, help_text="Program type name.")
    type_attrs = TypeAttrsSerializer(allow_null=True)
    status = serializers.CharField()
    marketing_slug = serializers.CharField()
    marketing_url = serializers.URLField(allow_null=True, help_text="With utm_source unless exclude_utm=1.")
    banner_image = SizedImagesField(allow_null=True)
    card_image_url = serializers.URLField(allow_null=True)
    video = VideoSerializer(allow_null=True)
    overview = serializers.CharField()
    hidden = serializers.BooleanField()
    courses = ProgramCoursesField()
    course_run_statuses = serializers.ListField(child=serializers.CharField())
    authoring_organizations = OrganizationSerializer(many=True)
    credit_backing_organizations = OrganizationSerializer(many=True)
    is_program_eligible_for_one_click_purchase = serializers.BooleanField()
    degree = DegreeSerializer(allow_null=True, help_text="Admissions data when the program is a degree.")
    curricula = CurriculumSerializer(many=True)
    total_hours_of_effort = serializers.IntegerField(allow_null=True)
    weeks_to_complete = serializers.IntegerField(allow_null=True)
    min_hours_effort_per_week = serializers.IntegerField(allow_null=True)
    max_hours_effort_per_week = serializers.IntegerField(allow_null=True)
    enrollment_count = serializers.IntegerField()
    recent_enrollment_count = serializers.IntegerField()
    organization_short_code_override = serializers.CharField()
    organization_logo_override_url = serializers.URLField(allow_null=True)
    primary_subject_override = SubjectSerializer(allow_null=True)
    level_type_override = LevelTypeSerializer(allow_null=True)
    language_override = serializers.CharField(allow_null=True)
    labels = serializers.ListField(child=serializers.CharField())
    taxi_form = TaxiFormSerializer(allow_null=True)
    program_duration_override = serializers.CharField(allow_null=True)
    subscription_eligible = serializers.BooleanField(allow_null=True)
    subscription_prices = serializers.ListField(
        child=serializers.JSONField(), help_text="Needs a subscriptions integration Lyceum does not have; empty."
    )
    has_ofac_restrictions = serializers.BooleanField(allow_null=True)
    ofac_comment = serializers.CharField()
    excluded_from_search = serializers.BooleanField()
    excluded_from_seo = serializers.BooleanField()
    enterprise_subscription_inclusion = serializers.BooleanField()
    data_modified_timestamp = serializers.DateTimeField()

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return program_data(instance, read_context(self))
