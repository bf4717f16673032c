"""Upserts for ``import_from_discovery``: rows keyed by the incumbent's uuids (and keys), one page at a time.

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
from django.db import DatabaseError, models, transaction
from django.utils.text import slugify

from course_metadata.models import (
    Course,
    CourseEntitlement,
    CourseRun,
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
    Organization,
    Partner,
    Person,
    Program,
    ProgramType,
    Seat,
    SeatType,
    Subject,
)
from course_metadata.services.drafts import draft_rebase_onto_official
from course_metadata.services.course_run_upsert import check_run_belongs
from course_metadata.services.load_outcomes import (
    CREATED,
    DELETED,
    FAILED,
    UNCHANGED,
    UPDATED,
    PageOutcomes,
    assign_changed,
    differs,
)
from course_metadata.services.load_outcomes import clean_row as _clean
from course_metadata.services.subscription_inclusion import subscription_inclusion_update

ERRORS = (ValidationError, DatabaseError, ValueError, TypeError, KeyError)


def _messages(error: Exception) -> str:
    return "; ".join(error.messages) if isinstance(error, ValidationError) else f"{error.__class__.__name__}: {error}"


@dataclass(frozen=True)
class RowImport:
    """One row: its uuid, its own column values (attnames), and sorted many-to-many links by target pk."""

    uuid: str
    values: Mapping[str, Any]
    links: Mapping[str, Sequence[int]] = field(default_factory=dict)
    label: str = ""


def _links_differ(row: models.Model, links: Mapping[str, Sequence[int]]) -> bool:
    return any(list(getattr(row, name).values_list("pk", flat=True)) != list(pks) for name, pks in links.items())


def _set_links(row: models.Model, links: Mapping[str, Sequence[int]]) -> None:
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
            if row is not None and not differs(row, item.values) and not _links_differ(row, item.links):
                outcomes.add(kind, label, UNCHANGED)
                continue
            try:
                with transaction.atomic():
                    if row is None:
                        extra = {"partner": partner} if partner is not None else {}
                        row = model(uuid=item.uuid, **extra, **item.values)
                        _clean(row)
                        row.save()
                        outcome = CREATED
                    else:
                        if assign_changed(row, item.values):
                            _clean(row)
                            row.save()
                        outcome = UPDATED
                    _set_links(row, item.links)
            except ERRORS as error:
                outcomes.add(kind, label, FAILED, _messages(error))
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
            except ERRORS as error:
                outcomes.add("course_type", item.name, FAILED, _messages(error))
    return outcomes


def _upsert_type(
    model: type[models.Model], uuid: str, name: str, kind: str, outcomes: PageOutcomes
) -> tuple[Any, bool]:
    row = _type_match(model, uuid, name)
    if row is None:
        row = model(uuid=uuid, name=name, slug=slugify(name)[:64])
        _clean(row)
        row.save()
        outcomes.add(kind, name, CREATED)
        return row, True
    if assign_changed(row, {"uuid": UUID(uuid)}):
        row.save()
        outcomes.add(kind, name, UPDATED)
    else:
        outcomes.add(kind, name, UNCHANGED)
    return row, False


# --- courses with runs, seats and entitlements ---------------------------------------------------------


@dataclass(frozen=True)
class SeatImport:
    type: str
    currency: str
    credit_provider: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class RunImport:
    uuid: str
    key: str
    values: Mapping[str, Any]
    staff: Sequence[str]
    run_type: str | None
    seats: Sequence[SeatImport]


@dataclass(frozen=True)
class CourseImport:
    uuid: str
    key: str
    values: Mapping[str, Any]
    type: str | None
    owners: Sequence[str]
    sponsors: Sequence[str]
    subjects: Sequence[str]
    topics: Sequence[str]
    runs: Sequence[RunImport]
    entitlements: Sequence[tuple[str, Mapping[str, Any]]]
    canonical_run_key: str | None = None


def courses_import(*, partner: Partner, courses: Sequence[CourseImport]) -> PageOutcomes:
    """Upsert one page of courses, each with its runs, seats and entitlements, keeping uuids and keys."""
    outcomes = PageOutcomes()
    context = _CourseContext.read(partner, courses)
    touched_courses: list[Course] = []
    touched_runs: list[CourseRun] = []
    with transaction.atomic():
        for item in courses:
            try:
                with transaction.atomic():
                    course, course_outcome = _import_course(context, item)
                    changed = course_outcome != UNCHANGED
                    outcomes.add("course", item.key, course_outcome)
                    for run_item in item.runs:
                        run, run_outcome, seats_changed = _import_run(context, course, run_item, outcomes)
                        outcomes.add("course_run", run_item.key, run_outcome)
                        if run_outcome != UNCHANGED or seats_changed:
                            touched_runs.append(run)
                            changed = True
                    changed = _import_entitlements(context, course, item, outcomes) or changed
                    canonical = context.runs.get(item.canonical_run_key or "")
                    if canonical is not None and course.canonical_course_run_id != canonical.pk:
                        course.canonical_course_run = canonical
                        course.save(update_fields=["canonical_course_run"])
                        changed = True
                    if changed:
                        touched_courses.append(course)
            except ERRORS as error:
                outcomes.add("course", item.key, FAILED, _messages(error))
        if touched_courses or touched_runs:
            subscription_inclusion_update(courses=touched_courses, course_runs=touched_runs)
            for touched_course in touched_courses:
                draft_rebase_onto_official(official=touched_course)
            for touched_run in touched_runs:
                draft_rebase_onto_official(official=touched_run)
    return outcomes


@dataclass
class _CourseContext:
    partner: Partner
    courses: dict[str, Course]
    runs: dict[str, CourseRun]
    organizations: dict[str, Organization]
    subjects: dict[str, Subject]
    people: dict[str, Person]
    course_types: dict[str, CourseType]
    run_types: dict[str, CourseRunType]
    seat_types: dict[str, SeatType]

    @classmethod
    def read(cls, partner: Partner, courses: Sequence[CourseImport]) -> _CourseContext:
        run_items = [run for course in courses for run in course.runs]
        org_uuids = {uuid for course in courses for uuid in [*course.owners, *course.sponsors]}
        return cls(
            partner=partner,
            courses={
                str(c.uuid): c
                for c in Course.objects.official()
                .filter(partner=partner, uuid__in=[c.uuid for c in courses])
                .prefetch_related("entitlements", "authoring_organizations", "sponsoring_organizations", "subjects")
            },
            runs={
                r.key: r
                for r in CourseRun.objects.official()
                .filter(key__in=[r.key for r in run_items])
                .select_related("course")
                .prefetch_related("seats", "staff")
            },
            organizations={str(o.uuid): o for o in Organization.objects.filter(partner=partner, uuid__in=org_uuids)},
            subjects={
                str(s.uuid): s
                for s in Subject.objects.filter(partner=partner, uuid__in={u for c in courses for u in c.subjects})
            },
            people={str(p.uuid): p for p in Person.objects.filter(uuid__in={u for r in run_items for u in r.staff})},
            course_types={str(t.uuid): t for t in CourseType.objects.all()},
            run_types={str(t.uuid): t for t in CourseRunType.objects.all()},
            seat_types={s.slug: s for s in SeatType.objects.all()},
        )

    def pks(self, table: Mapping[str, Any], uuids: Sequence[str], what: str) -> list[int]:
        missing = [uuid for uuid in uuids if uuid not in table]
        if missing:
            raise ValidationError(f"unknown {what} {', '.join(missing)} (import them first)")
        return [table[uuid].pk for uuid in uuids]


def _import_course(context: _CourseContext, item: CourseImport) -> tuple[Course, str]:
    values = dict(item.values)
    values["type_id"] = context.course_types[item.type].pk if item.type in context.course_types else None
    links = {
        "authoring_organizations": context.pks(context.organizations, item.owners, "organization"),
        "sponsoring_organizations": context.pks(context.organizations, item.sponsors, "organization"),
        "subjects": context.pks(context.subjects, item.subjects, "subject"),
    }
    course = context.courses.get(item.uuid)
    if course is None:
        _org, plus, number = item.key.partition("+")
        if not plus:
            raise ValidationError(f"{item.key!r} is not a course key (org+number)")
        course = Course(partner=context.partner, uuid=item.uuid, key=item.key, number=number, **values)
        _clean(course)
        course.save()
        outcome = CREATED
    else:
        if course.key != item.key:
            raise ValidationError(f"course {item.uuid} is {course.key} here and {item.key} there; keys never change")
        outcome = UNCHANGED
        if assign_changed(course, values):
            _clean(course)
            course.save()
            outcome = UPDATED
    if _links_differ(course, links):
        _set_links(course, links)
        outcome = UPDATED if outcome == UNCHANGED else outcome
    if sorted(course.topics.names()) != sorted(item.topics):
        course.topics.set(list(item.topics))
        outcome = UPDATED if outcome == UNCHANGED else outcome
    context.courses[item.uuid] = course
    return course, outcome


def _import_run(
    context: _CourseContext, course: Course, item: RunImport, outcomes: PageOutcomes
) -> tuple[CourseRun, str, bool]:
    check_run_belongs(course, item.key)
    values = dict(item.values)
    values["type_id"] = context.run_types[item.run_type].pk if item.run_type in context.run_types else None
    staff = context.pks(context.people, item.staff, "person")
    run = context.runs.get(item.key)
    if run is None:
        run = CourseRun(course=course, uuid=item.uuid, key=item.key, **values)
        _clean(run)
        run.save()
        outcome = CREATED
    else:
        if run.course_id != course.pk:
            raise ValidationError(f"run {item.key} belongs to {run.course.key} here")
        outcome = UNCHANGED
        if assign_changed(run, values):
            _clean(run)
            run.save()
            outcome = UPDATED
    if list(run.staff.values_list("pk", flat=True)) != staff:
        run.staff.set(staff)
        outcome = UPDATED if outcome == UNCHANGED else outcome
    context.runs[item.key] = run
    return run, outcome, _import_seats(context, run, item.seats, outcomes)


def _import_seats(context: _CourseContext, run: CourseRun, seats: Sequence[SeatImport], outcomes: PageOutcomes) -> bool:
    existing = {(s.type_id, s.currency, s.credit_provider): s for s in run.seats.all()}
    listed = set()
    changed = False
    for item in seats:
        seat_type = context.seat_types.get(item.type)
        label = f"{run.key} {item.type} {item.currency}"
        if seat_type is None:
            outcomes.add("seat", label, FAILED, f"unknown seat type {item.type!r}")
            continue
        natural_key = (seat_type.pk, item.currency, item.credit_provider)
        listed.add(natural_key)
        seat = existing.get(natural_key)
        if seat is None:
            seat = Seat(
                course_run=run,
                type=seat_type,
                currency=item.currency,
                credit_provider=item.credit_provider,
                **item.values,
            )
            _clean(seat)
            seat.save()
            outcomes.add("seat", label, CREATED)
            changed = True
        elif assign_changed(seat, item.values):
            _clean(seat)
            seat.save()
            outcomes.add("seat", label, UPDATED)
            changed = True
        else:
            outcomes.add("seat", label, UNCHANGED)
    for natural_key, seat in existing.items():
        if natural_key not in listed:
            seat.delete()
            outcomes.add("seat", f"{run.key} {seat.type_id}", DELETED)
            changed = True
    return changed


def _import_entitlements(context: _CourseContext, course: Course, item: CourseImport, outcomes: PageOutcomes) -> bool:
    existing = {e.mode_id: e for e in course.entitlements.all()} if course.pk else {}
    changed = False
    for mode_slug, values in item.entitlements:
        mode = context.seat_types.get(mode_slug)
        label = f"{course.key} {mode_slug}"
        if mode is None:
            outcomes.add("entitlement", label, FAILED, f"unknown mode {mode_slug!r}")
            continue
        entitlement = existing.pop(mode.pk, None)
        if entitlement is None:
            entitlement = CourseEntitlement(course=course, mode=mode, **values)
            _clean(entitlement)
            entitlement.save()
            outcomes.add("entitlement", label, CREATED)
            changed = True
        elif assign_changed(entitlement, values):
            _clean(entitlement)
            entitlement.save()
            outcomes.add("entitlement", label, UPDATED)
            changed = True
        else:
            outcomes.add("entitlement", label, UNCHANGED)
    for entitlement in existing.values():
        entitlement.delete()
        outcomes.add("entitlement", f"{course.key} {entitlement.mode_id}", DELETED)
        changed = True
    return changed


# --- programs ------------------------------------------------------------------------------------------


def program_type_pk(name: str, slug: str) -> int | None:
    program_type = ProgramType.objects.filter(slug=slug).first() or ProgramType.objects.filter(name=name).first()
    return program_type.pk if program_type is not None else None


def programs_import(
    *, partner: Partner, rows: Sequence[RowImport], model: type[Program] = Program
) -> tuple[PageOutcomes, dict[str, Any]]:
    """Upsert programs (or degrees, ``model=Degree``) by uuid with their courses and organizations."""

    def flags(programs: list[Program]) -> None:
        subscription_inclusion_update(programs=programs)

    if not rows:
        return PageOutcomes(), {}
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
        .filter(uuid__in={uuid for c in curricula for uuid, _ in c.courses})
        .values_list("uuid", "pk")
    }
    program_pks: dict[str, int] = {
        str(uuid): pk
        for uuid, pk in Program.objects.filter(
            uuid__in={uuid for c in curricula for uuid, _ in c.programs}
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
                    curriculum.save()
                    outcome = CREATED
                elif assign_changed(curriculum, values):
                    _clean(curriculum)
                    curriculum.save()
                    outcome = UPDATED
                wanted_courses = [(course_pks[uuid], active) for uuid, active in item.courses if uuid in course_pks]
                have = [(m.course_id, m.is_active) for m in curriculum.course_memberships.order_by("pk")]
                if have != wanted_courses:
                    curriculum.course_memberships.all().delete()
                    for course_id, active in wanted_courses:
                        CurriculumCourseMembership.objects.create(
                            curriculum=curriculum, course_id=course_id, is_active=active
                        )
                    outcome = UPDATED if outcome == UNCHANGED else outcome
                wanted_programs = [(program_pks[uuid], active) for uuid, active in item.programs if uuid in program_pks]
                have = [(m.program_id, m.is_active) for m in curriculum.program_memberships.order_by("pk")]
                if have != wanted_programs:
                    curriculum.program_memberships.all().delete()
                    for program_id, active in wanted_programs:
                        CurriculumProgramMembership.objects.create(
                            curriculum=curriculum, program_id=program_id, is_active=active
                        )
                    outcome = UPDATED if outcome == UNCHANGED else outcome
                missing = [u for u, _ in item.courses if u not in course_pks] + [
                    u for u, _ in item.programs if u not in program_pks
                ]
                if missing:
                    raise ValidationError(f"members not imported: {', '.join(missing)}")
        except ERRORS as error:
            outcomes.add("curriculum", item.uuid, FAILED, _messages(error))
            continue
        outcomes.add("curriculum", item.uuid, outcome)
    return outcomes


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
            partner=partner, key__in={k for p in pathways for s in p.steps for k, _, _ in s.blocks}
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
                    pathway.save()
                    outcome = CREATED
                elif assign_changed(pathway, item.values):
                    _clean(pathway)
                    pathway.save()
                    outcome = UPDATED
                if _pathway_steps(pathway, item.steps, courses, programs, by_key):
                    outcome = UPDATED if outcome == UNCHANGED else outcome
        except ERRORS as error:
            outcomes.add("learner_pathway", item.uuid, FAILED, _messages(error))
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
        missing += [key for key, _, _ in item.blocks if key not in by_key]
        if missing:
            raise ValidationError(f"step {item.uuid}: not imported: {', '.join(missing)}")
        step = existing.pop(item.uuid, None)
        values = {"min_requirement": item.min_requirement, "sort_order": order}
        if step is None:
            step = LearnerPathwayStep(uuid=item.uuid, pathway=pathway, **values)
            _clean(step)
            step.save()
            changed = True
        elif assign_changed(step, values):
            _clean(step)
            step.save()
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
