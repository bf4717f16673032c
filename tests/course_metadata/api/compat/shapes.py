"""Field-by-field shape checks against the incumbent's serializers: JSON types, nesting, null versus empty
list, and the datetime format (``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``, as DRF renders an aware UTC datetime)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")

# A shape: a kind name, a dict (an object with exactly these keys), or a one-item list (a list of that shape).
# Kinds: "str", "int", "bool", "number", "uuid", "datetime", "decimal" (a string holding a decimal), "object"
# (any dict), "any"; a trailing "?" allows null.
Shape = Any


def check(value: Any, shape: Shape, path: str = "$") -> list[str]:
    """Every difference between ``value`` and ``shape``, as readable paths (empty when it matches)."""
    if isinstance(shape, str) and shape.endswith("?"):
        return [] if value is None else check(value, shape[:-1], path)
    if isinstance(shape, Mapping):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        problems = [f"{path}: missing {name}" for name in shape if name not in value]
        problems += [f"{path}: unexpected {name}" for name in value if name not in shape]
        for name, inner in shape.items():
            if name in value:
                problems += check(value[name], inner, f"{path}.{name}")
        return problems
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: expected a list (never null), got {value!r}"]
        return [problem for index, item in enumerate(value) for problem in check(item, shape[0], f"{path}[{index}]")]
    return [] if _is_kind(value, shape) else [f"{path}: expected {shape}, got {value!r}"]


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "datetime":
        return isinstance(value, str) and bool(DATETIME_RE.match(value))
    if kind == "decimal":
        return isinstance(value, str) and bool(re.fullmatch(r"-?\d+\.\d{2}", value))
    if kind == "uuid":
        try:
            return isinstance(value, str) and str(uuid.UUID(value)) == value
        except ValueError:
            return False
    raise ValueError(f"unknown kind {kind}")


# --- shapes of the incumbent's serializers (course-discovery, course_discovery/apps/api/serializers.py) ---

SEAT = {
    "type": "str",
    "price": "decimal",
    "currency": "str",
    "upgrade_deadline": "datetime?",
    "upgrade_deadline_override": "datetime?",
    "credit_provider": "str?",
    "credit_hours": "int?",
    "sku": "str?",
    "bulk_sku": "str?",
}
IMAGE = {"src": "str", "description": "str?", "height": "int?", "width": "int?"}

# MinimalCourseRunSerializer: what programs list about each run.
MINIMAL_RUN = {
    "key": "str",
    "uuid": "uuid",
    "title": "str",
    "external_key": "str?",
    "fixed_price_usd": "decimal?",
    "image": "object?",
    "short_description": "str",
    "marketing_url": "str?",
    "seats": [SEAT],
    "start": "datetime?",
    "end": "datetime?",
    "go_live_date": "datetime?",
    "enrollment_start": "datetime?",
    "enrollment_end": "datetime?",
    "weeks_to_complete": "int?",
    "pacing_type": "str",
    "type": "str?",
    "restriction_type": "str?",
    "run_type": "uuid?",
    "status": "str",
    "is_enrollable": "bool",
    "is_marketable": "bool",
    "is_marketable_external": "bool",
    "availability": "str",
    "variant_id": "uuid?",
}

ORGANIZATION = "object"
SUBJECT = {
    "uuid": "uuid",
    "name": "str",
    "slug": "str",
    "subtitle": "str",
    "description": "str",
    "banner_image_url": "str",
    "card_image_url": "str",
}
PERSON = {
    "uuid": "uuid",
    "salutation": "str",
    "given_name": "str",
    "family_name": "str",
    "slug": "str",
    "email": "str?",
    "bio": "str",
    "position": "object?",
    "areas_of_expertise": ["object"],
    "profile_image_url": "str?",
    "profile_image": "object",
    "major_works": "str",
    "works": ["str"],
    "urls": "object",
    "urls_detailed": ["object"],
    "published": "bool",
}

# MinimalProgramCourseSerializer (a course inside a program).
PROGRAM_COURSE = {
    "key": "str",
    "uuid": "uuid",
    "title": "str",
    "course_runs": [MINIMAL_RUN],
    "entitlements": ["object"],
    "owners": [ORGANIZATION],
    "image": "object?",
    "short_description": "str",
    "type": "uuid?",
    "url_slug": "str",
    "course_type": "str?",
    "enterprise_subscription_inclusion": "bool",
    "excluded_from_seo": "bool",
    "excluded_from_search": "bool",
    "course_run_statuses": ["str"],
}
PRICE_RANGE = {"currency": "str", "min": "number", "max": "number", "total": "number"}

# MinimalProgramSerializer's fields (Lyceum's list also carries the rest of PROGRAM_LIST below).
MINIMAL_PROGRAM = {
    "uuid": "uuid",
    "title": "str",
    "subtitle": "str",
    "type": "str?",
    "type_attrs": "object?",
    "status": "str",
    "marketing_slug": "str",
    "marketing_url": "str?",
    "banner_image": "object?",
    "hidden": "bool",
    "courses": [PROGRAM_COURSE],
    "authoring_organizations": [ORGANIZATION],
    "card_image_url": "str?",
    "is_program_eligible_for_one_click_purchase": "bool",
    "degree": "object?",
    "curricula": ["object"],
    "marketing_hook": "str",
    "total_hours_of_effort": "int?",
    "recent_enrollment_count": "int",
    "organization_short_code_override": "str",
    "organization_logo_override_url": "str?",
    "primary_subject_override": "object?",
    "level_type_override": "object?",
    "language_override": "str?",
    "labels": ["str"],
    "taxi_form": "object?",
    "program_duration_override": "str?",
    "data_modified_timestamp": "datetime",
    "excluded_from_search": "bool",
    "excluded_from_seo": "bool",
    "subscription_eligible": "bool?",
    "subscription_prices": ["object"],
    "has_ofac_restrictions": "bool?",
    "ofac_comment": "str",
    "course_run_statuses": ["str"],
}
# Lyceum's list form: the minimal fields and a few of the detail's (a superset, see ADR 0041).
PROGRAM_LIST = {
    **MINIMAL_PROGRAM,
    "video": "object?",
    "overview": "str",
    "credit_backing_organizations": [ORGANIZATION],
    "weeks_to_complete": "int?",
    "min_hours_effort_per_week": "int?",
    "max_hours_effort_per_week": "int?",
    "enrollment_count": "int",
    "enterprise_subscription_inclusion": "bool",
}
# MinimalExtendedProgramSerializer (``extended=1``).
PROGRAM_EXTENDED = {**PROGRAM_LIST, "expected_learning_items": ["str"], "price_ranges": [PRICE_RANGE]}
# ProgramSerializer (the detail).
PROGRAM_DETAIL = {
    **PROGRAM_LIST,
    "weeks_to_complete_min": "int?",
    "weeks_to_complete_max": "int?",
    "expected_learning_items": ["str"],
    "faq": ["object"],
    "corporate_endorsements": ["object"],
    "job_outlook_items": ["str"],
    "individual_endorsements": ["object"],
    "languages": ["str"],
    "transcript_languages": ["str"],
    "subjects": [SUBJECT],
    "price_ranges": [PRICE_RANGE],
    "staff": [PERSON],
    "credit_redemption_overview": "str?",
    "applicable_seat_types": ["str"],
    "instructor_ordering": [PERSON],
    "topics": ["str"],
    "credit_value": "int",
    "geolocation": "object?",
    "location_restriction": "object?",
    "is_2u_degree_program": "bool",
    "in_year_value": "object?",
    "skill_names": ["str"],
    "skills": ["object"],
    "product_source": "object?",
}
