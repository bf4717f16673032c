"""GET courses/ and courses/{key or uuid}/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from course_metadata.api.v1 import conditional, params
from course_metadata.api.v1.filters import CourseFilter
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.courses import CourseSerializer
from course_metadata.api.v1.views.base import EditableMixin, ReadViewSet, as_uuid
from course_metadata.models import Course, ProgramStatus
from course_metadata.selectors import course_runs as run_rules
from course_metadata.selectors.courses import (
    OFFICIAL_COURSES_BY_KEY,
    OFFICIAL_COURSES_BY_UUID,
    RunSelection,
    complete_courses,
    course_rows,
    course_rows_in_order,
    listed_courses,
)
from course_metadata.selectors.editing import editable_course_rows, editable_course_uuids
from course_metadata.selectors.etags import etag_for
from dbkit.rows import Row, as_rows

RUN_FLAGS = [
    params.INCLUDE_HIDDEN_COURSE_RUNS,
    params.MARKETABLE_COURSE_RUNS_ONLY,
    params.MARKETABLE_ENROLLABLE_COURSE_RUNS_WITH_ARCHIVED,
    params.PUBLISHED_COURSE_RUNS_ONLY,
    params.EXCLUDE_UTM,
    params.EDITABLE,
    params.INCLUDE_DELETED_PROGRAMS,
    params.INCLUDE_RETIRED_COURSE_TYPES,
    params.INCLUDE_RESTRICTED,
    params.FIELDS,
    params.OMIT,
]

LIST_DESCRIPTION = """Courses, official rows only unless `editable=1`.

Each course lists its runs: by default those that are not hidden; the `*_course_runs*` flags narrow
them further. `course_run_keys`, `course_run_statuses` and `advertised_course_run_uuid` are computed
from the listed runs. Run availability: *Archived* once the run has ended, *Current* once it has
started, *Starting Soon* when it starts within 60 days, otherwise *Upcoming*.

`skills` and `skill_names` need a skills taxonomy integration that Lyceum does not have: always empty.
`editors` and `watchers` are listed to callers who may edit (with `editable=1`) and empty otherwise.
`q` selects courses with a query string (course-discovery's language, answered by the search layer;
not with `editable=1`); `pubq` those whose key or title contains a text."""


def course_run_selection(request: Any) -> RunSelection:
    return RunSelection(
        include_hidden=params.flag(request, "include_hidden_course_runs"),
        marketable_only=params.flag(request, "marketable_course_runs_only"),
        marketable_enrollable=params.flag(request, "marketable_enrollable_course_runs_with_archived"),
        published_only=params.flag(request, "published_course_runs_only"),
    )


def listed_program_statuses(request: Any, *included: str) -> frozenset[str]:
    """The program statuses a course (``included``: also deleted ones) or a run lists: active always, then
    each status whose ``include_<status>_programs`` flag the request sets."""
    statuses = {ProgramStatus.ACTIVE.value}
    for status in ProgramStatus.values:
        if status in included or params.flag(request, f"include_{status}_programs"):
            statuses.add(status)
    return frozenset(statuses)


def course_validators(course: Row, now: dt.datetime, *, editable: bool) -> tuple[str, dt.datetime]:
    runs = course["runs"]
    nested = [row["data_modified_timestamp"] for row in (*course["owner_rows"], *course["sponsor_rows"])]
    nested += [row["data_modified_timestamp"] for row in course["program_rows"]]
    at = conditional.version(
        [course["data_modified_timestamp"], *(run["data_modified_timestamp"] for run in runs), *nested],
        [instant for run in runs for instant in run_rules.time_thresholds(run)],
        now,
    )
    if editable:
        # Publisher checks If-Match against this tag, so editors get its tag for the row they edit.
        return etag_for(Course.objects.get(pk=course["pk"])), at
    return conditional.version_etag("course", course["uuid"], course["draft"], at), at


@extend_schema_view(
    list=extend_schema(description=LIST_DESCRIPTION, parameters=RUN_FLAGS),
    retrieve=extend_schema(
        description="One course by key (edX+CS101) or UUID, with the same fields and flags as the list. "
        "Answers If-None-Match / If-Modified-Since with 304.",
        parameters=[params.COURSE_LOOKUP, *RUN_FLAGS],
    ),
)
class CourseViewSet(EditableMixin, ReadViewSet):
    serializer_class = CourseSerializer
    filterset_class = CourseFilter
    ordering_fields = ("key", "title", "created", "modified", "data_modified_timestamp")
    ordering = ("key",)
    lookup_field = "key_or_uuid"
    lookup_value_regex = "[^/]+"
    accepted = (params.INCLUDE_RETIRED_COURSE_TYPES, params.INCLUDE_RESTRICTED)

    def get_queryset(self) -> QuerySet:
        """Course models to filter and order; ``page_of`` pages their primary keys, then reads the rows."""
        if self.editable_mode:
            return listed_courses(editable_courses=editable_course_rows(self.request.user))
        return listed_courses()

    def page_of(self, queryset: QuerySet) -> list[Row]:
        # Counting and paging primary keys needs none of the course row's joins: PostgreSQL counts the
        # official courses from an index alone, and skips the rows before the page without joining them.
        return course_rows_in_order(super().page_of(queryset.values_list("pk", flat=True)))

    def lookup_rows(self, value: str) -> list[Any] | None:
        if self.editable_mode:
            return None
        parsed = as_uuid(value)
        return OFFICIAL_COURSES_BY_UUID.fetch([parsed]) if parsed else OFFICIAL_COURSES_BY_KEY.fetch([value])

    def filter_lookup(self, queryset: QuerySet, value: str) -> QuerySet:
        parsed = as_uuid(value)
        return course_rows(queryset.filter(uuid=parsed) if parsed else queryset.filter(key=value))

    def complete(self, objects: list[Any]) -> list[Row]:
        courses = as_rows(objects)
        complete_courses(courses, selection=course_run_selection(self.request), editable=self.editable_mode)
        return courses

    def read_context(self, objects: list[Any]) -> ReadContext:
        context = super().read_context(objects)
        context.editable_mode = self.editable_mode
        # A course lists its programs of every status but deleted (unless include_deleted_programs=1).
        context.listed_program_statuses = listed_program_statuses(
            self.request, ProgramStatus.RETIRED, ProgramStatus.UNPUBLISHED
        )
        context.editable_uuids = editable_course_uuids(self.request.user, {course["uuid"] for course in objects})
        return context

    def validators(self, instance: Row) -> tuple[str, dt.datetime]:
        return course_validators(instance, self.now, editable=self.editable_mode)
