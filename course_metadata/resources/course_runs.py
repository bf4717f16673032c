"""The public fields of a course run, declared once (ADR 0023).

``RUN_MINIMAL`` is what programs list about each run; ``RUN_NESTED`` adds what courses list;
``RUN_WITH_PROGRAMS`` is the course_runs endpoint's extra; ``RUN_INPUT_ONLY`` are fields Publisher accepts
that the read API shows under another name (the overrides) or not at all. A run's values are computed from
the run row, the read context and its course's row.
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    ImageSerializer,
    ProgramSummarySerializer,
    VideoSerializer,
    decimal_string,
    dt_string,
    image,
    language_name,
    language_names,
    uuid_string,
)
from course_metadata.api.v1.serializers.people import PersonSerializer, person_data
from course_metadata.api.v1.serializers.run_parts import AiLanguagesSerializer, SeatSerializer, run_video, seat_data
from course_metadata.models import (
    CourseRunPacing,
    CourseRunReportingType,
    CourseRunStatus,
    CourseRunType,
    Person,
    ProgramType,
)
from course_metadata.resources import PublicField, Write, column, selector_spec, timestamp

S = serializers

NO_AI_LANGUAGES: dict[str, list[Any]] = {"transcription_languages": [], "translation_languages": []}


def _date(name: str, *, required_value: bool = False) -> PublicField:
    """A date a course team edits; shown as the API formats dates."""
    return PublicField(
        name,
        lambda: S.DateTimeField(allow_null=True),
        lambda run, ctx, course: dt_string(run[name]),
        columns={name: name},
        write=Write.OWN,
        input=(
            (lambda: S.DateTimeField(required=False))
            if required_value
            else (lambda: S.DateTimeField(required=False, allow_null=True))
        ),
    )


def _count(name: str) -> PublicField:
    return column(
        name,
        lambda: S.IntegerField(allow_null=True),
        write=Write.OWN,
        input=lambda: S.IntegerField(min_value=0, required=False, allow_null=True),
    )


def _flag(name: str) -> PublicField:
    return column(name, S.BooleanField, write=Write.OWN, input=lambda: S.BooleanField(required=False))


def _override(name: str, course_field: str) -> Any:
    """The run's own text, else its course's."""
    return lambda run, ctx, course: run[name] or course[course_field]


def _override_input(name: str, max_length: int | None = None) -> PublicField:
    kwargs: dict[str, Any] = {"max_length": max_length} if max_length else {}
    return PublicField(
        name, None, write=Write.OWN, input=lambda: S.CharField(required=False, allow_blank=True, **kwargs)
    )


def _staff(run: Any, ctx: Any, course: Any) -> list[dict[str, Any]]:
    # A course's staff teach each of its runs: each person is represented once per response.
    return [ctx.shared("person", row["uuid"], functools.partial(person_data, row, ctx)) for row in run["staff_rows"]]


def _no_restriction(value: Any) -> None:
    raise S.ValidationError(_("Lyceum models no restricted runs; send null."))


def _is_marketable_external(run: Any, ctx: Any, course: Any) -> bool:
    return rules.is_marketable_external(run, course["additional_metadata_external_url"], ctx.now)


# Columns the run rules read besides the fields' own (``selectors.course_runs``), and the keys.
RUN_INTERNAL_COLUMNS = ("pk", "course_id", "draft", "slug")

RUN_MINIMAL: tuple[PublicField, ...] = (
    column("key", S.CharField, write=Write.IMMUTABLE, input=lambda: S.CharField(required=False)),
    PublicField("uuid", S.UUIDField, lambda run, ctx, course: str(run["uuid"]), columns={"uuid": "uuid"}),
    PublicField(
        "title", S.CharField, _override("title_override", "title"), columns={"title_override": "title_override"}
    ),
    column(
        "external_key",
        lambda: S.CharField(allow_null=True),
        write=Write.OWN,
        input=lambda: S.CharField(max_length=225, required=False, allow_blank=True, allow_null=True),
    ),
    PublicField(
        "image",
        lambda: ImageSerializer(allow_null=True, help_text=_("The course's image.")),
        lambda run, ctx, course: image(course["image_url"]),
    ),
    PublicField(
        "short_description",
        S.CharField,
        _override("short_description_override", "short_description"),
        columns={"short_description_override": "short_description_override"},
    ),
    PublicField(
        "marketing_url",
        lambda: S.URLField(allow_null=True, help_text=_("With utm_source unless exclude_utm=1.")),
        lambda run, ctx, course: ctx.marketing_url(course["partner_root"], f"course/{run['slug']}"),
    ),
    PublicField(
        "seats",
        lambda: SeatSerializer(many=True),
        lambda run, ctx, course: [seat_data(seat) for seat in run["seats"]],
    ),
    _date("start", required_value=True),
    _date("end"),
    _date("go_live_date"),
    _date("enrollment_start"),
    _date("enrollment_end"),
    column(
        "pacing_type",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.ChoiceField(choices=CourseRunPacing.choices, required=False),
    ),
    PublicField(
        "type",
        lambda: S.CharField(allow_null=True, help_text=_("Legacy type: the most valuable seat type offered.")),
        lambda run, ctx, course: rules.legacy_type(run),
    ),
    PublicField(
        "run_type",
        lambda: S.UUIDField(allow_null=True, help_text=_("UUID of the course run type.")),
        lambda run, ctx, course: uuid_string(run["type_uuid"]),
        columns={"type_uuid": "type__uuid"},
        write=Write.OWN,
        attr="type",
        input=lambda: S.SlugRelatedField(
            slug_field="uuid", queryset=CourseRunType.objects.all(), required=False, source="type"
        ),
    ),
    # Moved through the review workflow by the service, not set directly.
    column(
        "status",
        S.CharField,
        write=Write.NESTED,
        input=lambda: S.ChoiceField(choices=CourseRunStatus.choices, required=False),
    ),
    PublicField(
        "is_enrollable",
        lambda: S.BooleanField(help_text=_("Enrollment is open now.")),
        lambda run, ctx, course: rules.is_enrollable(run, ctx.now),
    ),
    PublicField(
        "is_marketable",
        lambda: S.BooleanField(
            help_text=_("Published, with a marketing slug, a marketable run type and at least one seat.")
        ),
        lambda run, ctx, course: rules.is_marketable(run),
        columns={"type_is_marketable": "type__is_marketable"},
    ),
    PublicField(
        "availability",
        lambda: S.ChoiceField(
            choices=["Current", "Starting Soon", "Upcoming", "Archived"],
            help_text=_(
                "Archived once ended; Current once started; Starting Soon when it starts within 60 days; else Upcoming."
            ),
        ),
        lambda run, ctx, course: rules.availability(run, ctx.now),
    ),
    PublicField(
        "variant_id",
        lambda: S.UUIDField(allow_null=True),
        lambda run, ctx, course: uuid_string(run["variant_id"]),
        columns={"variant_id": "variant_id"},
        # The front end sends it back; not changed on update, as in the incumbent.
        write=Write.IGNORED,
        input=lambda: S.UUIDField(required=False, allow_null=True),
    ),
    _count("weeks_to_complete"),
    PublicField(
        "fixed_price_usd",
        lambda: S.DecimalField(max_digits=10, decimal_places=2, allow_null=True),
        lambda run, ctx, course: decimal_string(run["fixed_price_usd"]),
        columns={"fixed_price_usd": "fixed_price_usd"},
    ),
    PublicField("is_marketable_external", S.BooleanField, _is_marketable_external),
    PublicField(
        "restriction_type",
        lambda: S.CharField(allow_null=True, help_text="Not modelled in Lyceum; always null."),
        lambda run, ctx, course: None,
        # Accepted as null only: Lyceum models no restricted runs.
        write=Write.IGNORED,
        input=lambda: S.CharField(
            required=False,
            allow_null=True,
            validators=[_no_restriction],
            help_text="Only null: Lyceum models no restricted runs.",
        ),
    ),
)

RUN_NESTED: tuple[PublicField, ...] = (
    PublicField("course", lambda: S.CharField(help_text=_("Course key.")), lambda run, ctx, course: course["key"]),
    PublicField("course_uuid", S.UUIDField, lambda run, ctx, course: str(course["uuid"])),
    PublicField(
        "full_description",
        S.CharField,
        _override("full_description_override", "full_description"),
        columns={"full_description_override": "full_description_override"},
    ),
    PublicField(
        "outcome",
        S.CharField,
        _override("outcome_override", "outcome"),
        columns={"outcome_override": "outcome_override"},
    ),
    _date("announcement"),
    PublicField(
        "video",
        lambda: VideoSerializer(allow_null=True),
        lambda run, ctx, course: run_video(run, course),
        columns={
            "video_src": "video__src",
            "video_description": "video__description",
            "video_image_url": "video__image_url",
        },
    ),
    PublicField(
        "content_language",
        lambda: S.CharField(allow_null=True),
        lambda run, ctx, course: run["content_language"] or None,
        columns={"content_language": "content_language"},
        write=Write.OWN,
        input=lambda: S.CharField(max_length=50, required=False, allow_blank=True),
    ),
    PublicField(
        "content_language_search_facet_name",
        lambda: S.CharField(allow_null=True),
        lambda run, ctx, course: language_name(run["content_language"]),
    ),
    column(
        "transcript_languages",
        lambda: S.ListField(child=S.CharField()),
        write=Write.OWN,
        input=lambda: S.ListField(child=S.CharField(max_length=50), required=False),
    ),
    PublicField(
        "transcript_languages_search_facet_names",
        lambda: S.ListField(child=S.CharField()),
        lambda run, ctx, course: language_names(run["transcript_languages"]),
    ),
    PublicField(
        "ai_languages",
        AiLanguagesSerializer,
        lambda run, ctx, course: run["ai_languages"] or NO_AI_LANGUAGES,
        columns={"ai_languages": "ai_languages"},
    ),
    PublicField(
        "instructors",
        lambda: S.ListField(child=S.JSONField(), help_text=_("Deprecated; always empty.")),
        lambda run, ctx, course: [],
    ),
    PublicField(
        "staff",
        lambda: PersonSerializer(many=True),
        _staff,
        write=Write.NESTED,
        input=lambda: S.SlugRelatedField(slug_field="uuid", queryset=Person.objects.all(), many=True, required=False),
    ),
    _count("min_effort"),
    _count("max_effort"),
    PublicField(
        "estimated_hours",
        lambda: S.FloatField(help_text=_("weeks_to_complete times the mean of min and max effort; 0 if unknown.")),
        lambda run, ctx, course: rules.estimated_hours(run),
    ),
    PublicField("level_type", lambda: S.CharField(allow_null=True), lambda run, ctx, course: course["level_type_name"]),
    column(
        "license",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.CharField(max_length=255, required=False, allow_blank=True),
    ),
    _flag("mobile_available"),
    _flag("hidden"),
    column(
        "reporting_type",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.ChoiceField(choices=CourseRunReportingType.choices, required=False),
    ),
    _flag("eligible_for_financial_aid"),
    PublicField(
        "first_enrollable_paid_seat_price",
        lambda: S.FloatField(allow_null=True),
        lambda run, ctx, course: rules.first_enrollable_paid_seat_price(run, ctx.now),
    ),
    column(
        "has_ofac_restrictions",
        lambda: S.BooleanField(allow_null=True),
        write=Write.OWN,
        input=lambda: S.BooleanField(required=False, allow_null=True),
    ),
    column("ofac_comment", S.CharField, write=Write.OWN, input=lambda: S.CharField(required=False, allow_blank=True)),
    column("enrollment_count", S.IntegerField),
    column("recent_enrollment_count", S.IntegerField),
    column(
        "expected_program_name",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.CharField(max_length=255, required=False, allow_blank=True),
    ),
    PublicField(
        "expected_program_type",
        lambda: S.CharField(allow_null=True, help_text=_("Program type slug.")),
        lambda run, ctx, course: run["expected_program_type_slug"],
        columns={"expected_program_type_slug": "expected_program_type__slug"},
        write=Write.OWN,
        input=lambda: S.SlugRelatedField(
            slug_field="slug", queryset=ProgramType.objects.all(), required=False, allow_null=True
        ),
    ),
    column("enterprise_subscription_inclusion", S.BooleanField),
    timestamp("modified"),
    timestamp("data_modified_timestamp"),
)

RUN_WITH_PROGRAMS: tuple[PublicField, ...] = (
    PublicField(
        "programs",
        lambda: ProgramSummarySerializer(many=True),
        lambda run, ctx, course: ctx.listed_programs(run["program_rows"]),
    ),
)

RUN_INPUT_ONLY: tuple[PublicField, ...] = (
    _override_input("title_override", 255),
    _override_input("short_description_override"),
    _override_input("full_description_override"),
    _override_input("outcome_override"),
    PublicField(
        "prices",
        None,
        write=Write.NESTED,
        input=lambda: S.DictField(child=S.DecimalField(max_digits=10, decimal_places=2, min_value=0), required=False),
    ),
    PublicField(
        "upgrade_deadline_override",
        None,
        write=Write.NESTED,
        input=lambda: S.DateTimeField(required=False, allow_null=True, help_text="Set on the verified seat."),
    ),
    PublicField(
        "rerun",
        None,
        write=Write.IGNORED,
        input=lambda: S.CharField(required=False, allow_null=True, allow_blank=True, help_text="Create only."),
    ),
    PublicField(
        "draft",
        None,
        write=Write.NESTED,
        input=lambda: S.BooleanField(required=False, help_text=_("false submits the run for review.")),
    ),
)

# Every run field once, in the course_runs endpoint's order, then the input-only ones.
RUN_DECLARATION: tuple[PublicField, ...] = (*RUN_MINIMAL, *RUN_NESTED, *RUN_WITH_PROGRAMS, *RUN_INPUT_ONLY)

# The run row the selectors read (``selectors.course_runs``).
RUN_COLUMNS = selector_spec(RUN_INTERNAL_COLUMNS, RUN_MINIMAL, RUN_NESTED)

# Last, because the run rules' module reads RUN_COLUMNS from this one; the values above call the rules only
# when a representation is built.
from course_metadata.selectors import course_runs as rules  # noqa: E402

__all__ = ["RUN_COLUMNS", "RUN_DECLARATION", "RUN_INPUT_ONLY", "RUN_MINIMAL", "RUN_NESTED", "RUN_WITH_PROGRAMS"]
