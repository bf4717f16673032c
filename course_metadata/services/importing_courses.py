"""Upserts of the incumbent's courses for ``import_from_discovery``: each with its runs, seats and entitlements.

One page of courses at a time: every row the page touches is read first (``_CourseContext``: courses with
their entitlements and links, runs with their seats and staff, organizations, subjects, people, types), each
course is written in its own savepoint (a bad course is reported and the rest of the page lands), and only
values that differ are saved. Seats and entitlements go through ``course_metadata.services.offers``, the
sync the e-commerce loader uses. Official rows only; drafts are rebased where one is being edited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from course_metadata.models import (
    Course,
    CourseRun,
    CourseRunType,
    CourseType,
    Organization,
    Partner,
    Person,
    SeatType,
    Subject,
)
from course_metadata.services.course_run_upsert import check_run_belongs
from course_metadata.services.drafts import draft_rebase_onto_official
from course_metadata.services.importing import links_differ, set_links
from course_metadata.services.load_outcomes import (
    DELETED,
    FAILED,
    ITEM_ERRORS,
    UNCHANGED,
    UPDATED,
    PageOutcomes,
    row_write,
)
from course_metadata.services.offers import SeatOffer, course_entitlement_write, offer_problem, run_seats_sync
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update


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
                        row_save(course, update_fields=["canonical_course_run"])
                        changed = True
                    if changed:
                        touched_courses.append(course)
            except ITEM_ERRORS as error:
                outcomes.fail("course", item.key, error)
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
            raise ValidationError(
                _("unknown %(what)s %(missing)s (import them first)") % {"what": what, "missing": ", ".join(missing)}
            )
        return [table[uuid].pk for uuid in uuids]


def _import_course(context: _CourseContext, item: CourseImport) -> tuple[Course, str]:
    values = dict(item.values)
    values["type_id"] = context.course_types[item.type].pk if item.type in context.course_types else None
    links = {
        "authoring_organizations": context.pks(context.organizations, item.owners, "organization"),
        "sponsoring_organizations": context.pks(context.organizations, item.sponsors, "organization"),
        "subjects": context.pks(context.subjects, item.subjects, "subject"),
    }
    stored = context.courses.get(item.uuid)
    _org, plus, number = item.key.partition("+")
    if stored is None and not plus:
        raise ValidationError(_("%(key)r is not a course key (org+number)") % {"key": item.key})
    if stored is not None and stored.key != item.key:
        raise ValidationError(
            _("course %(uuid)s is %(key)s here and %(key_2)s there; keys never change")
            % {"uuid": item.uuid, "key": stored.key, "key_2": item.key}
        )
    course, outcome = row_write(
        stored,
        lambda: Course(partner=context.partner, uuid=item.uuid, key=item.key, number=number, **values),
        values,
    )
    if links_differ(course, links):
        set_links(course, links)
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
    stored = context.runs.get(item.key)
    if stored is not None and stored.course_id != course.pk:
        raise ValidationError(
            _("run %(key)s belongs to %(key_2)s here") % {"key": item.key, "key_2": stored.course.key}
        )
    run, outcome = row_write(stored, lambda: CourseRun(course=course, uuid=item.uuid, key=item.key, **values), values)
    if [person.pk for person in run.staff.all()] != staff:
        run.staff.set(staff)
        outcome = UPDATED if outcome == UNCHANGED else outcome
    context.runs[item.key] = run
    return run, outcome, _import_seats(context, run, item.seats, outcomes)


def _import_seats(context: _CourseContext, run: CourseRun, seats: Sequence[SeatImport], outcomes: PageOutcomes) -> bool:
    offers = [SeatOffer(seat.type, seat.currency, seat.credit_provider, seat.values) for seat in seats]
    return run_seats_sync(run=run, offers=offers, seat_types=context.seat_types, outcomes=outcomes)


def _import_entitlements(context: _CourseContext, course: Course, item: CourseImport, outcomes: PageOutcomes) -> bool:
    existing = {e.mode_id: e for e in course.entitlements.all()} if course.pk else {}
    changed = False
    for mode_slug, values in item.entitlements:
        label = f"{course.key} {mode_slug}"
        problem = offer_problem(context.seat_types, mode_slug, values.get("currency", "USD"))
        if problem:
            outcomes.add("entitlement", label, FAILED, problem.replace("seat type", "mode"))
            continue
        mode = context.seat_types[mode_slug]
        entitlement = existing.pop(mode.pk, None)
        changed |= course_entitlement_write(
            course=course, mode=mode, entitlement=entitlement, values=values, label=label, outcomes=outcomes
        )
    for entitlement in existing.values():
        entitlement.delete()
        outcomes.add("entitlement", f"{course.key} {entitlement.mode_id}", DELETED)
        changed = True
    return changed
