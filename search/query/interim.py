"""Documents for answering query strings until the search index serves them: read from the rows on demand.

A few of course-discovery's search fields per course, run and program, built with a fixed number of
queries per request and evaluated by the reference evaluator. It answers ``contains`` checks (a handful
of objects) cheaply and a whole-catalog ``q`` slowly; the search backends replace it (ADR 0090).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from course_metadata.models import Course, CourseRun, Program
from course_metadata.selectors.query_strings import COURSE, COURSE_RUN, PROGRAM
from search.query.fields import FieldKind, FieldTable

K = FieldKind
FIELDS = FieldTable(
    kinds={
        "id": K.KEYWORD,  # course-discovery's "course_metadata.<model>.<pk>": id:course* is every course and run
        "uuid": K.KEYWORD,
        "aggregation_key": K.KEYWORD,
        "content_type": K.KEYWORD,
        "partner": K.KEYWORD,
        "key": K.KEYWORD,
        "org": K.KEYWORD,
        "organizations": K.KEYWORD,
        "title": K.TEXT,
        "short_description": K.TEXT,
        "full_description": K.TEXT,
        "subtitle": K.TEXT,
        "status": K.KEYWORD,
        "pacing_type": K.KEYWORD,
        "type": K.KEYWORD,
        "hidden": K.BOOLEAN,
        "start": K.DATE,
        "end": K.DATE,
        "enrollment_start": K.DATE,
        "enrollment_end": K.DATE,
        "weeks_to_complete": K.NUMBER,
    },
    default_fields=("title", "short_description", "full_description", "subtitle", "key", "org"),
    aliases={"authoring_organizations": "organizations", "course_key": "key"},
)


def documents(content_type: str, among: Collection[str] | None) -> Iterator[dict[str, Any]]:
    """The documents of a content type (official rows only), only those whose UUID is in ``among``."""
    if content_type == COURSE:
        yield from _courses(among)
    elif content_type == COURSE_RUN:
        yield from _course_runs(among)
    elif content_type == PROGRAM:
        yield from _programs(among)


def _organizations(model: type[Course] | type[Program], pks: list[int]) -> dict[int, list[str]]:
    keys: dict[int, list[str]] = defaultdict(list)
    rows = model.objects.filter(pk__in=pks, authoring_organizations__isnull=False)
    for pk, key in rows.values_list("pk", "authoring_organizations__key"):
        keys[pk].append(key)
    return keys


def _courses(among: Collection[str] | None) -> Iterator[dict[str, Any]]:
    rows = Course.objects.filter(draft=False)
    if among is not None:
        rows = rows.filter(uuid__in=among)
    values = list(
        rows.values("pk", "uuid", "key", "title", "short_description", "full_description", "partner__short_code")
    )
    organizations = _organizations(Course, [row["pk"] for row in values])
    for row in values:
        orgs = organizations.get(row["pk"], [])
        yield {
            "id": f"course_metadata.course.{row['pk']}",
            "uuid": str(row["uuid"]),
            "aggregation_key": f"course:{row['key']}",
            "content_type": COURSE,
            "partner": row["partner__short_code"],
            "key": row["key"],
            "org": orgs,
            "organizations": orgs,
            "title": row["title"],
            "short_description": row["short_description"],
            "full_description": row["full_description"],
        }


def _course_runs(among: Collection[str] | None) -> Iterator[dict[str, Any]]:
    rows = CourseRun.objects.filter(draft=False)
    if among is not None:
        rows = rows.filter(uuid__in=among)
    values = list(
        rows.values(
            "pk", "uuid", "key", "title_override", "short_description_override", "full_description_override",
            "status", "pacing_type", "hidden", "start", "end", "enrollment_start", "enrollment_end",
            "weeks_to_complete", "type__slug", "course_id", "course__key", "course__title",
            "course__short_description", "course__full_description", "course__partner__short_code",
        )
    )  # fmt: skip
    organizations = _organizations(Course, sorted({row["course_id"] for row in values}))
    for row in values:
        orgs = organizations.get(row["course_id"], [])
        yield {
            "id": f"course_metadata.courserun.{row['pk']}",
            "uuid": str(row["uuid"]),
            "aggregation_key": f"courserun:{row['course__key']}",
            "content_type": COURSE_RUN,
            "partner": row["course__partner__short_code"],
            "key": row["key"],
            "org": _run_org(row["key"]) or orgs,
            "organizations": orgs,
            "title": row["title_override"] or row["course__title"],
            "short_description": row["short_description_override"] or row["course__short_description"],
            "full_description": row["full_description_override"] or row["course__full_description"],
            "status": row["status"],
            "pacing_type": row["pacing_type"],
            "type": row["type__slug"],
            "hidden": row["hidden"],
            "start": row["start"],
            "end": row["end"],
            "enrollment_start": row["enrollment_start"],
            "enrollment_end": row["enrollment_end"],
            "weeks_to_complete": row["weeks_to_complete"],
        }


def _run_org(key: str) -> str | None:
    """The organization part of a run key (``course-v1:edX+CS101+2T2024`` → ``edX``)."""
    body = key.split(":", 1)[-1]
    org = body.split("+", 1)[0] if "+" in body else body.split("/", 1)[0]
    return org or None


def _programs(among: Collection[str] | None) -> Iterator[dict[str, Any]]:
    rows = Program.objects.all()
    if among is not None:
        rows = rows.filter(uuid__in=among)
    values = list(
        rows.values(
            "pk", "uuid", "title", "subtitle", "overview", "status", "hidden", "weeks_to_complete", "type__slug",
            "partner__short_code",
        )
    )  # fmt: skip
    organizations = _organizations(Program, [row["pk"] for row in values])
    for row in values:
        orgs = organizations.get(row["pk"], [])
        yield {
            "id": f"course_metadata.program.{row['pk']}",
            "uuid": str(row["uuid"]),
            "aggregation_key": f"program:{row['uuid']}",
            "content_type": PROGRAM,
            "partner": row["partner__short_code"],
            "org": orgs,
            "organizations": orgs,
            "title": row["title"],
            "subtitle": row["subtitle"],
            "full_description": row["overview"],
            "status": row["status"],
            "hidden": row["hidden"],
            "type": row["type__slug"],
            "weeks_to_complete": row["weeks_to_complete"],
        }
