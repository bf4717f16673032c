"""What the read API nests in courses, runs and programs, declared once as ``Nested`` specs.

``*_fields(prefix, outer)`` name the columns of one kind of related object reached through ``prefix``
(empty when reading the object's own table), with ``outer`` the column holding that object's primary
key, for the small lists nested inside it (an organization's tags, a person's links). Keys are internal
names; the serializers turn them into API fields.
"""

from __future__ import annotations

from django.db.models import Case, Exists, F, Model, OuterRef, QuerySet, When

from course_metadata.models import (
    AdditionalMetadata,
    Course,
    CourseEditor,
    CourseEntitlement,
    CourseRun,
    CourseUrlSlugHistory,
    Curriculum,
    CurriculumCourseMembership,
    CurriculumProgramMembership,
    DegreeCost,
    DegreeDeadline,
    DegreeSpecialization,
    PersonAreaOfExpertise,
    PersonSocialNetwork,
    Program,
    Ranking,
    TaggedCourse,
    TaggedOrganization,
    TaggedProgram,
)
from dbkit.json_values import JSONBuild
from dbkit.nested import Nested, columns
from dbkit.rows import FieldSpec, SubqueryCount, expressions_of


def _prefixed(prefix: str, *names: str) -> FieldSpec:
    return {name: f"{prefix}{name}" for name in names}


# --- shapes shared by several endpoints ----------------------------------------------------------------

# Lists inside an organization's or a person's JSON, wherever one is nested (see ``columns``).
ORGANIZATION_TAGS = Nested(
    "tag_names", TaggedOrganization.objects.all(), "content_object_id", flat="tag__name", ordering=("tag__name",)
)
PERSON_EXPERTISE = Nested("expertise", PersonAreaOfExpertise.objects.all(), "person_id", {"id": "id", "value": "value"})
PERSON_SOCIAL_NETWORKS = Nested(
    "social_networks",
    PersonSocialNetwork.objects.all(),
    "person_id",
    {"id": "id", "type": "type", "title": "title", "url": "url"},
)


def organization_fields(prefix: str = "", outer: str = "pk") -> FieldSpec:
    return {
        **_prefixed(
            prefix,
            "uuid",
            "key",
            "name",
            "slug",
            "description",
            "description_es",
            "homepage_url",
            "marketing_url_path",
            "logo_image_url",
            "banner_image_url",
            "certificate_logo_image_url",
            "organization_hex_color",
            "auto_generate_course_run_keys",
            "enterprise_subscription_inclusion",
            "data_modified_timestamp",
        ),
        "marketing_site_url_root": f"{prefix}partner__marketing_site_url_root",
        **columns(outer, ORGANIZATION_TAGS),
    }


def person_fields(prefix: str = "", outer: str = "pk") -> FieldSpec:
    return {
        **_prefixed(
            prefix,
            "uuid",
            "salutation",
            "given_name",
            "family_name",
            "slug",
            "bio",
            "major_works",
            "profile_image_url",
            "published",
        ),
        "position_title": f"{prefix}position__title",
        "position_organization_override": f"{prefix}position__organization_override",
        "position_organization_id": f"{prefix}position__organization_id",
        "position_organization_uuid": f"{prefix}position__organization__uuid",
        "position_organization_name": f"{prefix}position__organization__name",
        "position_organization_logo_image_url": f"{prefix}position__organization__logo_image_url",
        "position_organization_marketing_url_path": f"{prefix}position__organization__marketing_url_path",
        "position_organization_marketing_site_url_root": (
            f"{prefix}position__organization__partner__marketing_site_url_root"
        ),
        **columns(outer, PERSON_EXPERTISE, PERSON_SOCIAL_NETWORKS),
    }


SUBJECT_FIELDS = ("uuid", "name", "slug", "subtitle", "description", "banner_image_url", "card_image_url")


def subject_fields(prefix: str = "") -> FieldSpec:
    return _prefixed(prefix, *SUBJECT_FIELDS)


def program_summary_fields(prefix: str, program_outer: str) -> FieldSpec:
    """A program as courses, runs and pathways list it."""
    return {
        **_prefixed(prefix, "uuid", "title", "marketing_slug", "status", "hidden", "data_modified_timestamp"),
        "type_name": f"{prefix}type__name",
        "type_uuid": f"{prefix}type__uuid",
        "type_slug": f"{prefix}type__slug",
        "type_coaching_supported": f"{prefix}type__coaching_supported",
        "marketing_site_url_root": f"{prefix}partner__marketing_site_url_root",
        "number_of_courses": SubqueryCount(Program.courses.through.objects.filter(program_id=OuterRef(program_outer))),
    }


