"""Reads of the vocabularies and product types: subjects, topics, level types and the type tables."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet

from course_metadata.models import CourseRunType, CourseType, LevelType, ProgramType, Subject, Topic
from course_metadata.selectors.nested import SUBJECT_FIELDS
from dbkit.json_rows import JSONRows
from dbkit.rows import values_of

TOPIC_FIELDS = ("uuid", "name", "slug", "subtitle", "description", "long_description", "banner_image_url")


def subject_list() -> QuerySet[Subject]:
    return Subject.objects.values("pk", *SUBJECT_FIELDS)


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.values("pk", *TOPIC_FIELDS)


def level_type_list() -> QuerySet[LevelType, Any]:  # rows as dicts
    return LevelType.objects.values("pk", "name", "sort_value")


def program_type_list() -> QuerySet[ProgramType]:
    seat_types = ProgramType.applicable_seat_types.through.objects.filter(programtype_id=OuterRef("pk"))
    return values_of(
        ProgramType.objects.all(),
        {
            "pk": "pk",
            "uuid": "uuid",
            "name": "name",
            "slug": "slug",
            "logo_image_url": "logo_image_url",
            "coaching_supported": "coaching_supported",
            "seat_type_slugs": JSONRows(seat_types.order_by("seattype__slug"), flat="seattype__slug"),
        },
    )


def _tracks() -> JSONRows:
    tracks = CourseRunType.tracks.through.objects.filter(courseruntype_id=OuterRef("pk"))
    return JSONRows(
        tracks.order_by("track__mode__slug", "pk"),
        mode="track__mode__slug",
        mode_name="track__mode__name",
        seat_type="track__seat_type__slug",
    )


RUN_TYPE_FIELDS = {"uuid": "uuid", "name": "name", "slug": "slug", "is_marketable": "is_marketable"}


def course_run_type_list() -> QuerySet[CourseRunType]:
    return values_of(CourseRunType.objects.all(), {"pk": "pk", **RUN_TYPE_FIELDS, "track_rows": _tracks()})


def course_type_list() -> QuerySet[CourseType]:
    entitlement_types = CourseType.entitlement_types.through.objects.filter(coursetype_id=OuterRef("pk"))
    run_types = CourseRunType.objects.filter(coursetype=OuterRef("pk")).order_by("name", "pk")
    return values_of(
        CourseType.objects.all(),
        {
            "pk": "pk",
            "uuid": "uuid",
            "name": "name",
            "slug": "slug",
            "entitlement_type_slugs": JSONRows(entitlement_types.order_by("seattype__slug"), flat="seattype__slug"),
            "course_run_type_rows": JSONRows(run_types, **RUN_TYPE_FIELDS, track_rows=_tracks()),
        },
    )
