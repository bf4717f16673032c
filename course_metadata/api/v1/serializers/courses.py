"""Courses: the full representation (courses endpoint) and the short one (courses nested in programs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    ImageSerializer,
    OrganizationSerializer,
    ProgramSummarySerializer,
    ReadContext,
    SubjectSerializer,
    VideoSerializer,
    dt_string,
    image,
    organization_data,
    program_summary_data,
    read_context,
    subject_data,
    uuid_string,
    video,
)
from course_metadata.api.v1.serializers.course_runs import (
    MinimalCourseRunSerializer,
    NestedCourseRunSerializer,
    course_run_data,
    minimal_course_run_data,
)
from course_metadata.selectors import course_runs as rules
from dbkit.rows import Row


def _entitlements(course: Row) -> list[dict[str, Any]]:
    return [
        {"mode": row["mode"], "price": row["price"], "currency": row["currency"], "sku": row["sku"] or None}
        for row in course["entitlement_rows"]
    ]


def course_summary_data(
    course: Row, context: ReadContext, runs: Sequence[Row] | None = None, *, minimal_runs: bool = True
) -> dict[str, Any]:
    """What programs list about each course. ``runs`` defaults to the course's loaded runs; without
    ``minimal_runs`` the short form of the runs is left for the caller to fill in (``course_data``)."""
    runs = course["runs"] if runs is None else runs
    return {
        "key": course["key"],
        "uuid": str(course["uuid"]),
        "title": course["title"],
        "url_slug": course["url_slug"],
        "image": image(course["image_url"]),
        "short_description": course["short_description"],
        "type": uuid_string(course["type_uuid"]),
        "course_type": course["type_slug"],
        "owners": [organization_data(row, context) for row in course["owner_rows"]],
        "entitlements": _entitlements(course),
        "course_runs": [minimal_course_run_data(run, course, context) for run in runs] if minimal_runs else [],
        "course_run_statuses": rules.course_run_statuses(runs, context.now),
        "enterprise_subscription_inclusion": course["enterprise_subscription_inclusion"],
        "excluded_from_search": course["excluded_from_search"],
        "excluded_from_seo": course["excluded_from_seo"],
    }


def _additional_metadata(course: Row) -> dict[str, Any] | None:
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


def course_data(course: Row, context: ReadContext, runs: Sequence[Row] | None = None) -> dict[str, Any]:
    """Everything about a course, from a course row completed by ``selectors.courses.complete_courses``."""
    runs = course["runs"] if runs is None else runs
    now = context.now
    data = course_summary_data(course, context, runs, minimal_runs=False)
    advertised = rules.advertised_course_run(runs, now)
    course_video = course["video_row"]
    slugs = [row["url_slug"] for row in course["slug_rows"]]
    data.update(
        {
            "key_for_reruns": course["key_for_reruns"],
            "full_description": course["full_description"],
            "extra_description": course["extra_description_row"],
            "outcome": course["outcome"],
            "prerequisites": [],
            "prerequisites_raw": course["prerequisites_raw"],
            "syllabus_raw": course["syllabus_raw"],
            "expected_learning_items": [],
            "additional_information": course["additional_information"],
            "faq": course["faq"],
            "learner_testimonials": course["learner_testimonials"],
            "level_type": course["level_type_name"],
            "card_image_url": course["card_image_url"] or None,
            "original_image": image(course["image_url"]),
            "video": (
                video(course_video["src"], course_video["description"], course_video["image_url"])
                if course_video
                else None
            ),
            "sponsors": [organization_data(row, context) for row in course["sponsor_rows"]],
            "subjects": [subject_data(row) for row in course["subject_rows"]],
            "collaborators": [
                {"uuid": row["uuid"], "name": row["name"], "image": image(row["image_url"])}
                for row in course["collaborator_rows"]
            ],
            "topics": [row["name"] for row in course["topic_rows"]],
            "programs": [program_summary_data(row, context) for row in course["program_rows"]],
            "canonical_course_run_key": course["canonical_course_run_key"],
            "course_runs": [course_run_data(run, course, context) for run in runs],
            "course_run_keys": [run["key"] for run in runs],
            "advertised_course_run_uuid": str(advertised["uuid"]) if advertised is not None else None,
            "marketing_url": context.marketing_url(
                course["partner_root"], f"course/{course['url_slug']}" if course["url_slug"] else None
            ),
            "url_slug_history": slugs,
            "url_redirects": [f"/course/{slug}" for slug in slugs],
            "product_source": course["product_source_row"],
            "additional_metadata": _additional_metadata(course),
            "geolocation": course["geolocation_row"],
            "location_restriction": course["location_restriction_row"],
            "in_year_value": course["in_year_value_row"],
            "organization_logo_override_url": course["organization_logo_override_url"] or None,
            "organization_short_code_override": course["organization_short_code_override"],
            "enrollment_count": course["enrollment_count"],
            "recent_enrollment_count": course["recent_enrollment_count"],
            "editable": course["uuid"] in context.editable_uuids,
            "editors": course.get("editor_rows", []) if context.editable_mode else [],
            "watchers": course["watchers"] if context.editable_mode else [],
            "skills": [],
            "skill_names": [],
            "draft": course["draft"],
            "modified": dt_string(course["modified"]),
            "data_modified_timestamp": dt_string(course["data_modified_timestamp"]),
        }
    )
    return data


# --- declared fields (the OpenAPI schema) --------------------------------------------------------------


class EntitlementSerializer(serializers.Serializer):
    mode = serializers.SlugField(help_text="Seat type slug.")
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    sku = serializers.CharField(allow_null=True)


class CourseSummarySerializer(serializers.Serializer):
    """A course as programs list it."""

    key = serializers.CharField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    url_slug = serializers.CharField()
    image = ImageSerializer(allow_null=True)
    short_description = serializers.CharField()
    type = serializers.UUIDField(allow_null=True, help_text="UUID of the course type.")
    course_type = serializers.SlugField(allow_null=True, help_text="Slug of the course type.")
    owners = OrganizationSerializer(many=True, help_text="Authoring organizations, in order.")
    entitlements = EntitlementSerializer(many=True)
    course_runs = MinimalCourseRunSerializer(many=True)
    course_run_statuses = serializers.ListField(
        child=serializers.CharField(),
        help_text="Distinct statuses of the listed runs that are not hidden; an unpublished run that is over "
        "counts as 'archived'.",
    )
    enterprise_subscription_inclusion = serializers.BooleanField()
    excluded_from_search = serializers.BooleanField()
    excluded_from_seo = serializers.BooleanField()

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_summary_data(instance, read_context(self))


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


class CourseSerializer(CourseSummarySerializer):
    """A course with its runs (see the endpoint description for which runs are listed)."""

    key_for_reruns = serializers.CharField()
    full_description = serializers.CharField()
    extra_description = ExtraDescriptionSerializer(allow_null=True)
    outcome = serializers.CharField()
    prerequisites = serializers.ListField(child=serializers.JSONField(), help_text="Not modelled; always empty.")
    prerequisites_raw = serializers.CharField()
    syllabus_raw = serializers.CharField()
    expected_learning_items = serializers.ListField(
        child=serializers.JSONField(), help_text="Not modelled; always empty."
    )
    additional_information = serializers.CharField()
    faq = serializers.CharField()
    learner_testimonials = serializers.CharField()
    level_type = serializers.CharField(allow_null=True)
    card_image_url = serializers.URLField(allow_null=True)
    original_image = ImageSerializer(allow_null=True)
    video = VideoSerializer(allow_null=True)
    sponsors = OrganizationSerializer(many=True)
    subjects = SubjectSerializer(many=True)
    collaborators = CollaboratorSerializer(many=True)
    topics = serializers.ListField(child=serializers.CharField())
    programs = ProgramSummarySerializer(many=True, help_text="Programs (not deleted) that include the course.")
    canonical_course_run_key = serializers.CharField(allow_null=True)
    course_runs = NestedCourseRunSerializer(many=True)
    course_run_keys = serializers.ListField(child=serializers.CharField())
    advertised_course_run_uuid = serializers.UUIDField(
        allow_null=True,
        help_text="Among the marketable runs listed: the enrollable run that started last; else the enrollable "
        "run starting soonest; else the run that starts last.",
    )
    marketing_url = serializers.URLField(allow_null=True, help_text="With utm_source unless exclude_utm=1.")
    url_slug_history = serializers.ListField(child=serializers.CharField(), help_text="Earlier slugs, newest first.")
    url_redirects = serializers.ListField(child=serializers.CharField(), help_text="Paths that redirect here.")
    product_source = ProductSourceSerializer(allow_null=True)
    additional_metadata = AdditionalMetadataSerializer(allow_null=True)
    geolocation = GeolocationSerializer(allow_null=True)
    location_restriction = LocationRestrictionSerializer(allow_null=True)
    in_year_value = ProductValueSerializer(allow_null=True)
    organization_logo_override_url = serializers.URLField(allow_null=True)
    organization_short_code_override = serializers.CharField()
    enrollment_count = serializers.IntegerField()
    recent_enrollment_count = serializers.IntegerField()
    editable = serializers.BooleanField(help_text="The caller may edit this course in Publisher.")
    editors = EditorSerializer(many=True, help_text="Listed with editable=1 only; otherwise empty.")
    watchers = serializers.ListField(
        child=serializers.EmailField(), help_text="Listed with editable=1 only; otherwise empty."
    )
    skills = serializers.ListField(
        child=serializers.JSONField(), help_text="Needs a skills taxonomy integration Lyceum does not have; empty."
    )
    skill_names = serializers.ListField(
        child=serializers.CharField(), help_text="Needs a skills taxonomy integration Lyceum does not have; empty."
    )
    draft = serializers.BooleanField(help_text="This is a draft row (only ever with editable=1).")
    modified = serializers.DateTimeField()
    data_modified_timestamp = serializers.DateTimeField()

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return course_data(instance, read_context(self))
