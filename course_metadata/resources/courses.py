"""The public fields of a course, declared once (ADR 0023).

``COURSE_SUMMARY`` is the short form programs list; ``COURSE_DETAIL`` adds the courses endpoint's fields (a
same-named field replaces the summary's: ``course_runs`` is the full form of each run there);
``COURSE_INPUT_ONLY`` are fields Publisher accepts that the read API never shows. Order is the order of
the representation's keys. To expose a new column: add the model field, then one line here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    ImageSerializer,
    OrganizationSerializer,
    ProgramSummarySerializer,
    SubjectSerializer,
    VideoSerializer,
    image,
    organization_data,
    subject_data,
    uuid_string,
    video,
)
from course_metadata.api.v1.serializers.course_parts import (
    AdditionalMetadataSerializer,
    CollaboratorSerializer,
    EditorSerializer,
    EntitlementSerializer,
    ExtraDescriptionSerializer,
    GeolocationSerializer,
    LocationRestrictionSerializer,
    ProductSourceSerializer,
    ProductValueSerializer,
    additional_metadata_data,
    entitlements_data,
)
from course_metadata.api.v1.serializers.course_runs import (
    MinimalCourseRunSerializer,
    NestedCourseRunSerializer,
    course_run_data,
    minimal_course_run_data,
)
from course_metadata.models import Collaborator, CourseType, LevelType, Partner, Source
from course_metadata.resources import PublicField, Write, column, selector_spec, timestamp, with_overrides
from course_metadata.selectors import course_runs as rules

S = serializers


def _text() -> serializers.Field:
    return S.CharField(required=False, allow_blank=True)


def _text_column(name: str) -> PublicField:
    """A free-text column a course team edits."""
    return column(name, S.CharField, write=Write.OWN, input=_text)


def _flag_column(name: str) -> PublicField:
    return column(name, S.BooleanField, write=Write.OWN, input=lambda: S.BooleanField(required=False))


def _empty_list(name: str, child: Any, help_text: str) -> PublicField:
    return PublicField(name, lambda: S.ListField(child=child(), help_text=help_text), lambda course, ctx, runs: [])


def _nested_dict(name: str, row_key: str, schema: Any) -> PublicField:
    """A one-to-one extra, read as loaded and written as a dict by Publisher's nested writers."""
    return PublicField(
        name,
        lambda: schema(allow_null=True),
        lambda course, ctx, runs: course[row_key],
        write=Write.NESTED,
        input=lambda: S.DictField(required=False, allow_null=True),
    )


def _advertised_uuid(course: Any, ctx: Any, runs: Any) -> str | None:
    advertised = rules.advertised_course_run(runs, ctx.now)
    return str(advertised["uuid"]) if advertised is not None else None


def _video(course: Any, ctx: Any, runs: Any) -> dict[str, Any] | None:
    row = course["video_row"]
    return video(row["src"], row["description"], row["image_url"]) if row else None


def _marketing_url(course: Any, ctx: Any, runs: Any) -> str | None:
    return ctx.marketing_url(course["partner_root"], f"course/{course['url_slug']}" if course["url_slug"] else None)


def _slug_history(course: Any) -> list[str]:
    """Every slug the course has had, the current one included (the incumbent lists them all)."""
    current = [course["url_slug"]] if course["url_slug"] else []
    return [*current, *(slug for slug in _slugs(course) if slug not in current)]


def _slugs(course: Any) -> list[str]:
    return [row["url_slug"] for row in course["slug_rows"]]


# Columns every course row carries besides the fields' own: the key and the partner it belongs to.
COURSE_INTERNAL_COLUMNS = ("pk", "partner_id")

