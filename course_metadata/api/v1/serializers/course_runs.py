"""Course runs: the full representation (course_runs endpoint, runs nested in courses) and the short one
(runs of the courses nested in programs). Computed fields come from course_metadata.selectors.course_runs."""

from __future__ import annotations

import functools
from typing import Any

from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    ImageSerializer,
    ProgramSummarySerializer,
    ReadContext,
    VideoSerializer,
    decimal_string,
    dt_string,
    image,
    language_name,
    language_names,
    program_summary_data,
    read_context,
    uuid_string,
    video,
)
from course_metadata.api.v1.serializers.people import PersonSerializer, person_data
from course_metadata.selectors import course_runs as rules
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


def minimal_course_run_data(course_run: Row, course: Row, context: ReadContext) -> dict[str, Any]:
    """What programs list about each run of their courses."""
    now = context.now
    return {
        "key": course_run["key"],
        "uuid": str(course_run["uuid"]),
        "title": course_run["title_override"] or course["title"],
        "external_key": course_run["external_key"],
        "image": image(course["image_url"]),
        "short_description": course_run["short_description_override"] or course["short_description"],
        "marketing_url": context.marketing_url(course["partner_root"], f"course/{course_run['slug']}"),
        "seats": [seat_data(seat) for seat in course_run["seats"]],
        "start": dt_string(course_run["start"]),
        "end": dt_string(course_run["end"]),
        "go_live_date": dt_string(course_run["go_live_date"]),
        "enrollment_start": dt_string(course_run["enrollment_start"]),
        "enrollment_end": dt_string(course_run["enrollment_end"]),
        "pacing_type": course_run["pacing_type"],
        "type": rules.legacy_type(course_run),
        "run_type": uuid_string(course_run["type_uuid"]),
        "status": course_run["status"],
        "is_enrollable": rules.is_enrollable(course_run, now),
        "is_marketable": rules.is_marketable(course_run),
        "availability": rules.availability(course_run, now),
        "variant_id": uuid_string(course_run["variant_id"]),
    }


def _video(course_run: Row, course: Row) -> dict[str, Any] | None:
    if course_run["video_src"]:
        return video(course_run["video_src"], course_run["video_description"], course_run["video_image_url"])
    course_video = course["video_row"]
    return video(course_video["src"], course_video["description"], course_video["image_url"]) if course_video else None


def course_run_data(course_run: Row, course: Row, context: ReadContext) -> dict[str, Any]:
    """Everything about a run, from a run row (``RUN_FIELDS`` with seats and staff) and its course's row
    (``COURSE_FIELDS`` with its video and additional metadata)."""
    now = context.now
    data = minimal_course_run_data(course_run, course, context)
    metadata = course["additional_metadata_row"]
    data.update(
        {
            "course": course["key"],
            "course_uuid": str(course["uuid"]),
            "full_description": course_run["full_description_override"] or course["full_description"],
            "outcome": course_run["outcome_override"] or course["outcome"],
            "announcement": dt_string(course_run["announcement"]),
            "video": _video(course_run, course),
            "content_language": course_run["content_language"] or None,
            "content_language_search_facet_name": language_name(course_run["content_language"]),
            "transcript_languages": course_run["transcript_languages"],
            "transcript_languages_search_facet_names": language_names(course_run["transcript_languages"]),
            "ai_languages": course_run["ai_languages"] or {"transcription_languages": [], "translation_languages": []},
            "instructors": [],
            "staff": [
                context.shared("person", row["uuid"], functools.partial(person_data, row, context))
                for row in course_run["staff_rows"]
            ],
            "min_effort": course_run["min_effort"],
            "max_effort": course_run["max_effort"],
            "weeks_to_complete": course_run["weeks_to_complete"],
            "estimated_hours": rules.estimated_hours(course_run),
            "level_type": course["level_type_name"],
            "license": course_run["license"],
            "mobile_available": course_run["mobile_available"],
            "hidden": course_run["hidden"],
            "reporting_type": course_run["reporting_type"],
            "eligible_for_financial_aid": course_run["eligible_for_financial_aid"],
            "first_enrollable_paid_seat_price": rules.first_enrollable_paid_seat_price(course_run, now),
            "has_ofac_restrictions": course_run["has_ofac_restrictions"],
            "ofac_comment": course_run["ofac_comment"],
            "enrollment_count": course_run["enrollment_count"],
            "recent_enrollment_count": course_run["recent_enrollment_count"],
            "expected_program_name": course_run["expected_program_name"],
            "expected_program_type": course_run["expected_program_type_slug"],
            "fixed_price_usd": decimal_string(course_run["fixed_price_usd"]),
            "is_marketable_external": rules.is_marketable_external(
                course_run, metadata["external_url"] if metadata else None, now
            ),
            "restriction_type": None,
            "enterprise_subscription_inclusion": course_run["enterprise_subscription_inclusion"],
            "modified": dt_string(course_run["modified"]),
            "data_modified_timestamp": dt_string(course_run["data_modified_timestamp"]),
        }
    )
    return data


