"""Course reads: which rows (official, or the editable drafts) and everything a page of them shows.

A page costs a fixed number of queries: the course rows (with their type and level joined),
their runs, the runs' seats, and one query for every nested list and one-to-one object of the courses
and their runs (``dbkit.nested.attach_nested``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from course_metadata.models import Course, CourseRunStatus
from course_metadata.resources.courses import COURSE_COLUMNS
from course_metadata.selectors import nested
from course_metadata.selectors.course_runs import (
    RUN_FIELDS,
    CourseRunQuerySet,
    attach_seats,
    course_runs,
    listed_course_runs,
)
from dbkit.nested import Nested, attach_nested
from dbkit.rows import AnyOf, FieldSpec, KeyedRows, Row, as_rows, values_of

# The course row: its own columns and the many-to-one data every representation shows, as the course
# declaration's fields read them.
COURSE_FIELDS: FieldSpec = COURSE_COLUMNS


@dataclass(frozen=True)
class RunSelection:
    """Which runs a course lists, from the request's flags; every run rule is applied in SQL."""

    include_hidden: bool = False
    marketable_only: bool = False
    marketable_enrollable: bool = False
    published_only: bool = False


def course_rows(courses: QuerySet[Course]) -> QuerySet:
    """Course rows (dicts) as the course representations read them; filter and order before paging."""
    return values_of(courses, COURSE_FIELDS)


def listed_courses(*, editable_courses: QuerySet[Course] | None = None) -> QuerySet[Course]:
    """Official courses, or (``editable_courses``) the rows an editor works on, as models: filter, order and
    page these by primary key, then read the page with ``course_rows_in_order``."""
    return editable_courses if editable_courses is not None else Course.objects.official()


def course_list(*, editable_courses: QuerySet[Course] | None = None) -> QuerySet:
    """Official courses, or (``editable_courses``) the rows an editor works on, as course rows."""
    return course_rows(listed_courses(editable_courses=editable_courses))


def selected_runs(
    selection: RunSelection, *, editable: bool = False, now: dt.datetime | None = None
) -> CourseRunQuerySet:
    """The runs listed inside courses. Editors (``editable``) see every run of what they edit."""
    now = now or timezone.now()
    runs = course_runs().editable() if editable else course_runs().official()
    if editable:
        return runs
    if not selection.include_hidden:
        runs = runs.filter(hidden=False)
    if selection.marketable_only:
        runs = runs.marketable().active(now)
    if selection.marketable_enrollable:
        runs = runs.marketable().enrollable(now)
    if selection.published_only:
        runs = runs.filter(status=CourseRunStatus.PUBLISHED)
    return runs


def runs_of_courses(runs: CourseRunQuerySet) -> KeyedRows:
    """Run rows of the courses whose ids ``fetch`` is given, in start order (unknown starts last)."""
    return KeyedRows(
        lambda course_ids: values_of(
            runs.filter(AnyOf("course_id", course_ids)).order_by(F("start").asc(nulls_last=True), "key", "pk"),
            RUN_FIELDS,
        )
    )


# Compiled once each: the selections whose SQL does not depend on the time of the request.
_TIMELESS_RUN_QUERIES = {
    (editable, include_hidden, published_only): runs_of_courses(
        selected_runs(RunSelection(include_hidden=include_hidden, published_only=published_only), editable=editable)
    )
    for editable in (False, True)
    for include_hidden in (False, True)
    for published_only in (False, True)
}


def _runs_query(selection: RunSelection, editable: bool) -> KeyedRows:
    if editable or not (selection.marketable_only or selection.marketable_enrollable):
        return _TIMELESS_RUN_QUERIES[(editable, selection.include_hidden, selection.published_only)]
    return runs_of_courses(selected_runs(selection))


def attach_runs(courses: Sequence[Row], runs: KeyedRows) -> list[Row]:
    """Each course's runs (``course["runs"]``), with their seats."""
    by_course: dict[int, list[Row]] = defaultdict(list)
    loaded = runs.fetch(course["pk"] for course in courses)
    for run in loaded:
        by_course[run["course_id"]].append(run)
    for course in courses:
        course["runs"] = by_course.get(course["pk"], [])
    attach_seats(loaded)
    return loaded