COURSE_SUMMARY: tuple[PublicField, ...] = (
    column("key", S.CharField, write=Write.IMMUTABLE, input=lambda: S.CharField(required=False)),
    PublicField(
        "uuid",
        S.UUIDField,
        lambda course, ctx, runs: str(course["uuid"]),
        columns={"uuid": "uuid"},
        write=Write.IMMUTABLE,
        input=lambda: S.UUIDField(required=False),
    ),
    column("title", S.CharField, write=Write.OWN, input=lambda: S.CharField(max_length=255)),
    column(
        "url_slug",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.SlugField(max_length=255, required=False, allow_blank=True),
    ),
    # Publisher parses ``image`` with its own ImageField (a URL or {"src": url}) into image_url.
    PublicField(
        "image",
        lambda: ImageSerializer(allow_null=True),
        lambda course, ctx, runs: image(course["image_url"]),
        columns={"image_url": "image_url"},
        write=Write.OWN,
        attr="image_url",
    ),
    _text_column("short_description"),
    PublicField(
        "type",
        lambda: S.UUIDField(allow_null=True, help_text=_("UUID of the course type.")),
        lambda course, ctx, runs: uuid_string(course["type_uuid"]),
        columns={"type_uuid": "type__uuid"},
        write=Write.OWN,
        input=lambda: S.SlugRelatedField(slug_field="uuid", queryset=CourseType.objects.all(), required=False),
    ),
    PublicField(
        "course_type",
        lambda: S.SlugField(allow_null=True, help_text=_("Slug of the course type.")),
        lambda course, ctx, runs: course["type_slug"],
        columns={"type_slug": "type__slug"},
    ),
    PublicField(
        "owners",
        lambda: OrganizationSerializer(many=True, help_text=_("Authoring organizations, in order.")),
        lambda course, ctx, runs: [organization_data(row, ctx) for row in course["owner_rows"]],
    ),
    # Publisher parses entitlements with its own serializer (a seat type by slug and a price).
    PublicField(
        "entitlements",
        lambda: EntitlementSerializer(many=True),
        lambda course, ctx, runs: entitlements_data(course),
        write=Write.NESTED,
    ),
    PublicField(
        "course_runs",
        lambda: MinimalCourseRunSerializer(many=True),
        lambda course, ctx, runs: [minimal_course_run_data(run, course, ctx) for run in runs],
        # The runs' ``is_marketable_external`` reads the course's external page (a join, no query).
        columns={"additional_metadata_external_url": "additional_metadata__external_url"},
    ),
    PublicField(
        "course_run_statuses",
        lambda: S.ListField(
            child=S.CharField(),
            help_text=_(
                "Distinct statuses of the listed runs that are not hidden; an unpublished run that is over "
                "counts as 'archived'."
            ),
        ),
        lambda course, ctx, runs: rules.course_run_statuses(runs, ctx.now),
    ),
    # Derived from the organizations and type; the Publisher front end sends it back (ADR 0041).
    column(
        "enterprise_subscription_inclusion",
        S.BooleanField,
        write=Write.IGNORED,
        input=lambda: S.BooleanField(required=False, help_text="Accepted and not stored: derived."),
    ),
    _flag_column("excluded_from_search"),
    _flag_column("excluded_from_seo"),
)

