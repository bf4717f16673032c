"""Reads of the vocabularies and product types: subjects, topics, level types and the type tables."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from course_metadata.models import CourseRunType, CourseType, LevelType, ProgramType, Subject, Topic
from course_metadata.selectors.nested import SUBJECT_FIELDS
from dbkit.nested import Nested, columns
from dbkit.rows import values_of

TOPIC_FIELDS = ("uuid", "name", "slug", "subtitle", "description", "long_description", "banner_image_url")


def subject_list() -> QuerySet[Subject]:
    return Subject.objects.values("pk", *SUBJECT_FIELDS)


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.values("pk", *TOPIC_FIELDS)


def level_type_list() -> QuerySet[LevelType, Any]:  # rows as dicts
    return LevelType.objects.values("pk", "name", "sort_value")


def _slugs(name: str, through: Any, owner: str) -> Nested:
    """The seat type slugs of a type, through ``through`` whose key of the type is ``owner``."""
    return Nested(name, through.objects.all(), owner, flat="seattype__slug", ordering=("seattype__slug",))


def program_type_list() -> QuerySet[ProgramType]:
    return values_of(
        ProgramType.objects.all(),
        {
            "pk": "pk",
            "uuid": "uuid",
            "name": "name",
            "slug": "slug",
            "logo_image_url": "logo_image_url",
            "coaching_supported": "coaching_supported",
            **columns("pk", _slugs("seat_type_slugs", ProgramType.applicable_seat_types.through, "programtype_id")),
        },
    )


RUN_TYPE_TRACKS = Nested(
    "track_rows",
    CourseRunType.tracks.through.objects.all(),
    "courseruntype_id",
    {"mode": "track__mode__slug", "mode_name": "track__mode__name", "seat_type": "track__seat_type__slug"},
    ordering=("track__mode__slug", "pk"),
)


RUN_TYPE_FIELDS = {"uuid": "uuid", "name": "name", "slug": "slug", "is_marketable": "is_marketable"}


def course_run_type_list() -> QuerySet[CourseRunType]:
    return values_of(CourseRunType.objects.all(), {"pk": "pk", **RUN_TYPE_FIELDS, **columns("pk", RUN_TYPE_TRACKS)})


def course_type_list() -> QuerySet[CourseType]:
    run_types = Nested(
        "course_run_type_rows",
        CourseRunType.objects.all(),
        "coursetype",
        {**RUN_TYPE_FIELDS, **columns("pk", RUN_TYPE_TRACKS)},
        ordering=("name", "pk"),
    )
    return values_of(
        CourseType.objects.all(),
        {
            "pk": "pk",
            "uuid": "uuid",
            "name": "name",
            "slug": "slug",
            **columns(
                "pk",
                _slugs("entitlement_type_slugs", CourseType.entitlement_types.through, "coursetype_id"),
                run_types,
            ),
        },
    )