def course_run_with_programs_data(course_run: Row, context: ReadContext) -> dict[str, Any]:
    """A run as the course_runs endpoint shows it: also the programs that include it."""
    data = course_run_data(course_run, course_run["course"], context)
    data["programs"] = [program_summary_data(row, context) for row in course_run["program_rows"]]
    return data


# --- declared fields (the OpenAPI schema) --------------------------------------------------------------


class SeatSerializer(serializers.Serializer):
    type = serializers.SlugField(help_text="Seat type slug: audit, verified, professional, credit, ...")
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


class MinimalCourseRunSerializer(serializers.Serializer):
    key = serializers.CharField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    external_key = serializers.CharField(allow_null=True)
    image = ImageSerializer(allow_null=True, help_text="The course's image.")
    short_description = serializers.CharField()
    marketing_url = serializers.URLField(allow_null=True, help_text="With utm_source unless exclude_utm=1.")
    seats = SeatSerializer(many=True)
    start = serializers.DateTimeField(allow_null=True)
    end = serializers.DateTimeField(allow_null=True)
    go_live_date = serializers.DateTimeField(allow_null=True)
    enrollment_start = serializers.DateTimeField(allow_null=True)
    enrollment_end = serializers.DateTimeField(allow_null=True)
    pacing_type = serializers.CharField()
    type = serializers.CharField(allow_null=True, help_text="Legacy type: the most valuable seat type offered.")
    run_type = serializers.UUIDField(allow_null=True, help_text="UUID of the course run type.")
    status = serializers.CharField()
    is_enrollable = serializers.BooleanField(help_text="Enrollment is open now.")
    is_marketable = serializers.BooleanField(
        help_text="Published, with a marketing slug, a marketable run type and at least one seat."
    )
    availability = serializers.ChoiceField(
        choices=["Current", "Starting Soon", "Upcoming", "Archived"],
        help_text="Archived once ended; Current once started; Starting Soon when it starts within 60 days; "
        "else Upcoming.",
    )
    variant_id = serializers.UUIDField(allow_null=True)

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return minimal_course_run_data(instance, instance["course"], read_context(self))


class NestedCourseRunSerializer(MinimalCourseRunSerializer):
    """A run as courses list it."""

    course = serializers.CharField(help_text="Course key.")
    course_uuid = serializers.UUIDField()
    full_description = serializers.CharField()
    outcome = serializers.CharField()
    announcement = serializers.DateTimeField(allow_null=True)
    video = VideoSerializer(allow_null=True)
    content_language = serializers.CharField(allow_null=True)
    content_language_search_facet_name = serializers.CharField(allow_null=True)
    transcript_languages = serializers.ListField(child=serializers.CharField())
    transcript_languages_search_facet_names = serializers.ListField(child=serializers.CharField())
    ai_languages = AiLanguagesSerializer()
    instructors = serializers.ListField(child=serializers.JSONField(), help_text="Deprecated; always empty.")
    staff = PersonSerializer(many=True)
    min_effort = serializers.IntegerField(allow_null=True)
    max_effort = serializers.IntegerField(allow_null=True)
    weeks_to_complete = serializers.IntegerField(allow_null=True)
    estimated_hours = serializers.FloatField(
        help_text="weeks_to_complete times the mean of min and max effort; 0 if unknown."
    )
    level_type = serializers.CharField(allow_null=True)
    license = serializers.CharField()
    mobile_available = serializers.BooleanField()
    hidden = serializers.BooleanField()
    reporting_type = serializers.CharField()
    eligible_for_financial_aid = serializers.BooleanField()
    first_enrollable_paid_seat_price = serializers.FloatField(allow_null=True)
    has_ofac_restrictions = serializers.BooleanField(allow_null=True)
    ofac_comment = serializers.CharField()
    enrollment_count = serializers.IntegerField()
    recent_enrollment_count = serializers.IntegerField()
    expected_program_name = serializers.CharField()
    expected_program_type = serializers.CharField(allow_null=True, help_text="Program type slug.")
    fixed_price_usd = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    is_marketable_external = serializers.BooleanField()
    restriction_type = serializers.CharField(allow_null=True, help_text="Not modelled in Lyceum; always null.")
    enterprise_subscription_inclusion = serializers.BooleanField()
    modified = serializers.DateTimeField()
    data_modified_timestamp = serializers.DateTimeField()

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_run_data(instance, instance["course"], read_context(self))


class CourseRunSerializer(NestedCourseRunSerializer):
    """A run on the course_runs endpoint: also the programs that include it."""

    programs = ProgramSummarySerializer(many=True)

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_run_with_programs_data(instance, read_context(self))
