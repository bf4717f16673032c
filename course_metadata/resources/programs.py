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
    organization_data,
    program_marketing_path,
    sized_image,
    subject_data,
    type_attrs,
    video,
)
from course_metadata.api.v1.serializers.course_parts import TaxiFormSerializer, taxi_form_data
from course_metadata.api.v1.serializers.people import PersonSerializer, person_data
from course_metadata.api.v1.serializers.program_courses import ProgramCoursesField
from course_metadata.api.v1.serializers.program_parts import (
    CurriculumSerializer,
    DegreeCostSerializer,
    DegreeDeadlineSerializer,
    RankingSerializer,
)
from course_metadata.api.v1.serializers.taxonomy import LevelTypeSerializer
from course_metadata.models import Partner, ProgramStatus, ProgramType
from course_metadata.resources import PublicField, column, representation, selector_spec, shape, timestamp
from course_metadata.selectors import course_runs as rules
from course_metadata.selectors import program_rules
from dbkit.nested import Nested
from dbkit.rows import Row

S = serializers


class ProgramCourses(NamedTuple):
    """What a program's fields read besides its row: its courses as represented, the runs it lists, and
    each course row with the runs the program lists of it."""

    courses: list[dict[str, Any]]
    runs: list[Row]
    course_rows: list[tuple[Row, list[Row]]]


def _or_none(name: str, schema: Any) -> PublicField:
    """A column whose empty value is shown as null."""
    return PublicField(name, schema, lambda program, ctx, given: program[name] or None, columns={name: name})


def _marketing_url(program: Any, ctx: Any, given: Any) -> str | None:
    # Unlike course and run links it carries no ``utm_`` parameters, as the incumbent's does not.
    path = program_marketing_path(program["marketing_slug"], program["type_slug"])
    return ctx.marketing_url(program["partner_root"], path, utm=False)


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
    timestamp("data_modified_timestamp"),
)


def _empty(name: str, child: Any, help_text: str) -> PublicField:
    return PublicField(name, lambda: S.ListField(child=child(), help_text=help_text), lambda program, ctx, given: [])


def _null(name: str, schema: Any, help_text: str) -> PublicField:
    return PublicField(name, lambda: schema(allow_null=True, help_text=help_text), lambda program, ctx, given: None)


def _person(row: Row, ctx: Any) -> dict[str, Any]:
    return ctx.shared("person", row["uuid"], lambda: person_data(row, ctx))


_NOT_MODELLED = "Not modelled in Lyceum: always empty."

# The seat types that count towards the program (its type's), read with the program row.
_APPLICABLE_SEAT_TYPES = Nested(
    "applicable_seat_types",
    ProgramType.applicable_seat_types.through.objects.all(),
    "programtype_id",
    flat="seattype__slug",
    ordering=("seattype__name",),
)

PRICE_RANGES = PublicField(
    "price_ranges",
    lambda: S.ListField(
        child=S.DictField(),
        help_text="Per currency: min and max price of the counted seats (canonical runs) and entitlements, and "
        "the total of taking each course once (numbers).",
    ),
    lambda program, ctx, given: program_rules.price_ranges(
        given.course_rows, program["applicable_seat_types"], ctx.now
    ),
    columns={"applicable_seat_types": _APPLICABLE_SEAT_TYPES.column("type_id")},
)
EXPECTED_LEARNING_ITEMS = _empty("expected_learning_items", S.CharField, _NOT_MODELLED)

# ``extended=1`` on the list: the incumbent's extended list adds these two.
PROGRAM_EXTENDED: tuple[PublicField, ...] = (EXPECTED_LEARNING_ITEMS, PRICE_RANGES)


def _weeks(index: int) -> Any:
    return lambda program, ctx, given: program_rules.weeks_to_complete_range(given.runs)[index]


