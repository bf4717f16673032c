"""Writes from the loaders (LMS, e-commerce): official rows, page by page, only what differs.

Each function takes one page of a source's items, reads the rows they touch in a constant number of
set-based queries (plain values first: an item equal to what is stored costs nothing more), and writes
inside one transaction per page; a bad item is reported with its reason and the rest of the page still
commits. A row is saved only when one of its values differs: an unchanged source writes nothing, so no
timestamp moves and the change log gets no entry (ADR 0020, 0021).

Courses and runs are written by ``course_metadata.services.course_run_upsert``, the one way a source
creates or updates runs (Studio's events use it too); seats and entitlements by the sync of
``course_metadata.services.offers``, shared with the importer. Where an official row has a draft being
edited, what changed is rebased into the draft where the editor has not touched it
(``draft_rebase_onto_official``); the editor's own changes stay, and ADR 0030's merge reports conflicts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Model, Q

from course_metadata.models import Course, CourseEntitlement, CourseRun, Partner, Seat, SeatType
from course_metadata.services.course_run_upsert import RunInput, check_run_belongs, course_runs_upsert
from course_metadata.services.course_types import CourseTypeShape, course_type_fit, course_type_shapes
from course_metadata.services.drafts import draft_rebase_onto_official
from course_metadata.services.load_outcomes import (
    CREATED,
    DELETED,
    FAILED,
    ITEM_ERRORS,
    UNCHANGED,
    UPDATED,
    Outcome,
    PageOutcomes,
    assign_changed,
    differs,
    rows_insert,
    rows_update,
)
from course_metadata.services.offers import (
    Pending,
    RunRef,
    SeatOffer,
    course_entitlement_write,
    offer_problem,
    run_seats_sync,
)

# --- courses and runs ----------------------------------------------------------------------------------


def course_runs_load(*, partner: Partner, inputs: Sequence[RunInput]) -> PageOutcomes:
    """Create or update the official courses and runs of one page of a source (``course_runs_upsert``)."""
    return course_runs_upsert(partner=partner, inputs=inputs).outcomes


# --- seats ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatInput:
    """One product sold for a run: its natural key (seat type slug, currency, credit provider) and values."""

    seat_type: str
    currency: str
    credit_provider: str
    price: Decimal
    sku: str
    upgrade_deadline: dt.datetime | None
    credit_hours: int | None

    def offer(self) -> SeatOffer:
        values = {
            "price": self.price,
            "sku": self.sku,
            "upgrade_deadline": self.upgrade_deadline,
            "credit_hours": self.credit_hours,
        }
        return SeatOffer(self.seat_type, self.currency, self.credit_provider, values)


SEAT_VALUES = ("price", "sku", "upgrade_deadline", "credit_hours")


def course_run_seats_load(
    *,
    partner: Partner,
    offers: Mapping[str, Sequence[SeatInput]],
    shapes: Sequence[CourseTypeShape] | None = None,
) -> PageOutcomes:
    """Make the seats of each run (by key) exactly ``offers[key]``: create, update, delete official seats.

    The page's runs and seats are first read as plain values. Runs whose seats differ only by new or
    changed seats are not read as rows: their stored seats are (one query), and the new and changed seats
    join one bulk INSERT and one bulk UPDATE. A run with a draft or a seat to delete is read as a row and
    written on its own.
    """
    outcomes = PageOutcomes()
    seat_types = {seat_type.slug: seat_type for seat_type in SeatType.objects.all()}
    run_pks: dict[str, int] = {}
    run_courses: dict[int, int] = {}
    with_draft: set[int] = set()
    for key, pk, course_id, draft_version_id in (
        CourseRun.objects.official()
        .filter(key__in=list(offers), course__partner=partner)
        .values_list("key", "pk", "course_id", "draft_version_id")
    ):
        run_pks[key] = pk
        run_courses[pk] = course_id
        if draft_version_id is not None:
            with_draft.add(pk)
    stored: dict[int, dict[tuple[int, str, str], tuple]] = defaultdict(dict)
    for run_id, type_id, currency, provider, *values in Seat.objects.filter(
        course_run_id__in=run_pks.values()
    ).values_list("course_run_id", "type_id", "currency", "credit_provider", *SEAT_VALUES):
        stored[run_id][(type_id, currency, provider)] = tuple(values)
    changed_keys = []
    for key, seat_inputs in offers.items():
        if key not in run_pks:
            outcomes.add("seat", key, FAILED, f"no course run {key} (the LMS has not listed it yet?)")
        elif _seats_unchanged(stored[run_pks[key]], seat_inputs, seat_types):
            outcomes.items.extend(
                Outcome("seat", f"{key} {seat.seat_type} {seat.currency}", UNCHANGED) for seat in seat_inputs
            )
        else:
            changed_keys.append(key)
    if not changed_keys:
        return outcomes
    # A run with a draft to rebase or a seat to delete writes on its own and is read as a row; the others
    # (every run of a first load) only add and change seats: their stored seats are read, not their rows.
    one_by_one = {
        key
        for key in changed_keys
        if run_pks[key] in with_draft
        or set(stored[run_pks[key]]) - {_natural_key(seat, seat_types) for seat in offers[key]}
    }
    runs = {
        run.key: run
        for run in CourseRun.objects.filter(pk__in=[run_pks[key] for key in one_by_one]).prefetch_related("seats")
    }
    seats: dict[int, list[Seat]] = defaultdict(list)
    with_seats = [run_pks[key] for key in changed_keys if key not in one_by_one and stored[run_pks[key]]]
    for seat in Seat.objects.filter(course_run_id__in=with_seats):
        seats[seat.course_run_id].append(seat)
    pending: Pending = []
    updated: Pending = []
    with transaction.atomic():
        for key in changed_keys:
            seat_offers = [seat.offer() for seat in offers[key]]
            if key in one_by_one:
                _run_seats_write(runs[key], seat_offers, seat_types, outcomes, pending)
                continue
            # Only new and changed seats: no statement here, they join the page's bulk INSERT and UPDATE.
            run_pending: Pending = []
            run_updated: Pending = []
            try:
                run_seats_sync(
                    run=RunRef(run_pks[key], key),
                    offers=seat_offers,
                    seat_types=seat_types,
                    outcomes=outcomes,
                    pending=run_pending,
                    updated=run_updated,
                    seats=seats[run_pks[key]],
                )
            except ITEM_ERRORS as error:
                outcomes.fail("seat", key, error)
                continue
            pending.extend(run_pending)
            updated.extend(run_updated)
        _bulk_write(Seat, "seat", pending, updated, set(SEAT_VALUES), outcomes)
        # Courses whose runs all sell something now are typed in this transaction (see ADR 0124), so a first
        # load writes a course and its runs once here rather than again in the type match's transaction.
        course_ids = sorted({run_courses[run_pks[key]] for key in changed_keys})
        _match_chunk(course_ids, course_type_shapes() if shapes is None else shapes, outcomes, seated_only=True)
    return outcomes


def _natural_key(seat: SeatInput, seat_types: Mapping[str, SeatType]) -> tuple[int, str, str] | None:
    seat_type = seat_types.get(seat.seat_type)
    return (seat_type.pk, seat.currency, seat.credit_provider) if seat_type is not None else None


def _run_seats_write(
    run: CourseRun,
    seat_offers: Sequence[SeatOffer],
    seat_types: Mapping[str, SeatType],
    outcomes: PageOutcomes,
    pending: Pending,
) -> None:
    try:
        with transaction.atomic():
            # A run without a draft still leaves its new seats to the page's bulk insert.
            deferred = None if run.draft_version_id else pending
            if run_seats_sync(run=run, offers=seat_offers, seat_types=seat_types, outcomes=outcomes, pending=deferred):
                draft_rebase_onto_official(official=run)
    except ITEM_ERRORS as error:
        outcomes.fail("seat", run.key, error)


def _bulk_write(
    model: type[Model], kind: str, pending: Pending, updated: Pending, attnames: set[str], outcomes: PageOutcomes
) -> None:
    """The page's new rows in one change-tracked bulk INSERT and its changed rows (``attnames``) in one bulk
    UPDATE; each reported created, updated or failed."""
    failures = {id(row): error for row, error in rows_insert(model, [row for row, _ in pending])}
    failures.update((id(row), error) for row, error in rows_update(model, [row for row, _ in updated], attnames))
    for rows, outcome in ((pending, CREATED), (updated, UPDATED)):
        for row, label in rows:
            if id(row) in failures:
                outcomes.fail(kind, label, failures[id(row)])
            else:
                outcomes.add(kind, label, outcome)


def _seats_unchanged(
    stored: Mapping[tuple[int, str, str], tuple], seat_inputs: Sequence[SeatInput], seat_types: Mapping[str, SeatType]
) -> bool:
    if len(stored) != len(seat_inputs):
        return False
    for seat_input in seat_inputs:
        if offer_problem(seat_types, seat_input.seat_type, seat_input.currency):
            return False
        natural_key = (seat_types[seat_input.seat_type].pk, seat_input.currency, seat_input.credit_provider)
        values = stored.get(natural_key)
        if values is None or values != tuple(seat_input.offer().values[name] for name in SEAT_VALUES):
            return False
    return True


# --- entitlements --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntitlementInput:
    course_uuid: str
    mode: str
    price: Decimal
    currency: str
    sku: str


ENTITLEMENT_VALUES = ("price", "currency", "sku")


def course_entitlements_load(*, partner: Partner, inputs: Sequence[EntitlementInput]) -> PageOutcomes:
    """Create or update official entitlements, one per course and mode."""
    outcomes = PageOutcomes()
    courses = {
        str(course.uuid): course
        for course in Course.objects.official()
        .filter(partner=partner, uuid__in=[item.course_uuid for item in inputs])
        .prefetch_related("entitlements")
    }
    seat_types = {seat_type.slug: seat_type for seat_type in SeatType.objects.all()}
    touched: dict[int, Course] = {}
    pending: Pending = []
    updated: Pending = []
    with transaction.atomic():
        for item in inputs:
            label = f"{item.course_uuid} {item.mode} ({item.sku})"
            course = courses.get(item.course_uuid)
            if course is None:
                outcomes.add("entitlement", label, FAILED, f"no course {item.course_uuid}")
                continue
            problem = offer_problem(seat_types, item.mode, item.currency)
            if problem:
                outcomes.add("entitlement", label, FAILED, problem.replace("seat type", "mode"))
                continue
            mode = seat_types[item.mode]
            values = {"price": item.price, "currency": item.currency, "sku": item.sku}
            entitlement = next((e for e in course.entitlements.all() if e.mode_id == mode.pk), None)
            if entitlement is not None and not differs(entitlement, values):
                outcomes.add("entitlement", label, UNCHANGED)
                continue
            write = partial(
                course_entitlement_write, course=course, mode=mode, entitlement=entitlement, values=values, label=label
            )
            try:
                if not course.draft_version_id:
                    # No draft to rebase: the new or changed row joins the page's bulk INSERT or UPDATE.
                    write(outcomes=outcomes, pending=pending, updated=updated)
                    continue
                with transaction.atomic():
                    if write(outcomes=outcomes):
                        touched[course.pk] = course
            except ITEM_ERRORS as error:
                outcomes.fail("entitlement", label, error)
        _bulk_write(CourseEntitlement, "entitlement", pending, updated, set(ENTITLEMENT_VALUES), outcomes)
        for course in touched.values():
            draft_rebase_onto_official(official=course)
    return outcomes


def course_entitlements_delete_unlisted(*, partner: Partner, listed_skus: Iterable[str]) -> PageOutcomes:
    """Delete the official entitlements (with a SKU) that e-commerce no longer lists."""
    outcomes = PageOutcomes()
    listed = set(listed_skus)
    stale = [
        entitlement
        for entitlement in CourseEntitlement.objects.official()
        .filter(course__partner=partner)
        .exclude(sku="")
        .select_related("course")
        if entitlement.sku not in listed
    ]
    by_course: dict[int, Course] = {}
    with transaction.atomic():
        for entitlement in stale:
            by_course[entitlement.course_id] = entitlement.course
            entitlement.delete()
            outcomes.add("entitlement", entitlement.sku, DELETED)
        for course in by_course.values():
            draft_rebase_onto_official(official=course)
    return outcomes


# --- course types --------------------------------------------------------------------------------------


def course_types_match_untyped(*, partner: Partner, chunk_size: int = 500) -> PageOutcomes:
    """Give a type to the official courses, and the runs with seats, that have none (see services.course_types).

    Set-based: what each course sells is read for a chunk of courses at once, the fits are computed in
    Python (``course_type_fit``), and the types are written with one change-tracked ``QuerySet.update()``
    per type, so change tracking and the change log follow (as for every set-based write, no history row).
    """
    outcomes = PageOutcomes()
    untyped = (
        Course.objects.official()
        .filter(partner=partner)
        # Only what sells something can be matched: a course e-commerce has not listed yet waits.
        .filter(
            Q(type__isnull=True, course_runs__seats__isnull=False)
            | Q(course_runs__type__isnull=True, course_runs__seats__isnull=False)
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    shapes = course_type_shapes()
    course_ids = list(untyped)
    for start in range(0, len(course_ids), chunk_size):
        _match_chunk(course_ids[start : start + chunk_size], shapes, outcomes)
    return outcomes


def _match_chunk(
    course_ids: list[int], shapes: Sequence[CourseTypeShape], outcomes: PageOutcomes, *, seated_only: bool = False
) -> None:
    """Type the courses (and their seated runs) of ``course_ids`` that lack a type.

    ``seated_only`` (the seat loader's early match) takes only the courses every run of which sells something
    and that a type fits; the others, reported or not, are left to ``course_types_match_untyped``.
    """
    courses = {
        c.pk: c for c in Course.objects.filter(pk__in=course_ids).only("pk", "key", "type_id", "draft_version_id")
    }
    entitlements: dict[int, set[int]] = {pk: set() for pk in course_ids}
    for course_id, mode_id in CourseEntitlement.objects.filter(course_id__in=course_ids).values_list(
        "course_id", "mode_id"
    ):
        entitlements[course_id].add(mode_id)
    runs: dict[int, dict[int, set[int]]] = {pk: {} for pk in course_ids}
    run_types: dict[int, int | None] = {}
    run_drafts: dict[int, bool] = {}
    for run_pk, course_id, type_id, draft_version_id in CourseRun.objects.filter(course_id__in=course_ids).values_list(
        "pk", "course_id", "type_id", "draft_version_id"
    ):
        runs[course_id][run_pk] = set()
        run_types[run_pk] = type_id
        run_drafts[run_pk] = draft_version_id is not None
    for run_pk, course_id, seat_type_id in Seat.objects.filter(course_run__course_id__in=course_ids).values_list(
        "course_run_id", "course_run__course_id", "type_id"
    ):
        runs[course_id][run_pk].add(seat_type_id)

    course_updates: dict[int, list[int]] = defaultdict(list)
    run_updates: dict[int, list[int]] = defaultdict(list)
    rebase: list[int] = []
    for course_id in course_ids:
        course = courses[course_id]
        if seated_only and not all(runs[course_id].values()):
            continue
        fit = course_type_fit(
            shapes=shapes,
            course_type_id=course.type_id,
            entitlement_types=frozenset(entitlements[course_id]),
            run_seat_types={pk: frozenset(seats) for pk, seats in runs[course_id].items()},
        )
        if fit is None:
            if not seated_only:
                outcomes.add("course_type", course.key, FAILED, "no course type fits what it sells (or two do)")
            continue
        shape, assignment = fit
        changed = False
        if course.type_id is None:
            course_updates[shape.course_type.pk].append(course_id)
            changed = True
        for run_pk, run_type in assignment.items():
            if run_types[run_pk] is None:
                run_updates[run_type.pk].append(run_pk)
                changed = True
                if run_drafts[run_pk]:
                    rebase.append(run_pk)
        if changed and course.draft_version_id:
            rebase.append(-course_id)
        if changed or not seated_only:
            outcomes.add("course_type", course.key, UPDATED if changed else UNCHANGED)
    with transaction.atomic():
        for type_id, ids in course_updates.items():
            Course.objects.filter(pk__in=ids).update(type_id=type_id)
        for type_id, ids in run_updates.items():
            CourseRun.objects.filter(pk__in=ids).update(type_id=type_id)
        for pk in rebase:
            if pk < 0:
                draft_rebase_onto_official(official=Course.objects.get(pk=-pk))
            else:
                draft_rebase_onto_official(official=CourseRun.objects.get(pk=pk))


__all__ = [
    "EntitlementInput",
    "Outcome",
    "PageOutcomes",
    "RunInput",
    "SeatInput",
    "assign_changed",
    "check_run_belongs",
    "course_entitlements_delete_unlisted",
    "course_entitlements_load",
    "course_run_seats_load",
    "course_runs_load",
    "course_types_match_untyped",
]
