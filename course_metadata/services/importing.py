"""Upserts for ``import_from_discovery``: rows keyed by the incumbent's uuids (and keys), one page at a time.

Courses with their runs and what they sell are in ``importing_courses``; this module has the plain rows
(organizations, subjects, topics, people), types, programs, degrees, curricula and learner pathways.

Like ``course_metadata.services.loading``: one read of the page's existing rows, one savepoint per item
that changes something, nothing written for an item equal to what is stored, and official rows only
(with the draft rebased where one is being edited).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from course_metadata.models import (
    Course,
    CourseRunType,
    CourseType,
    Curriculum,
    CurriculumCourseMembership,
    CurriculumProgramMembership,
    Degree,
    DegreeCost,
    DegreeSpecialization,
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Partner,
    Program,
    ProgramType,
    SeatType,
)
from course_metadata.services.load_outcomes import (
    CREATED,
    FAILED,
    ITEM_ERRORS,
    UNCHANGED,
    UPDATED,
    PageOutcomes,
    assign_changed,
    differs,
    error_messages,
)
from course_metadata.services.load_outcomes import clean_row as _clean
from course_metadata.services.program_skills import program_skill_inputs, program_skills_announce
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update


@dataclass(frozen=True)
class RowImport:
    """One row: its uuid, its own column values (attnames), and sorted many-to-many links by target pk."""

    uuid: str
    values: Mapping[str, Any]
    links: Mapping[str, Sequence[int]] = field(default_factory=dict)
    label: str = ""


def links_differ(row: models.Model, links: Mapping[str, Sequence[int]]) -> bool:
    """Whether the row's many-to-many links differ from ``links`` (read from the prefetch when there is one)."""
    return any([target.pk for target in getattr(row, name).all()] != list(pks) for name, pks in links.items())


def set_links(row: models.Model, links: Mapping[str, Sequence[int]]) -> None:
    for name, pks in links.items():
        if list(getattr(row, name).values_list("pk", flat=True)) != list(pks):
            getattr(row, name).set(list(pks))


def rows_import(
    *,
    kind: str,
    model: type[models.Model],
    partner: Partner | None,
    rows: Sequence[RowImport],
    after_write: Callable[[list[Any]], None] | None = None,
) -> tuple[PageOutcomes, dict[str, Any]]:
    """Create or update rows of ``model`` by uuid (within the partner, when the model has one).

    Returns the outcomes and every row of the page by uuid (for the links of later steps). ``after_write``
    gets the rows created or changed, inside the page's transaction (for derived flags).
    """
    outcomes = PageOutcomes()
    manager: Any = model._default_manager
    existing_rows = manager.filter(uuid__in=[row.uuid for row in rows])
    if partner is not None:
        existing_rows = existing_rows.filter(partner=partner)
    if hasattr(model, "draft"):
        existing_rows = existing_rows.filter(draft=False)
    existing = {str(row.uuid): row for row in existing_rows}
    written: list[Any] = []
    with transaction.atomic():
        for item in rows:
            label = item.label or item.uuid
            row = existing.get(item.uuid)
            if row is not None and not differs(row, item.values) and not links_differ(row, item.links):
                outcomes.add(kind, label, UNCHANGED)
                continue
            try:
                with transaction.atomic():
                    if row is None:
                        extra = {"partner": partner} if partner is not None else {}
                        row = model(uuid=item.uuid, **extra, **item.values)
                        _clean(row)
                        row_save(row)
                        outcome = CREATED
                    else:
                        if assign_changed(row, item.values):
                            _clean(row)
                            row_save(row)
                        outcome = UPDATED
                    set_links(row, item.links)
            except ITEM_ERRORS as error:
                outcomes.add(kind, label, FAILED, error_messages(error))
                continue
            existing[item.uuid] = row
            written.append(row)
            outcomes.add(kind, label, outcome)
        if after_write is not None and written:
            after_write(written)
    return outcomes, existing