COURSE_DETAIL: tuple[PublicField, ...] = (
    column(
        "key_for_reruns",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.CharField(max_length=255, required=False, allow_blank=True),
    ),
    _text_column("full_description"),
    # Publisher parses it with its own serializer (title and description).
    PublicField(
        "extra_description",
        lambda: ExtraDescriptionSerializer(allow_null=True),
        lambda course, ctx, runs: course["extra_description_row"],
        write=Write.NESTED,
    ),
    _text_column("outcome"),
    _empty_list("prerequisites", S.JSONField, "Not modelled; always empty."),
    _text_column("prerequisites_raw"),
    _text_column("syllabus_raw"),
    _empty_list("expected_learning_items", S.JSONField, "Not modelled; always empty."),
    _text_column("additional_information"),
    _text_column("faq"),
    _text_column("learner_testimonials"),
    PublicField(
        "level_type",
        lambda: S.CharField(allow_null=True),
        lambda course, ctx, runs: course["level_type_name"],
        columns={"level_type_name": "level_type__name"},
        write=Write.OWN,
        input=lambda: S.SlugRelatedField(
            slug_field="name", queryset=LevelType.objects.all(), required=False, allow_null=True
        ),
    ),
    PublicField(
        "card_image_url",
        lambda: S.URLField(allow_null=True),
        lambda course, ctx, runs: course["card_image_url"] or None,
        columns={"card_image_url": "card_image_url"},
        write=Write.OWN,
        input=lambda: S.URLField(max_length=500, required=False, allow_blank=True),
    ),
    PublicField(
        "original_image",
        lambda: ImageSerializer(allow_null=True),
        lambda course, ctx, runs: image(course["image_url"]),
        columns={"image_url": "image_url"},
    ),
    # Publisher parses it with its own serializer (src, description, image_url).
    PublicField("video", lambda: VideoSerializer(allow_null=True), _video, write=Write.NESTED),
    PublicField(
        "sponsors",
        lambda: OrganizationSerializer(many=True),
        lambda course, ctx, runs: [organization_data(row, ctx) for row in course["sponsor_rows"]],
    ),
    # Publisher resolves subject slugs within the course's partner, with its own field.
    PublicField(
        "subjects",
        lambda: SubjectSerializer(many=True),
        lambda course, ctx, runs: [subject_data(row) for row in course["subject_rows"]],
        write=Write.NESTED,
    ),
    PublicField(
        "collaborators",
        lambda: CollaboratorSerializer(many=True),
        lambda course, ctx, runs: [
            {"uuid": row["uuid"], "name": row["name"], "image": image(row["image_url"])}
            for row in course["collaborator_rows"]
        ],
        write=Write.NESTED,
        input=lambda: S.SlugRelatedField(
            slug_field="uuid", queryset=Collaborator.objects.all(), many=True, required=False
        ),
    ),
    PublicField(
        "topics",
        lambda: S.ListField(child=S.CharField()),
        lambda course, ctx, runs: [row["name"] for row in course["topic_rows"]],
        write=Write.NESTED,
        input=lambda: S.ListField(child=S.CharField(max_length=100), required=False),
    ),
    PublicField(
        "programs",
        lambda: ProgramSummarySerializer(many=True, help_text="Programs (not deleted) that include the course."),
        lambda course, ctx, runs: ctx.listed_programs(course["program_rows"]),
    ),
    PublicField(
        "canonical_course_run_key",
        lambda: S.CharField(allow_null=True),
        columns={"canonical_course_run_key": "canonical_course_run__key"},
    ),
    PublicField(
        "course_runs",
        lambda: NestedCourseRunSerializer(many=True),
        lambda course, ctx, runs: [course_run_data(run, course, ctx) for run in runs],
    ),
    PublicField(
        "course_run_keys",
        lambda: S.ListField(child=S.CharField()),
        lambda course, ctx, runs: [run["key"] for run in runs],
    ),
    PublicField(
        "advertised_course_run_uuid",
        lambda: S.UUIDField(
            allow_null=True,
            help_text=_(
                "Among the marketable runs listed: the enrollable run that started last; else the enrollable "
                "run starting soonest; else the run that starts last."
            ),
        ),
        _advertised_uuid,
    ),
    PublicField(
        "marketing_url",
        lambda: S.URLField(allow_null=True, help_text=_("With utm_source unless exclude_utm=1.")),
        _marketing_url,
        columns={
            # A subquery rather than a join, so that counting a page's rows needs no join at all.
            "partner_root": Subquery(
                Partner.objects.filter(pk=OuterRef("partner_id")).values("marketing_site_url_root")
            ),
            "url_slug": "url_slug",
        },
    ),
    PublicField(
        "url_slug_history",
        lambda: S.ListField(child=S.CharField(), help_text="The current slug, then earlier ones, newest first."),
        lambda course, ctx, runs: _slug_history(course),
    ),
    PublicField(
        "url_redirects",
        lambda: S.ListField(child=S.CharField(), help_text=_("Paths that redirect here.")),
        lambda course, ctx, runs: [f"/course/{slug}" for slug in _slugs(course)],
    ),
    PublicField(
        "product_source",
        lambda: ProductSourceSerializer(allow_null=True),
        lambda course, ctx, runs: course["product_source_row"],
        write=Write.OWN,
        input=lambda: S.SlugRelatedField(
            slug_field="slug", queryset=Source.objects.all(), required=False, allow_null=True
        ),
    ),
    PublicField(
        "additional_metadata",
        lambda: AdditionalMetadataSerializer(allow_null=True),
        lambda course, ctx, runs: additional_metadata_data(course),
        write=Write.NESTED,
        input=lambda: S.DictField(required=False, allow_null=True),
    ),
    _nested_dict("geolocation", "geolocation_row", GeolocationSerializer),
    _nested_dict("location_restriction", "location_restriction_row", LocationRestrictionSerializer),
    _nested_dict("in_year_value", "in_year_value_row", ProductValueSerializer),
    PublicField(
        "organization_logo_override_url",
        lambda: S.URLField(allow_null=True),
        lambda course, ctx, runs: course["organization_logo_override_url"] or None,
        columns={"organization_logo_override_url": "organization_logo_override_url"},
        write=Write.OWN,
        input=lambda: S.URLField(required=False, allow_blank=True),
    ),
    column(
        "organization_short_code_override",
        S.CharField,
        write=Write.OWN,
        input=lambda: S.CharField(max_length=255, required=False, allow_blank=True),
    ),
    column("enrollment_count", S.IntegerField),
    column("recent_enrollment_count", S.IntegerField),
    PublicField(
        "editable",
        lambda: S.BooleanField(help_text=_("The caller may edit this course in Publisher.")),
        lambda course, ctx, runs: course["uuid"] in ctx.editable_uuids,
        columns={"uuid": "uuid"},
    ),
    PublicField(
        "editors",
        lambda: EditorSerializer(many=True, help_text=_("Listed with editable=1 only; otherwise empty.")),
        lambda course, ctx, runs: course.get("editor_rows", []) if ctx.editable_mode else [],
    ),
    PublicField(
        "watchers",
        lambda: S.ListField(child=S.EmailField(), help_text=_("Listed with editable=1 only; otherwise empty.")),
        lambda course, ctx, runs: course["watchers"] if ctx.editable_mode else [],
        columns={"watchers": "watchers"},
        write=Write.OWN,
        input=lambda: S.ListField(child=S.EmailField(), required=False),
    ),
    _empty_list("skills", S.JSONField, "Needs a skills taxonomy integration Lyceum does not have; empty."),
    _empty_list("skill_names", S.CharField, "Needs a skills taxonomy integration Lyceum does not have; empty."),
    column("draft", lambda: S.BooleanField(help_text=_("This is a draft row (only ever with editable=1)."))),
    timestamp("modified"),
    timestamp("data_modified_timestamp"),
)

