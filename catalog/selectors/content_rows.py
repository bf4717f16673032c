"""The rows content documents are built from: official courses with their runs and seats, and programs,
loaded together in a fixed handful of queries (a change to one course costs the same few as 500 do).

Rows, not model instances: the tracked models' field trackers make instances ten times dearer than the
query (see dbkit.rows), and the read API's rules (course_metadata.selectors.
course_runs) read these rows directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, TextField, Value
from django.db.models.functions import Cast

from course_metadata.models import Course, CourseRun, Program
from course_metadata.selectors import course_runs as rules
from dbkit.rows import AnyOf, FieldSpec, KeyedRows, Row, chunked, values_of

CHUNK = 500


def _fields(columns: str, **related: str) -> FieldSpec:
    """A field spec: the space-separated own columns under their names, plus ``related`` lookups."""
    spec: FieldSpec = {name: name for name in columns.split()}
    spec.update(related)
    return spec


RUN_FIELDS = _fields(
    "pk uuid key course_id draft status start end enrollment_start enrollment_end pacing_type content_language "
    "hidden slug title_override enterprise_subscription_inclusion data_modified_timestamp",
    type_is_marketable="type__is_marketable",
)
COURSE_FIELDS = _fields(
    "pk uuid key title enterprise_subscription_inclusion data_modified_timestamp",
    partner_code="partner__short_code",
    level_type_name="level_type__name",
    type_slug="type__slug",
)
PROGRAM_FIELDS = _fields(
    "pk uuid title status hidden language_override enterprise_subscription_inclusion data_modified_timestamp",
    partner_code="partner__short_code",
    type_name="type__name",
    level_type_name="level_type_override__name",
    primary_subject_name="primary_subject_override__name",
)


@dataclass
class ContentRows:
    """Courses (``organizations``, ``subjects``, ``runs`` with ``seats``) and programs (``organizations``,
    ``course_ids``, ``excluded_run_ids``); ``courses`` also holds the courses programs need."""

    courses: dict[int, Row] = field(default_factory=dict)
    programs: list[Row] = field(default_factory=list)


def _list_part(queryset: QuerySet, kind: str, owner: str, value: str, position: str) -> QuerySet:
    return queryset.values(
        kind=Value(kind, output_field=CharField()),
        owner=F(owner),
        value=Cast(F(value), TextField()),
        position=Cast(F(position), IntegerField()),
    ).order_by()


def _course_lists(ids: Any) -> QuerySet:
    organizations = Course.authoring_organizations.through.objects.filter(AnyOf("course_id", ids))
    subjects = Course.subjects.through.objects.filter(AnyOf("course_id", ids))
    return _list_part(organizations, "organizations", "course_id", "organization__key", "sort_value").union(
        _list_part(subjects, "subjects", "course_id", "subject__name", "sort_value"), all=True
    )


def _program_lists(ids: Any) -> QuerySet:
    organizations = Program.authoring_organizations.through.objects.filter(AnyOf("program_id", ids))
    links = Program.courses.through.objects.filter(AnyOf("program_id", ids))
    excluded = Program.excluded_course_runs.through.objects.filter(AnyOf("program_id", ids))
    return _list_part(organizations, "organizations", "program_id", "organization__key", "sort_value").union(
        _list_part(links, "course_ids", "program_id", "course_id", "sort_value"),
        _list_part(excluded, "excluded_run_ids", "program_id", "courserun_id", "pk"),
        all=True,
    )


# Compiled once, run with a key list (see dbkit.rows): the change-log consumer loads a
# handful of courses per change, and building these querysets cost more than running them.
_COURSES = KeyedRows(
    lambda ids: values_of(Course.objects.official().filter(AnyOf("pk", ids)).order_by("pk"), COURSE_FIELDS)
)
_RUNS_OF_COURSES = KeyedRows(
    lambda ids: values_of(
        rules.course_runs().official().filter(AnyOf("course_id", ids)).order_by("start", "key", "pk"), RUN_FIELDS
    )
)
_PROGRAMS = KeyedRows(lambda ids: values_of(Program.objects.filter(AnyOf("pk", ids)).order_by("pk"), PROGRAM_FIELDS))
_PROGRAMS_OF_COURSES = KeyedRows(
    lambda ids: Program.courses.through.objects.filter(AnyOf("course_id", ids)).values("program_id").order_by()
)
_COURSE_LISTS = KeyedRows(_course_lists)
_PROGRAM_LISTS = KeyedRows(_program_lists)


def _lists(rows: KeyedRows, owners: Sequence[Row]) -> dict[tuple[str, int], list[str]]:
    """The (kind, owner) lists of these courses or programs, each in its order."""
    found: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    for row in rows.fetch(owner.pk for owner in owners):
        found[(row["kind"], row["owner"])].append((row["position"], row["value"]))
    return {key: [value for _, value in sorted(items)] for key, items in found.items()}


def _attach_lists(courses: Sequence[Row], programs: Sequence[Row]) -> None:
    """The small string lists of courses and programs: one query each."""
    lists = _lists(_COURSE_LISTS, courses)
    for course in courses:
        course["organizations"] = lists.get(("organizations", course.pk), [])
        course["subjects"] = sorted(lists.get(("subjects", course.pk), []))
    lists = _lists(_PROGRAM_LISTS, programs)
    for program in programs:
        program["organizations"] = lists.get(("organizations", program.pk), [])
        program["course_ids"] = [int(value) for value in lists.get(("course_ids", program.pk), [])]
        program["excluded_run_ids"] = {int(value) for value in lists.get(("excluded_run_ids", program.pk), [])}


def _courses_with_runs(course_ids: Sequence[int]) -> list[Row]:
    courses = _COURSES.fetch(course_ids)
    runs = _RUNS_OF_COURSES.fetch(course.pk for course in courses)
    rules.attach_seats(runs)
    by_course: dict[int, list[Row]] = defaultdict(list)
    for run in runs:
        by_course[run.course_id].append(run)
    for course in courses:
        course["runs"] = by_course.get(course.pk, [])
    return courses


def load_content_rows(
    *, course_ids: Sequence[int] = (), program_ids: Sequence[int] = (), programs_of_courses: bool = False
) -> ContentRows:
    """Rows for the documents of these courses and programs (and, with ``programs_of_courses``, of the
    programs containing the courses): at most seven queries, plus four when programs need other courses."""
    courses = _courses_with_runs(course_ids) if course_ids else []
    wanted = set(program_ids)
    if programs_of_courses:
        wanted.update(row["program_id"] for row in _PROGRAMS_OF_COURSES.fetch(course_ids))
    programs = _PROGRAMS.fetch(sorted(wanted))
    _attach_lists(courses, programs)
    rows = ContentRows({course.pk: course for course in courses}, programs)
    missing = sorted({pk for program in programs for pk in program.course_ids} - rows.courses.keys())
    if missing:
        others = _courses_with_runs(missing)
        _attach_lists(others, [])
        rows.courses.update((course.pk, course) for course in others)
    return rows


def official_course_ids() -> Iterator[int]:
    return Course.objects.official().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)


def course_ids_of_runs(run_ids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for batch in chunked(list(set(run_ids)), CHUNK):
        found.update(CourseRun.objects.filter(pk__in=batch).values_list("course_id", flat=True))
    return found