def complete_courses(
    courses: Sequence[Row],
    *,
    selection: RunSelection = RunSelection(),
    editable: bool = False,
    full: bool = True,
    runs: CourseRunQuerySet | None = None,
) -> None:
    """Load what a page of course rows shows: runs and seats, then every nested list in one query.

    ``full`` is the courses endpoint's shape; otherwise the short shape programs list. ``runs`` replaces
    the runs ``selection`` picks (callers with rules of their own, such as catalogs).
    """
    loaded = attach_runs(courses, runs_of_courses(runs) if runs is not None else _runs_query(selection, editable))
    course_nested: tuple[Nested, ...] = nested.COURSE_NESTED if full else nested.COURSE_SUMMARY_NESTED
    if editable:
        course_nested = (*course_nested, nested.COURSE_EDITORS)
    groups: list[tuple[Sequence[Row], Sequence[Nested]]] = [(courses, course_nested)]
    if full:
        groups.append((loaded, (nested.RUN_STAFF,)))
    attach_nested(groups)


COURSES_BY_PK = KeyedRows(lambda pks: course_rows(Course.objects.filter(AnyOf("pk", pks))))
OFFICIAL_COURSES_BY_PK = KeyedRows(lambda pks: course_rows(Course.objects.official().filter(AnyOf("pk", pks))))
# Public detail lookups (the first by primary key is the one served).
OFFICIAL_COURSES_BY_KEY = KeyedRows(
    lambda keys: course_rows(Course.objects.official().filter(AnyOf("key", keys)).order_by("pk"))
)
OFFICIAL_COURSES_BY_UUID = KeyedRows(
    lambda uuids: course_rows(Course.objects.official().filter(AnyOf("uuid", uuids)).order_by("pk"))
)


def course_rows_in_order(pks: Sequence[int]) -> list[Row]:
    """The course rows of ``pks``, in that order, read with one compiled query (a page is chosen by primary key
    first, so that counting and paging need none of the row's joins). A course deleted meanwhile is left out."""
    by_pk = {row["pk"]: row for row in COURSES_BY_PK.fetch(pks)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


OFFICIAL_RUNS_BY_KEY = KeyedRows(
    lambda keys: values_of(listed_course_runs().filter(AnyOf("key", keys)).order_by("pk"), RUN_FIELDS)
)
OFFICIAL_RUNS_BY_UUID = KeyedRows(
    lambda uuids: values_of(listed_course_runs().filter(AnyOf("uuid", uuids)).order_by("pk"), RUN_FIELDS)
)


def course_run_list(*, editable_courses: QuerySet | None = None) -> QuerySet:
    """Run rows (dicts) for the course run endpoints; filter and order them, then ``complete_course_runs``."""
    return values_of(listed_course_runs(editable_courses=editable_courses), RUN_FIELDS)


def complete_course_runs(objects: list[Any]) -> list[Row]:
    """A page of run rows with their seats, their courses' rows (``run["course"]``), staff and programs."""
    runs = as_rows(objects)
    attach_seats(runs)
    courses = COURSES_BY_PK.fetch({run["course_id"] for run in runs})
    attach_nested(
        [
            (courses, (nested.COURSE_EXTRAS, nested.COURSE_ADDITIONAL_METADATA)),
            (runs, (nested.RUN_STAFF, nested.RUN_PROGRAMS)),
        ]
    )
    by_pk = {course["pk"]: course for course in courses}
    for run in runs:
        run["course"] = by_pk[run["course_id"]]
    return runs


__all__ = [
    "COURSES_BY_PK",
    "COURSE_FIELDS",
    "OFFICIAL_COURSES_BY_KEY",
    "OFFICIAL_COURSES_BY_PK",
    "OFFICIAL_COURSES_BY_UUID",
    "OFFICIAL_RUNS_BY_KEY",
    "OFFICIAL_RUNS_BY_UUID",
    "RunSelection",
    "attach_runs",
    "complete_course_runs",
    "complete_courses",
    "course_list",
    "course_rows",
    "course_rows_in_order",
    "course_run_list",
    "listed_courses",
    "runs_of_courses",
    "selected_runs",
]