# --- types ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeImport:
    """A course type from the incumbent's type options, with its run types: (uuid, name, seat type slugs)."""

    uuid: str
    name: str
    entitlement_types: Sequence[str]
    run_types: Sequence[tuple[str, str]]


def _type_match(model: type[models.Model], uuid: str, name: str) -> Any:
    manager: Any = model._default_manager
    return manager.filter(uuid=uuid).first() or manager.filter(name=name).first()


def course_types_import(*, types: Sequence[TypeImport]) -> PageOutcomes:
    """Match the incumbent's course and run types to ours by uuid, then by name, and take its uuids.

    Types we do not have are created (run types without tracks: the incumbent's options name no modes we
    could trust); a type we have under another uuid takes the incumbent's, so courses keep pointing at it.
    """
    outcomes = PageOutcomes()
    seat_types = {seat_type.slug: seat_type for seat_type in SeatType.objects.all()}
    with transaction.atomic():
        for item in types:
            try:
                with transaction.atomic():
                    run_types = [
                        _upsert_type(CourseRunType, run_uuid, run_name, "course_run_type", outcomes)[0]
                        for run_uuid, run_name in item.run_types
                    ]
                    course_type, created = _upsert_type(CourseType, item.uuid, item.name, "course_type", outcomes)
                    if created:
                        course_type.course_run_types.set(run_types)
                        course_type.entitlement_types.set(
                            [seat_types[slug] for slug in item.entitlement_types if slug in seat_types]
                        )
            except ITEM_ERRORS as error:
                outcomes.add("course_type", item.name, FAILED, error_messages(error))
    return outcomes


def _upsert_type(
    model: type[models.Model], uuid: str, name: str, kind: str, outcomes: PageOutcomes
) -> tuple[Any, bool]:
    row = _type_match(model, uuid, name)
    if row is None:
        row = model(uuid=uuid, name=name, slug=slugify(name)[:64])
        _clean(row)
        row_save(row)
        outcomes.add(kind, name, CREATED)
        return row, True
    if assign_changed(row, {"uuid": UUID(uuid)}):
        row_save(row)
        outcomes.add(kind, name, UPDATED)
    else:
        outcomes.add(kind, name, UNCHANGED)
    return row, False


# --- programs ------------------------------------------------------------------------------------------


def program_type_pk(name: str, slug: str) -> int | None:
    program_type = ProgramType.objects.filter(slug=slug).first() or ProgramType.objects.filter(name=name).first()
    return program_type.pk if program_type is not None else None


def programs_import(
    *, partner: Partner, rows: Sequence[RowImport], model: type[Program] = Program
) -> tuple[PageOutcomes, dict[str, Any]]:
    """Upsert programs (or degrees, ``model=Degree``) by uuid with their courses and organizations.

    An importer is a program writer like the others: a program created active, published, or whose overview
    changed asks for skill tagging after the commit (course_metadata.services.program_skills).
    """
    if not rows:
        return PageOutcomes(), {}
    before = program_skill_inputs(
        model.objects.filter(partner=partner, uuid__in=[row.uuid for row in rows]).values_list("pk", flat=True)
    )

    def flags(programs: list[Program]) -> None:
        subscription_inclusion_update(programs=programs)
        program_skills_announce(before=before, programs=programs)

    return rows_import(kind="program", model=model, partner=partner, rows=rows, after_write=flags)


# --- degrees, curricula, learner pathways ---------------------------------------------------------------


@dataclass(frozen=True)
class CurriculumImport:
    uuid: str
    values: Mapping[str, Any]
    courses: Sequence[tuple[str, bool]]  # (course uuid, membership active)
    programs: Sequence[tuple[str, bool]]  # (program uuid, membership active)


