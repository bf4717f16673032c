"""The rows content documents are built from: official courses with their runs and seats, and programs,
loaded together in a fixed handful of queries (a change to one course costs the same few as 500 do).

Rows, not model instances: the tracked models' field trackers make instances ten times dearer than the
query (see course_metadata.selectors.rows), and the read API's rules (course_metadata.selectors.
course_runs) read these rows directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db.models import CharField, F, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast

from course_metadata.models import Course, CourseRun, Program
from course_metadata.selectors import course_runs as rules
from course_metadata.selectors.rows import AnyOf, FieldSpec, KeyedRows, Row, as_rows, values_of

CHUNK = 500


def chunked(values: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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
    return queryset.values_list(
        Value(kind, output_field=CharField()),
        owner,
        Cast(F(value), TextField()),
        Cast(F(position), IntegerField()),
    ).order_by()


def _attach_lists(courses: Sequence[Row], programs: Sequence[Row]) -> None:
    """The small string lists of courses and programs, in one UNION ALL query."""
    course_ids = [course.pk for course in courses]
    program_ids = [program.pk for program in programs]
    parts = []
    if course_ids:
        organizations = Course.authoring_organizations.through.objects.filter(course_id__in=course_ids)
        subjects = Course.subjects.through.objects.filter(course_id__in=course_ids)
        parts += [
            _list_part(organizations, "course_organizations", "course_id", "organization__key", "sort_value"),
            _list_part(subjects, "course_subjects", "course_id", "subject__name", "sort_value"),
        ]
    if program_ids:
        organizations = Program.authoring_organizations.through.objects.filter(program_id__in=program_ids)
        links = Program.courses.through.objects.filter(program_id__in=program_ids)
        excluded = Program.excluded_course_runs.through.objects.filter(program_id__in=program_ids)
        parts += [
            _list_part(organizations, "program_organizations", "program_id", "organization__key", "sort_value"),
            _list_part(links, "program_course_ids", "program_id", "course_id", "sort_value"),
            _list_part(excluded, "program_excluded_run_ids", "program_id", "courserun_id", "pk"),
        ]
    found: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    if parts:
        for kind, owner_id, value, position in parts[0].union(*parts[1:], all=True):
            found[(kind, owner_id)].append((position, value))

    def ordered(kind: str, owner_id: int) -> list[str]:
        return [value for _, value in sorted(found.get((kind, owner_id), []))]

    for course in courses:
        course["organizations"] = ordered("course_organizations", course.pk)
        course["subjects"] = sorted(ordered("course_subjects", course.pk))
    for program in programs:
        program["organizations"] = ordered("program_organizations", program.pk)
        program["course_ids"] = [int(value) for value in ordered("program_course_ids", program.pk)]
        program["excluded_run_ids"] = {int(value) for value in ordered("program_excluded_run_ids", program.pk)}


# Compiled once, run with a key list (see course_metadata.selectors.rows): the change-log consumer loads a
# handful of courses per change, and building these querysets cost more than running them.
_COURSES = KeyedRows(
    lambda ids: values_of(Course.objects.official().filter(AnyOf("pk", ids)).order_by("pk"), COURSE_FIELDS)
)
_RUNS_OF_COURSES = KeyedRows(
    lambda ids: values_of(
        rules.course_runs().official().filter(AnyOf("course_id", ids)).order_by("start", "key", "pk"), RUN_FIELDS
    )
)


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
    programs containing the courses): five queries, plus three when programs need other courses."""
    courses = _courses_with_runs(course_ids) if course_ids else []
    condition = Q(pk__in=program_ids)
    if programs_of_courses and course_ids:
        condition |= Q(pk__in=Program.courses.through.objects.filter(course_id__in=course_ids).values("program_id"))
    programs = (
        as_rows(values_of(Program.objects.filter(condition).order_by("pk"), PROGRAM_FIELDS))
        if (program_ids or (programs_of_courses and course_ids))
        else []
    )
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
    for batch in chunked(list(set(run_ids))):
        found.update(CourseRun.objects.filter(pk__in=batch).values_list("course_id", flat=True))
    return found
