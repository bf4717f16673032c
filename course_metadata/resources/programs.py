"""The public fields of a program, declared once (ADR 0023).

A program's values are computed from the program row, the read context and ``ProgramCourses``: its
courses as already represented and the runs they list (both depend on the program's excluded runs).
Programs are not written through Publisher.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    OrganizationSerializer,
    SizedImagesField,
    SubjectSerializer,
    TypeAttrsSerializer,
    VideoSerializer,
    dt_string,
    organization_data,
    sized_image,
    subject_data,
    type_attrs,
    video,
)
from course_metadata.api.v1.serializers.course_parts import TaxiFormSerializer, taxi_form_data
from course_metadata.api.v1.serializers.program_courses import ProgramCoursesField
from course_metadata.api.v1.serializers.program_parts import (
    CurriculumSerializer,
    DegreeCostSerializer,
    DegreeDeadlineSerializer,
    RankingSerializer,
)
from course_metadata.api.v1.serializers.taxonomy import LevelTypeSerializer
from course_metadata.models import Partner, ProgramStatus
from course_metadata.resources import PublicField, column, representation, selector_spec, shape
from course_metadata.selectors import course_runs as rules
from dbkit.rows import Row

S = serializers


class ProgramCourses(NamedTuple):
    courses: list[dict[str, Any]]
    runs: list[Row]


def _or_none(name: str, schema: Any) -> PublicField:
    """A column whose empty value is shown as null."""
    return PublicField(name, schema, lambda program, ctx, given: program[name] or None, columns={name: name})


def _marketing_url(program: Any, ctx: Any, given: Any) -> str | None:
    type_slug, slug = program["type_slug"], program["marketing_slug"]
    return ctx.marketing_url(program["partner_root"], f"{type_slug}/{slug}" if type_slug and slug else None)


def _video(program: Any, ctx: Any, given: Any) -> dict[str, Any] | None:
    row = program["video_row"]
    return video(row["src"], row["description"], row["image_url"]) if row else None


def _primary_subject(program: Any, ctx: Any, given: Any) -> dict[str, Any] | None:
    subject = program["primary_subject_override_row"]
    return subject_data(subject) if subject is not None else None


# A degree's own fields, read from the program's one-to-one ``degree_row`` (``selectors.programs``); its
# lists come with the program row.
DEGREE_DETAIL: tuple[PublicField, ...] = (
    column("application_requirements", S.CharField),
    column("apply_url", S.URLField),
    column("overall_ranking", S.CharField),
    _or_none("campus_image_url", lambda: S.URLField(allow_null=True)),
    _or_none("title_background_image_url", lambda: S.URLField(allow_null=True)),
    column("prerequisite_coursework", S.CharField),
    column("lead_capture_list_name", S.CharField),
    column("banner_border_color", S.CharField),
    column("application_deadline", S.CharField),
    column("hubspot_lead_capture_form_id", S.CharField),
    PublicField(
        "costs", lambda: DegreeCostSerializer(many=True), lambda degree, ctx, program: program["degree_cost_rows"]
    ),
    PublicField(
        "deadlines",
        lambda: DegreeDeadlineSerializer(many=True),
        lambda degree, ctx, program: program["degree_deadline_rows"],
    ),
    PublicField(
        "rankings", lambda: RankingSerializer(many=True), lambda degree, ctx, program: program["degree_ranking_rows"]
    ),
    PublicField(
        "specializations",
        lambda: S.ListField(child=S.CharField()),
        lambda degree, ctx, program: [row["value"] for row in program["degree_specialization_rows"]],
    ),
)
DEGREE_COLUMNS = selector_spec((), DEGREE_DETAIL)
DegreeSerializer = shape("DegreeSerializer", DEGREE_DETAIL)
_degree = representation(DEGREE_DETAIL)


def _degree_data(program: Any, ctx: Any, given: Any) -> dict[str, Any] | None:
    degree = program["degree_row"]
    return _degree(degree, ctx, program) if degree is not None else None


# The program's key: the representation reads everything else through the fields below.
PROGRAM_INTERNAL_COLUMNS = ("pk",)

PROGRAM_DETAIL: tuple[PublicField, ...] = (
    PublicField("uuid", S.UUIDField, lambda program, ctx, given: str(program["uuid"]), columns={"uuid": "uuid"}),
    column("title", S.CharField),
    column("subtitle", S.CharField),
    column("marketing_hook", S.CharField),
    PublicField(
        "type",
        lambda: S.CharField(allow_null=True, help_text=_("Program type name.")),
        lambda program, ctx, given: program["type_name"],
        columns={"type_name": "type__name"},
    ),
    PublicField(
        "type_attrs",
        lambda: TypeAttrsSerializer(allow_null=True),
        lambda program, ctx, given: type_attrs(
            program["type_uuid"], program["type_slug"], program["type_coaching_supported"]
        ),
        columns={
            "type_uuid": "type__uuid",
            "type_slug": "type__slug",
            "type_coaching_supported": "type__coaching_supported",
        },
    ),
    column("status", S.CharField),
    column("marketing_slug", S.CharField),
    PublicField(
        "marketing_url",
        lambda: S.URLField(allow_null=True, help_text=_("With utm_source unless exclude_utm=1.")),
        _marketing_url,
        columns={
            "partner_root": Subquery(
                Partner.objects.filter(pk=OuterRef("partner_id")).values("marketing_site_url_root")
            )
        },
    ),
    PublicField(
        "banner_image",
        lambda: SizedImagesField(allow_null=True),
        lambda program, ctx, given: sized_image(program["banner_image_url"]),
        columns={"banner_image_url": "banner_image_url"},
    ),
    _or_none("card_image_url", lambda: S.URLField(allow_null=True)),
    PublicField("video", lambda: VideoSerializer(allow_null=True), _video),
    column("overview", S.CharField),
    column("hidden", S.BooleanField),
    PublicField("courses", ProgramCoursesField, lambda program, ctx, given: given.courses),
    PublicField(
        "course_run_statuses",
        lambda: S.ListField(child=S.CharField()),
        lambda program, ctx, given: rules.course_run_statuses(given.runs, ctx.now),
    ),
    PublicField(
        "authoring_organizations",
        lambda: OrganizationSerializer(many=True),
        lambda program, ctx, given: [organization_data(row, ctx) for row in program["authoring_org_rows"]],
    ),
    PublicField(
        "credit_backing_organizations",
        lambda: OrganizationSerializer(many=True),
        lambda program, ctx, given: [organization_data(row, ctx) for row in program["credit_backing_org_rows"]],
    ),
    PublicField(
        "is_program_eligible_for_one_click_purchase",
        S.BooleanField,
        lambda program, ctx, given: bool(
            program["one_click_purchase_enabled"] and program["status"] == ProgramStatus.ACTIVE
        ),
        columns={"one_click_purchase_enabled": "one_click_purchase_enabled", "status": "status"},
    ),
    PublicField(
        "degree",
        lambda: DegreeSerializer(allow_null=True, help_text=_("Admissions data when the program is a degree.")),
        _degree_data,
    ),
    PublicField(
        "curricula", lambda: CurriculumSerializer(many=True), lambda program, ctx, given: program["curriculum_rows"]
    ),
    column("total_hours_of_effort", lambda: S.IntegerField(allow_null=True)),
    column("weeks_to_complete", lambda: S.IntegerField(allow_null=True)),
    column("min_hours_effort_per_week", lambda: S.IntegerField(allow_null=True)),
    column("max_hours_effort_per_week", lambda: S.IntegerField(allow_null=True)),
    column("enrollment_count", S.IntegerField),
    column("recent_enrollment_count", S.IntegerField),
    column("organization_short_code_override", S.CharField),
    _or_none("organization_logo_override_url", lambda: S.URLField(allow_null=True)),
    PublicField("primary_subject_override", lambda: SubjectSerializer(allow_null=True), _primary_subject),
    PublicField(
        "level_type_override",
        lambda: LevelTypeSerializer(allow_null=True),
        lambda program, ctx, given: program["level_type_override_row"],
    ),
    _or_none("language_override", lambda: S.CharField(allow_null=True)),
    PublicField(
        "labels",
        lambda: S.ListField(child=S.CharField()),
        lambda program, ctx, given: [row["name"] for row in program["label_rows"]],
    ),
    PublicField(
        "taxi_form",
        lambda: TaxiFormSerializer(allow_null=True),
        lambda program, ctx, given: taxi_form_data(program["taxi_form_row"]),
    ),
    _or_none("program_duration_override", lambda: S.CharField(allow_null=True)),
    column("subscription_eligible", lambda: S.BooleanField(allow_null=True)),
    PublicField(
        "subscription_prices",
        lambda: S.ListField(
            child=S.JSONField(), help_text=_("Needs a subscriptions integration Lyceum does not have; empty.")
        ),
        lambda program, ctx, given: [],
    ),
    column("has_ofac_restrictions", lambda: S.BooleanField(allow_null=True)),
    column("ofac_comment", S.CharField),
    column("excluded_from_search", S.BooleanField),
    column("excluded_from_seo", S.BooleanField),
    column("enterprise_subscription_inclusion", S.BooleanField),
    PublicField(
        "data_modified_timestamp",
        S.DateTimeField,
        lambda program, ctx, given: dt_string(program["data_modified_timestamp"]),
        columns={"data_modified_timestamp": "data_modified_timestamp"},
    ),
)

# The program row the selectors read (``selectors.programs``).
PROGRAM_COLUMNS = selector_spec(PROGRAM_INTERNAL_COLUMNS, PROGRAM_DETAIL)

__all__ = [
    "DEGREE_COLUMNS",
    "DEGREE_DETAIL",
    "PROGRAM_COLUMNS",
    "PROGRAM_DETAIL",
    "DegreeSerializer",
    "ProgramCourses",
]