def _sorted_organizations(name: str, through: type[Model], owner: str) -> Nested:
    return Nested(
        name,
        through._default_manager.all(),  # the through model's only manager, ``objects``
        f"{owner}_id",
        organization_fields("organization__", "organization_id"),
        ordering=("sort_value", "pk"),
    )


def _one(name: str, relation: str, fields: FieldSpec) -> Nested:
    """A one-to-one (or many-to-one) object of a course, read through the course table itself."""
    return Nested(name, Course.objects.filter(**{f"{relation}__isnull": False}), "pk", fields, one=True)


# --- courses -------------------------------------------------------------------------------------------


def related_object(relation: str, fields: FieldSpec) -> Case:
    """A JSON object of a nullable many-to-one relation (null without one)."""
    return Case(When(**{f"{relation}__isnull": False}, then=JSONBuild(**expressions_of(fields))), default=None)


# The course's one-to-one and many-to-one extras, spread onto the course row as ``<name>_row``, in one part.
COURSE_EXTRAS = Nested(
    "extras",
    Course.objects.all(),
    "pk",
    {
        "video_row": related_object(
            "video", {"src": "video__src", "description": "video__description", "image_url": "video__image_url"}
        ),
        "extra_description_row": related_object(
            "extra_description",
            {"title": "extra_description__title", "description": "extra_description__description"},
        ),
        "product_source_row": related_object(
            "product_source", _prefixed("product_source__", "name", "slug", "description")
        ),
        "geolocation_row": related_object("geolocation", _prefixed("geolocation__", "location_name", "lat", "lng")),
        "location_restriction_row": related_object(
            "location_restriction",
            _prefixed("location_restriction__", "restriction_type", "countries", "states"),
        ),
        "in_year_value_row": related_object(
            "in_year_value",
            _prefixed(
                "in_year_value__", "per_click_usa", "per_click_international", "per_lead_usa", "per_lead_international"
            ),
        ),
    },
    one=True,
    spread=True,
)


COURSE_ADDITIONAL_METADATA = _one(
    "additional_metadata_row",
    "additional_metadata",
    {
        **_prefixed("additional_metadata__", *AdditionalMetadata.PLAIN_FIELDS),
        "certificate_heading": "additional_metadata__certificate_info__heading",
        "certificate_blurb": "additional_metadata__certificate_info__blurb",
        "product_meta_id": "additional_metadata__product_meta_id",
        "product_meta_title": "additional_metadata__product_meta__title",
        "product_meta_description": "additional_metadata__product_meta__description",
        "product_meta_keywords": "additional_metadata__product_meta__keywords",
        "taxi_form_id": "additional_metadata__taxi_form_id",
        **_prefixed("additional_metadata__taxi_form__", "form_id", "grouping", "title", "subtitle", "post_submit_url"),
        **columns(
            "additional_metadata_id",
            Nested(
                "facts",
                AdditionalMetadata.facts.through.objects.all(),
                "additionalmetadata_id",
                {"heading": "fact__heading", "blurb": "fact__blurb"},
                ordering=("fact_id",),
            ),
        ),
    },
)


COURSE_SUMMARY_NESTED = (
    _sorted_organizations("owner_rows", Course.authoring_organizations.through, "course"),
    Nested(
        "entitlement_rows",
        CourseEntitlement.objects.all(),
        "course_id",
        {"mode": "mode__slug", "price": "price", "currency": "currency", "sku": "sku"},
        ordering=("mode__name", "pk"),
    ),
)