def degree_details_import(*, degree: Degree, costs: Sequence[tuple[str, str]], specializations: Sequence[str]) -> bool:
    """Make a degree's costs and specializations exactly these (replaced only when they differ)."""
    changed = False
    if [(c.description, c.amount) for c in degree.costs.order_by("pk")] != list(costs):
        degree.costs.all().delete()
        for description, amount in costs:
            DegreeCost.objects.create(degree=degree, description=description, amount=amount)
        changed = True
    if [s.value for s in degree.specializations.order_by("pk")] != list(specializations):
        degree.specializations.all().delete()
        for value in specializations:
            DegreeSpecialization.objects.create(degree=degree, value=value)
        changed = True
    return changed


def curricula_import(*, program: Program, curricula: Sequence[CurriculumImport]) -> PageOutcomes:
    """Upsert a program's curricula by uuid with their course and program memberships."""
    outcomes = PageOutcomes()
    course_pks: dict[str, int] = {
        str(uuid): pk
        for uuid, pk in Course.objects.official()
        .filter(uuid__in={uuid for c in curricula for uuid, _unused in c.courses})
        .values_list("uuid", "pk")
    }
    program_pks: dict[str, int] = {
        str(uuid): pk
        for uuid, pk in Program.objects.filter(
            uuid__in={uuid for c in curricula for uuid, _unused in c.programs}
        ).values_list("uuid", "pk")
    }
    existing = {str(c.uuid): c for c in Curriculum.objects.filter(uuid__in=[c.uuid for c in curricula])}
    for item in curricula:
        try:
            with transaction.atomic():
                curriculum = existing.get(item.uuid)
                outcome = UNCHANGED
                values = {**item.values, "program_id": program.pk}
                if curriculum is None:
                    curriculum = Curriculum(uuid=item.uuid, **values)
                    _clean(curriculum)
                    row_save(curriculum)
                    outcome = CREATED
                elif assign_changed(curriculum, values):
                    _clean(curriculum)
                    row_save(curriculum)
                    outcome = UPDATED
                memberships = (
                    (CurriculumCourseMembership, "course_id", item.courses, course_pks),
                    (CurriculumProgramMembership, "program_id", item.programs, program_pks),
                )
                for model, column, members, pks in memberships:
                    wanted = [(pks[uuid], active) for uuid, active in members if uuid in pks]
                    if _memberships_replace(model, curriculum, column, wanted):
                        outcome = UPDATED if outcome == UNCHANGED else outcome
                missing = [u for u, _unused in item.courses if u not in course_pks] + [
                    u for u, _unused in item.programs if u not in program_pks
                ]
                if missing:
                    raise ValidationError(_("members not imported: %(missing)s") % {"missing": ", ".join(missing)})
        except ITEM_ERRORS as error:
            outcomes.add("curriculum", item.uuid, FAILED, error_messages(error))
            continue
        outcomes.add("curriculum", item.uuid, outcome)
    return outcomes


def _memberships_replace(
    model: type[models.Model], curriculum: Curriculum, column: str, wanted: Sequence[tuple[int, bool]]
) -> bool:
    """Make the curriculum's memberships of one kind exactly ``wanted`` (member pk, active), in order."""
    manager: Any = model._default_manager
    rows = manager.filter(curriculum=curriculum)
    if list(rows.order_by("pk").values_list(column, "is_active")) == list(wanted):
        return False
    rows.delete()
    for member_pk, active in wanted:
        row_save(model(curriculum=curriculum, is_active=active, **{column: member_pk}))
    return True


@dataclass(frozen=True)
class StepImport:
    uuid: str
    min_requirement: int
    courses: Sequence[str]  # course uuids
    programs: Sequence[str]  # program uuids
    blocks: Sequence[tuple[str, str, float]]  # (course key, block id, estimated hours)


@dataclass(frozen=True)
class PathwayImport:
    uuid: str
    values: Mapping[str, Any]
    steps: Sequence[StepImport]