# What the detail (programs/{uuid}/) adds to the list's fields. Fields computed from the courses read their
# full nested data (subjects, topics, run staff), which the detail loads.
PROGRAM_DETAIL_EXTRA: tuple[PublicField, ...] = (
    PublicField(
        "weeks_to_complete_min",
        lambda: S.IntegerField(allow_null=True, help_text="Least weeks_to_complete of the program's runs."),
        _weeks(0),
    ),
    PublicField(
        "weeks_to_complete_max",
        lambda: S.IntegerField(allow_null=True, help_text="Greatest weeks_to_complete of the program's runs."),
        _weeks(1),
    ),
    EXPECTED_LEARNING_ITEMS,
    _empty("faq", S.DictField, _NOT_MODELLED),
    _empty("corporate_endorsements", S.DictField, _NOT_MODELLED),
    _empty("job_outlook_items", S.CharField, _NOT_MODELLED),
    _empty("individual_endorsements", S.DictField, _NOT_MODELLED),
    PublicField(
        "languages",
        lambda: S.ListField(child=S.CharField(), help_text="Content language codes of the program's runs, sorted."),
        lambda program, ctx, given: program_rules.languages(given.runs),
    ),
    PublicField(
        "transcript_languages",
        lambda: S.ListField(child=S.CharField(), help_text="Transcript language codes of the program's runs."),
        lambda program, ctx, given: program_rules.transcript_languages(given.runs),
    ),
    PublicField(
        "subjects",
        lambda: SubjectSerializer(many=True, help_text="The courses' subjects, most common first subject first."),
        lambda program, ctx, given: [
            subject_data(row) for row in program_rules.ranked_subjects(row for row, _ in given.course_rows)
        ],
    ),
    PRICE_RANGES,
    PublicField(
        "staff",
        lambda: PersonSerializer(many=True, help_text="Staff of each course's advertised run, each person once."),
        lambda program, ctx, given: [
            _person(row, ctx) for row in program_rules.program_staff(given.course_rows, ctx.now)
        ],
    ),
    _null("credit_redemption_overview", S.CharField, _NOT_MODELLED + " (null)"),
    PublicField(
        "applicable_seat_types",
        lambda: S.ListField(child=S.CharField(), help_text="Slugs of the seat types that count towards the program."),
        lambda program, ctx, given: list(program["applicable_seat_types"]),
    ),
    _empty("instructor_ordering", S.DictField, _NOT_MODELLED),
    PublicField(
        "topics",
        lambda: S.ListField(child=S.CharField(), help_text="Topic tags of the program's courses, sorted."),
        lambda program, ctx, given: program_rules.topics(row for row, _ in given.course_rows),
    ),
    PublicField(
        "credit_value", lambda: S.IntegerField(help_text=_NOT_MODELLED + " (0)"), lambda program, ctx, given: 0
    ),
    _null("geolocation", S.DictField, _NOT_MODELLED + " (null)"),
    _null("location_restriction", S.DictField, _NOT_MODELLED + " (null)"),
    PublicField(
        "is_2u_degree_program",
        lambda: S.BooleanField(help_text="Always false: Lyceum has no degree additional metadata."),
        lambda program, ctx, given: False,
    ),
    _null("in_year_value", S.DictField, _NOT_MODELLED + " (null)"),
    PublicField(
        "skill_names",
        lambda: S.ListField(child=S.CharField(), help_text="Needs a skills taxonomy Lyceum does not have; empty."),
        lambda program, ctx, given: [],
    ),
    PublicField(
        "skills",
        lambda: S.ListField(child=S.DictField(), help_text="Needs a skills taxonomy Lyceum does not have; empty."),
        lambda program, ctx, given: [],
    ),
    _null("product_source", S.DictField, _NOT_MODELLED + " (null)"),
)

# The program row the selectors read (``selectors.programs``).
PROGRAM_COLUMNS = selector_spec(PROGRAM_INTERNAL_COLUMNS, PROGRAM_DETAIL, PROGRAM_DETAIL_EXTRA)

__all__ = [
    "DEGREE_COLUMNS",
    "DEGREE_DETAIL",
    "PROGRAM_COLUMNS",
    "PROGRAM_DETAIL",
    "PROGRAM_DETAIL_EXTRA",
    "PROGRAM_EXTENDED",
    "DegreeSerializer",
    "ProgramCourses",
]