COURSE_NESTED = (
    *COURSE_SUMMARY_NESTED,
    _sorted_organizations("sponsor_rows", Course.sponsoring_organizations.through, "course"),
    Nested(
        "subject_rows",
        Course.subjects.through.objects.all(),
        "course_id",
        subject_fields("subject__"),
        ordering=("sort_value", "pk"),
    ),
    Nested(
        "collaborator_rows",
        Course.collaborators.through.objects.all(),
        "course_id",
        _prefixed("collaborator__", "uuid", "name", "image_url"),
        ordering=("sort_value", "pk"),
    ),
    Nested("topic_rows", TaggedCourse.objects.all(), "content_object_id", {"name": "tag__name"}, ("tag__name",)),
    Nested("slug_rows", CourseUrlSlugHistory.objects.all(), "course_id", {"url_slug": "url_slug"}, ("-created", "-pk")),
    # Every status: the request chooses which the course lists (``include_deleted_programs``).
    Nested(
        "program_rows",
        Program.courses.through.objects.all(),
        "course_id",
        program_summary_fields("program__", "program_id"),
        ordering=("program__title", "program_id"),
    ),
    COURSE_EXTRAS,
    COURSE_ADDITIONAL_METADATA,
)

# Editors live on the official row once one exists; the editable rows carry the same UUID.
COURSE_EDITORS = Nested(
    "editor_rows",
    CourseEditor.objects.all(),
    "course__uuid",
    {
        "id": "id",
        "user_id": "user_id",
        "username": "user__username",
        "first_name": "user__first_name",
        "last_name": "user__last_name",
    },
    ordering=("created", "pk"),
    key="uuid",
)


# --- course runs ---------------------------------------------------------------------------------------

RUN_STAFF = Nested(
    "staff_rows",
    CourseRun.staff.through.objects.all(),
    "courserun_id",
    person_fields("person__", "person_id"),
    ordering=("sort_value", "pk"),
)


def _programs_of_runs() -> QuerySet:
    """Program memberships of each run's course (``run_id``), unless the program excludes the run; of every status
    (the request chooses which the run lists: ``include_deleted_programs`` and the like)."""
    excluded = Program.excluded_course_runs.through.objects.filter(
        program_id=OuterRef("program_id"), courserun_id=OuterRef("run_id")
    )
    return Program.courses.through.objects.annotate(run_id=F("course__course_runs__id")).filter(~Exists(excluded))


RUN_PROGRAMS = Nested(
    "program_rows",
    _programs_of_runs(),
    "run_id",
    program_summary_fields("program__", "program_id"),
    ordering=("program__title", "program_id"),
)


# --- programs ------------------------------------------------------------------------------------------

PROGRAM_NESTED = (
    _sorted_organizations("authoring_org_rows", Program.authoring_organizations.through, "program"),
    _sorted_organizations("credit_backing_org_rows", Program.credit_backing_organizations.through, "program"),
    Nested("label_rows", TaggedProgram.objects.all(), "content_object_id", {"name": "tag__name"}, ("tag__name",)),
    Nested(
        "course_membership_rows",
        Program.courses.through.objects.filter(course__draft=False),
        "program_id",
        {"course_id": "course_id"},
        ordering=("sort_value", "pk"),
    ),
    Nested(
        "excluded_run_rows",
        Program.excluded_course_runs.through.objects.all(),
        "program_id",
        {"course_run_id": "courserun_id"},
    ),
    Nested(
        "curriculum_rows",
        Curriculum.objects.all(),
        "program_id",
        {
            **_prefixed("", "uuid", "name", "marketing_text", "marketing_text_brief", "is_active"),
            **columns(
                "pk",
                Nested(
                    "courses",
                    CurriculumCourseMembership.objects.all(),
                    "curriculum_id",
                    {"key": "course__key", "uuid": "course__uuid", "title": "course__title", "is_active": "is_active"},
                    ordering=("course__key", "pk"),
                ),
                Nested(
                    "programs",
                    CurriculumProgramMembership.objects.all(),
                    "curriculum_id",
                    {"uuid": "program__uuid", "title": "program__title", "is_active": "is_active"},
                    ordering=("program__title", "pk"),
                ),
            ),
        },
        ordering=("-is_active", "pk"),
    ),
    # A degree's primary key is its program's, so these are empty for other programs.
    Nested(
        "degree_cost_rows", DegreeCost.objects.all(), "degree_id", {"description": "description", "amount": "amount"}
    ),
    Nested(
        "degree_deadline_rows",
        DegreeDeadline.objects.all(),
        "degree_id",
        _prefixed("", "semester", "name", "date", "time"),
    ),
    Nested("degree_specialization_rows", DegreeSpecialization.objects.all(), "degree_id", {"value": "value"}),
    Nested("degree_ranking_rows", Ranking.objects.all(), "degree", _prefixed("", "rank", "description", "source")),
)
