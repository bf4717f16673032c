"""What a search result shows of its document, per content type (course-discovery's search serializers).

Documents hold more than results show (the search-only fields); a result is the listed keys of the body,
renamed where the document keeps a field under another name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from search import schema
from search.backends.base import Hit

BASE = ("aggregation_key", "content_type")
RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    schema.COURSE: (
        *BASE,
        "full_description",
        "key",
        "short_description",
        "title",
        "card_image_url",
        "image_url",
        "course_runs",
        "uuid",
        "seat_types",
        "skill_names",
        "skills",
        "end_date",
        "course_ends",
        "subjects",
        "languages",
        "organizations",
        "course_type",
        "enterprise_subscription_inclusion",
        "external_course_marketing_type",
        "product_source",
        "partner",
    ),
    schema.COURSE_RUN: (
        *BASE,
        "authoring_organization_uuids",
        "availability",
        "end",
        "enrollment_end",
        "enrollment_start",
        "first_enrollable_paid_seat_sku",
        "first_enrollable_paid_seat_price",
        "full_description",
        "go_live_date",
        "has_enrollable_seats",
        "image_url",
        "is_enrollable",
        "key",
        "language",
        "level_type",
        "marketing_url",
        "max_effort",
        "min_effort",
        "mobile_available",
        "number",
        "org",
        "pacing_type",
        "partner",
        "program_types",
        "published",
        "seat_types",
        "skill_names",
        "skills",
        "short_description",
        "staff_uuids",
        "start",
        "subject_uuids",
        "title",
        "transcript_languages",
        "type",
        "uuid",
        "weeks_to_complete",
        "fixed_price_usd",
        "hidden",
    ),
    schema.PROGRAM: (
        *BASE,
        "card_image_url",
        "language",
        "marketing_url",
        "partner",
        "published",
        "status",
        "subtitle",
        "title",
        "type",
        "uuid",
        "authoring_organization_uuids",
        "authoring_organizations",
        "hidden",
        "is_program_eligible_for_one_click_purchase",
        "max_hours_effort_per_week",
        "min_hours_effort_per_week",
        "staff_uuids",
        "subject_uuids",
        "skill_names",
        "weeks_to_complete_max",
        "weeks_to_complete_min",
        "excluded_from_search",
        "excluded_from_seo",
    ),
    schema.PERSON: (
        *BASE,
        "uuid",
        "salutation",
        "full_name",
        "bio",
        "profile_image_url",
        "position",
        "organizations",
        "partner",
    ),
    schema.LEARNER_PATHWAY: (
        *BASE,
        "uuid",
        "title",
        "overview",
        "status",
        "published",
        "visible_via_association",
        "created",
        "card_image_url",
        "partner",
    ),
}
LIMITED_FIELDS = (
    "partner",
    "authoring_organization_uuids",
    "subject_uuids",
    "uuid",
    "key",
    "aggregation_key",
    "content_type",
)
# Result key → document key, where they differ.
RENAMED: dict[tuple[str, str], str] = {
    (schema.COURSE, "course_runs"): "course_run_details",
    (schema.PROGRAM, "authoring_organizations"): "authoring_organization_bodies",
}
DETAIL_FIELDS = {schema.COURSE: ("level_type", "modified", "outcome")}


def _flag(params: Mapping[str, list[str]], name: str) -> bool:
    values = params.get(name) or []
    return bool(values) and values[-1].lower() not in ("", "0", "false", "no")


def result_of(hit: Hit, params: Mapping[str, list[str]], *, limited: bool = False) -> dict[str, Any]:
    body = hit.body
    kind = hit.content_type
    names = LIMITED_FIELDS if limited else RESULT_FIELDS[kind]
    if not limited and _flag(params, "detail_fields"):
        names = (*names, *DETAIL_FIELDS.get(kind, ()))
    result = {name: body.get(RENAMED.get((kind, name), name)) for name in names}
    if kind == schema.COURSE_RUN and "language" in result:
        languages = result["language"] or []
        result["language"] = languages[0] if languages else None
    if kind == schema.COURSE and "course_runs" in result and _flag(params, "exclude_expired_course_run"):
        now = timezone.now().isoformat()
        result["course_runs"] = [
            run for run in result["course_runs"] or [] if run.get("end") is None or run["end"] > now[:19]
        ]
    return result