def learner_pathways_import(*, partner: Partner, pathways: Sequence[PathwayImport]) -> PageOutcomes:
    """Upsert learner pathways by uuid, their steps by uuid, and each step's nodes in order."""
    outcomes = PageOutcomes()
    courses = {
        str(c.uuid): c
        for c in Course.objects.official().filter(
            partner=partner, uuid__in={u for p in pathways for s in p.steps for u in s.courses}
        )
    }
    by_key = {
        c.key: c
        for c in Course.objects.official().filter(
            partner=partner, key__in={k for p in pathways for s in p.steps for k, *_rest in s.blocks}
        )
    }
    programs = {
        str(p.uuid): p
        for p in Program.objects.filter(
            partner=partner, uuid__in={u for p in pathways for s in p.steps for u in s.programs}
        )
    }
    existing = {
        str(p.uuid): p
        for p in LearnerPathway.objects.filter(uuid__in=[p.uuid for p in pathways]).prefetch_related("steps")
    }
    for item in pathways:
        try:
            with transaction.atomic():
                pathway = existing.get(item.uuid)
                outcome = UNCHANGED
                if pathway is None:
                    pathway = LearnerPathway(uuid=item.uuid, partner=partner, **item.values)
                    _clean(pathway)
                    row_save(pathway)
                    outcome = CREATED
                elif assign_changed(pathway, item.values):
                    _clean(pathway)
                    row_save(pathway)
                    outcome = UPDATED
                if _pathway_steps(pathway, item.steps, courses, programs, by_key):
                    outcome = UPDATED if outcome == UNCHANGED else outcome
        except ITEM_ERRORS as error:
            outcomes.add("learner_pathway", item.uuid, FAILED, error_messages(error))
            continue
        outcomes.add("learner_pathway", item.uuid, outcome)
    return outcomes


def _pathway_steps(
    pathway: LearnerPathway,
    steps: Sequence[StepImport],
    courses: Mapping[str, Course],
    programs: Mapping[str, Program],
    by_key: Mapping[str, Course],
) -> bool:
    changed = False
    existing = {str(step.uuid): step for step in pathway.steps.all()}
    for order, item in enumerate(steps):
        missing = [u for u in item.courses if u not in courses] + [u for u in item.programs if u not in programs]
        missing += [key for key, *_rest in item.blocks if key not in by_key]
        if missing:
            raise ValidationError(
                _("step %(uuid)s: not imported: %(missing)s") % {"uuid": item.uuid, "missing": ", ".join(missing)}
            )
        step = existing.pop(item.uuid, None)
        values = {"min_requirement": item.min_requirement, "sort_order": order}
        if step is None:
            step = LearnerPathwayStep(uuid=item.uuid, pathway=pathway, **values)
            _clean(step)
            row_save(step)
            changed = True
        elif assign_changed(step, values):
            _clean(step)
            row_save(step)
            changed = True
        wanted_courses = [courses[u].pk for u in item.courses]
        if [n.course_id for n in step.courses.order_by("sort_order", "pk")] != wanted_courses:
            step.courses.all().delete()
            for i, pk in enumerate(wanted_courses):
                LearnerPathwayCourse.objects.create(step=step, course_id=pk, sort_order=i)
            changed = True
        wanted_programs = [programs[u].pk for u in item.programs]
        if [n.program_id for n in step.programs.order_by("sort_order", "pk")] != wanted_programs:
            step.programs.all().delete()
            for i, pk in enumerate(wanted_programs):
                LearnerPathwayProgram.objects.create(step=step, program_id=pk, sort_order=i)
            changed = True
        wanted_blocks = [(by_key[key].pk, block_id, hours) for key, block_id, hours in item.blocks]
        have = [(n.course_id, n.block_id, n.estimated_hours) for n in step.blocks.order_by("sort_order", "pk")]
        if have != wanted_blocks:
            step.blocks.all().delete()
            for i, (course_id, block_id, hours) in enumerate(wanted_blocks):
                LearnerPathwayBlock.objects.create(
                    step=step, course_id=course_id, block_id=block_id, estimated_hours=hours, sort_order=i
                )
            changed = True
    for stale in existing.values():
        stale.delete()
        changed = True
    return changed
