"""Reads of credit pathways and learner pathways (with every step, node and the data their time estimates use)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from course_metadata.models import (
    Course,
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Pathway,
)
from course_metadata.selectors.course_runs import course_runs
from course_metadata.selectors.nested import program_summary_fields
from dbkit.nested import Nested, columns

PATHWAY_PROGRAMS = Nested(
    "program_rows",
    Pathway.programs.through.objects.all(),
    "pathway_id",
    program_summary_fields("program__", "program_id"),
    ordering=("sort_value",),
)


def pathway_list() -> QuerySet[Pathway]:
    return Pathway.objects.select_related("partner").annotate(**columns("pk", PATHWAY_PROGRAMS))


def _official_runs_of(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=course_runs().official().order_by("start", "pk"))


def _official_runs() -> Prefetch:
    return _official_runs_of("course_runs")


def learner_pathway_course_nodes() -> QuerySet[LearnerPathwayCourse]:
    """Course nodes of official courses, with the official runs their time estimates and run keys read."""
    return (
        LearnerPathwayCourse.objects.filter(course__draft=False)
        .select_related("course", "course__partner")
        .prefetch_related(_official_runs_of("course__course_runs"))
    )


def learner_pathway_program_nodes() -> QuerySet[LearnerPathwayProgram]:
    """Program nodes, with each program's official courses and their official runs."""
    official_courses = Course.objects.official().prefetch_related(_official_runs()).order_by()
    return LearnerPathwayProgram.objects.select_related(
        "program", "program__type", "program__partner"
    ).prefetch_related(Prefetch("program__courses", queryset=official_courses))


def learner_pathway_block_nodes() -> QuerySet[LearnerPathwayBlock]:
    return LearnerPathwayBlock.objects.filter(course__draft=False).select_related("course", "step")


def learner_pathway_steps() -> QuerySet[LearnerPathwayStep]:
    """Steps with their course, program and block nodes (in their order) and what the estimates read."""
    return LearnerPathwayStep.objects.order_by("sort_order", "pk").prefetch_related(
        Prefetch("courses", queryset=learner_pathway_course_nodes()),
        Prefetch("programs", queryset=learner_pathway_program_nodes()),
        Prefetch("blocks", queryset=learner_pathway_block_nodes()),
    )


def learner_pathway_list() -> QuerySet[LearnerPathway]:
    """Active learner pathways, each with its steps and their course, program and block nodes.

    Courses carry their official runs (and programs their courses) because the time estimates read them.
    """
    return LearnerPathway.objects.filter(status=LearnerPathway.Status.ACTIVE).prefetch_related(
        Prefetch("steps", queryset=learner_pathway_steps())
    )


_IN_ACTIVE_PATHWAY = {"step__pathway__status": LearnerPathway.Status.ACTIVE}


def learner_pathway_step_list() -> QuerySet[LearnerPathwayStep]:
    """Steps of active learner pathways (an inactive pathway is unpublished: none of it is shown)."""
    return learner_pathway_steps().filter(pathway__status=LearnerPathway.Status.ACTIVE)


def learner_pathway_course_list() -> QuerySet[LearnerPathwayCourse]:
    return learner_pathway_course_nodes().filter(**_IN_ACTIVE_PATHWAY)


def learner_pathway_program_list() -> QuerySet[LearnerPathwayProgram]:
    return learner_pathway_program_nodes().filter(**_IN_ACTIVE_PATHWAY)


def learner_pathway_block_list() -> QuerySet[LearnerPathwayBlock]:
    return learner_pathway_block_nodes().filter(**_IN_ACTIVE_PATHWAY)


def learner_pathways_containing(*, course_keys: Iterable[str] = (), program_uuids: Iterable[UUID] = ()) -> QuerySet:
    """UUIDs of active learner pathways with a step naming any of these courses or programs."""
    course_keys, program_uuids = list(course_keys), list(program_uuids)
    condition = Q(pk__in=[])
    if course_keys:
        condition |= Exists(
            LearnerPathwayCourse.objects.filter(step__pathway=OuterRef("pk"), course__key__in=course_keys)
        ) | Exists(LearnerPathwayBlock.objects.filter(step__pathway=OuterRef("pk"), course__key__in=course_keys))
    if program_uuids:
        # django-stubs: Q.__or__ takes only a Q, but Django combines any conditional expression into a Q.
        condition |= Exists(  # type: ignore[assignment]
            LearnerPathwayProgram.objects.filter(step__pathway=OuterRef("pk"), program__uuid__in=program_uuids)
        )
    return (
        LearnerPathway.objects.filter(status=LearnerPathway.Status.ACTIVE)
        .filter(condition)
        .order_by("title", "pk")
        .values_list("uuid", flat=True)
    )
