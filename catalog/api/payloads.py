"""Full content payloads for catalogs/{id}/content_metadata/: the read API's representation of each
member, merged with its catalog document, in a fixed number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from catalog.models import ContentMetadata, ContentType
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.course_runs import course_run_with_programs_data
from course_metadata.api.v1.serializers.courses import course_data
from course_metadata.api.v1.serializers.pathways import learner_pathway_data
from course_metadata.api.v1.serializers.programs import program_data
from course_metadata.selectors.courses import complete_course_runs, complete_courses, course_list, course_run_list
from course_metadata.selectors.pathways import learner_pathway_list
from course_metadata.selectors.programs import complete_programs, program_list
from dbkit.json_values import format_datetime
from dbkit.rows import as_rows


def _courses(ids: list[int], context: ReadContext) -> dict[int, dict[str, Any]]:
    courses = as_rows(course_list().filter(pk__in=ids))
    complete_courses(courses)
    return {course.pk: course_data(course, context) for course in courses}


def _course_runs(ids: list[int], context: ReadContext) -> dict[int, dict[str, Any]]:
    runs = complete_course_runs(list(course_run_list().filter(pk__in=ids)))
    return {run.pk: course_run_with_programs_data(run, context) for run in runs}


def _programs(ids: list[int], context: ReadContext) -> dict[int, dict[str, Any]]:
    programs = as_rows(program_list().filter(pk__in=ids))
    complete_programs(programs)
    return {program.pk: program_data(program, context) for program in programs}


def _pathways(ids: list[int], context: ReadContext) -> dict[int, dict[str, Any]]:
    # Only active pathways have a public representation; others keep just their catalog document.
    return {pathway.pk: learner_pathway_data(pathway) for pathway in learner_pathway_list().filter(pk__in=ids)}


Loader = Callable[[list[int], ReadContext], dict[int, dict[str, Any]]]
_LOADERS: dict[str, Loader] = {
    ContentType.COURSE: _courses,
    ContentType.COURSE_RUN: _course_runs,
    ContentType.PROGRAM: _programs,
    ContentType.LEARNER_PATHWAY: _pathways,
}


def content_payloads(contents: Sequence[ContentMetadata], context: ReadContext) -> list[dict[str, Any]]:
    """One payload per content row, in order: the API representation, plus the catalog document's fields
    the representation lacks (``content_type``, ``aggregation_key``, ``org``, ...), plus identity fields."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for content in contents:
        by_type[content.content_type].append(content.object_id)
    loaded = {content_type: _LOADERS[content_type](ids, context) for content_type, ids in by_type.items()}
    payloads = []
    for content in contents:
        representation = loaded[content.content_type].get(content.object_id, {})
        payloads.append(
            {
                **content.document,
                **representation,
                "content_type": content.content_type,
                "content_key": content.content_key,
                "aggregation_key": content.document.get("aggregation_key"),
                "date_updated": format_datetime(content.data_modified_timestamp),
            }
        )
    return payloads