COURSE_INPUT_ONLY: tuple[PublicField, ...] = (
    PublicField("number", None, write=Write.IMMUTABLE, input=lambda: S.CharField(required=False)),
    # The Publisher front end's name for organization_logo_override_url; parsed by Publisher's ImageField.
    PublicField("organization_logo_override", None, write=Write.OWN, attr="organization_logo_override_url"),
    # Sent with every save (false once a run is published); edits always land on the draft (ADR 0041).
    PublicField(
        "draft",
        None,
        write=Write.IGNORED,
        input=lambda: S.BooleanField(required=False, help_text="Accepted; edits always land on the draft."),
    ),
    PublicField("enterprise_subscription_opt_in", None, write=Write.OWN, input=lambda: S.BooleanField(required=False)),
    PublicField(
        "prices",
        None,
        write=Write.NESTED,
        input=lambda: S.DictField(
            child=S.DecimalField(max_digits=10, decimal_places=2, min_value=0),
            required=False,
        ),
    ),
)

# Every course field once, in the courses endpoint's order, then the input-only ones.
COURSE_DECLARATION: tuple[PublicField, ...] = (*with_overrides(COURSE_SUMMARY, COURSE_DETAIL), *COURSE_INPUT_ONLY)

# The course row the selectors read (``selectors.courses.course_rows``).
COURSE_COLUMNS = selector_spec(COURSE_INTERNAL_COLUMNS, COURSE_SUMMARY, COURSE_DETAIL)

__all__ = ["COURSE_COLUMNS", "COURSE_DECLARATION", "COURSE_DETAIL", "COURSE_INPUT_ONLY", "COURSE_SUMMARY"]
