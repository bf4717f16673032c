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
from course_metadata.services.loading import (
    CREATED,
    DELETED,
    FAILED,
    UNCHANGED,
    UPDATED,
    PageOutcomes,
    _clean,
    assign_changed,
    check_run_belongs,
    differs,
)
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


def programs_import(*, partner: Partner, rows: Sequence[RowImport]) -> tuple[PageOutcomes, dict[str, Any]]:
    def flags(programs: list[Program]) -> None:
        subscription_inclusion_update(programs=programs)

    return rows_import(kind="program", model=Program, partner=partner, rows=rows, after_write=flags)
