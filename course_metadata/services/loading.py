"""Writes from the loaders (LMS, e-commerce, another catalog): official rows, page by page, only what differs.

Each function takes one page of a source's items, reads the rows they touch in a few set-based queries,
and writes each item in its own savepoint inside one transaction per page, so a bad item is reported and
the rest of the page still commits. A row is saved only when one of its values differs: an unchanged
source writes nothing, so no timestamp moves and the change log gets no entry (ADR 0020, 0021).

The official rows are what loaders own. Where a course or run has a draft being edited, what changed is
then rebased into the draft where the editor has not touched it (``draft_rebase_onto_official``); the
editor's own changes stay, and the three-way merge of ADR 0030 reports real conflicts at publish.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from simple_history.utils import bulk_create_with_history

from course_metadata.models import (
    Course,
    CourseEntitlement,
    CourseRun,
    CourseRunStatus,
    Organization,
    Partner,
    Seat,
    SeatType,
    Video,
)
from course_metadata.rules.rich_text import rich_text_values
from course_metadata.services.course_types import CourseTypeShape, course_type_fit, course_type_shapes
from course_metadata.services.drafts import course_ensure_draft, draft_rebase_onto_official
from course_metadata.services.subscription_inclusion import subscription_inclusion_update

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

CREATED, UPDATED, UNCHANGED, DELETED, FAILED, SKIPPED = (
    "created",
    "updated",
    "unchanged",
    "deleted",
    "failed",
    "skipped",
)


@dataclass
class Outcome:
    """What happened to one item: ``kind`` (course, course_run, seat, entitlement), its label, and why it failed."""

    kind: str
    label: str
    outcome: str
    reason: str = ""


@dataclass
class PageOutcomes:
    items: list[Outcome] = field(default_factory=list)

    def add(self, kind: str, label: str, outcome: str, reason: str = "") -> None:
        self.items.append(Outcome(kind, label, outcome, reason))


def assign_changed(row: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the values (by attname) that differ on ``row``; return their names. The one compare-and-set."""
    changed = []
    for attname, value in rich_text_values(type(row), values).items():
        if getattr(row, attname) != value:
            setattr(row, attname, value)
            changed.append(attname)
    return changed


def differs(row: Any, values: Mapping[str, Any]) -> bool:
    return any(getattr(row, attname) != value for attname, value in rich_text_values(type(row), values).items())


def _clean(row: Any) -> None:
    # Uniqueness and foreign keys are the database's to check (an IntegrityError fails the item's
    # savepoint): asking in Python costs a query per constraint, per foreign key and per row, and the
    # loaders only link rows they have just read.
    relations = [field.name for field in row._meta.concrete_fields if field.is_relation]
    row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


# --- courses and runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInput:
    """One run as a source describes it. ``run`` and ``course`` hold the attnames the source owns.

    ``video`` is the URL of the run's video ("" for none), or None when the source does not own it.
    ``course`` values are written when the course is created, and later only when ``course_owned`` is set
    and this run is the course's canonical run (the LMS speaks for a course through that run).
    """

    key: str
    run: Mapping[str, Any]
    course: Mapping[str, Any]
    video: str | None = None
    course_owned: bool = False


def run_key_parts(key: str) -> tuple[str, str]:
    """(org, number) of a run key; ValidationError when it is not one."""
    try:
        parsed = CourseKey.from_string(key)
    except InvalidKeyError as error:
        raise ValidationError(
            _("%(key)r is not a course run key (course-v1:ORG+NUMBER+RUN).") % {"key": key}
        ) from error
    return str(parsed.org), str(parsed.course)


def check_run_belongs(course: Course, run_key: str) -> None:
    """A run key names its course: course-v1:Org+Num+Run belongs to Org+Num (or to the course renamed to it)."""
    org, number = run_key_parts(run_key)
    if Course.make_key(org, number) not in {course.key, course.key_for_reruns}:
        raise ValidationError(
            _("run %(run_key)s does not belong to course %(key)s (its key names %(org)s+%(number)s).")
            % {"run_key": run_key, "key": course.key, "org": org, "number": number}
        )


def course_runs_load(*, partner: Partner, inputs: Sequence[RunInput]) -> PageOutcomes:
    """Create or update the official courses and runs of one page of a source (see the module docstring)."""
    outcomes = PageOutcomes()
    parsed: list[tuple[RunInput, str]] = []
    for item in inputs:
        try:
            org, number = run_key_parts(item.key)
        except ValidationError as error:
            outcomes.add("course_run", item.key, FAILED, "; ".join(error.messages))
            continue
        parsed.append((item, Course.make_key(org, number)))
    if not parsed:
        return outcomes

    keys = [item.key for item, _unused in parsed]
    course_keys = {course_key for _unused, course_key in parsed}
    runs: dict[tuple[str, bool], CourseRun] = {
        (run.key, run.draft): run
        for run in CourseRun.objects.filter(key__in=keys, course__partner=partner).select_related("course")
    }
    courses: dict[tuple[str, bool], Course] = {}
    for course in Course.objects.filter(partner=partner).filter(
        Q(key__in=course_keys) | Q(key_for_reruns__in=course_keys)
    ):
        # A course renamed for reruns (key_for_reruns) takes the runs of its new name.
        courses.setdefault((course.key_for_reruns or course.key, course.draft), course)
        courses[(course.key, course.draft)] = course
    organizations = {
        org.key: org
        for org in Organization.objects.filter(partner=partner, key__in={key.partition("+")[0] for key in course_keys})
    }
    srcs = {item.video for item, _unused in parsed if item.video}
    videos: dict[str, Video] = {}
    for video in Video.objects.filter(src__in=srcs).order_by("-pk"):
        videos[video.src] = video

    context = _RunContext(partner, courses, organizations, videos)
    with transaction.atomic():
        for item, course_key in parsed:
            if _unchanged(context, item, runs):
                # The common case of a re-run: no savepoint, no statement.
                outcomes.add("course_run", item.key, UNCHANGED)
                continue
            try:
                with transaction.atomic():
                    _load_run(context, item, course_key, runs, outcomes)
            except (ValidationError, DatabaseError, ValueError, TypeError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                outcomes.add("course_run", item.key, FAILED, "; ".join(messages))
        _insert_pending_runs(context, outcomes)
        subscription_inclusion_update(courses=context.new_courses, course_runs=context.inclusion_runs)
    return outcomes


def _insert_pending_runs(context: _RunContext, outcomes: PageOutcomes) -> None:
    """Insert the page's new runs with one tracked bulk INSERT (history included); one by one if that fails.

    The bulk insert is change-tracked like a save (``TrackedQuerySet.bulk_create``): the runs and their
    courses get their timestamps and change-log entries, set-based.
    """
    pending = context.pending_runs
    if not pending:
        return
    try:
        with transaction.atomic():
            bulk_create_with_history(pending, CourseRun, batch_size=500)
        inserted = pending
    except DatabaseError:
        inserted = []
        for run in pending:
            try:
                with transaction.atomic():
                    run.save()
                inserted.append(run)
            except (ValidationError, DatabaseError) as error:
                outcomes.add("course_run", run.key, FAILED, str(error))
    canonical: dict[int, Course] = {}
    for run in inserted:
        outcomes.add("course_run", run.key, CREATED)
        context.inclusion_runs.append(run)
        course = run.course
        if course.canonical_course_run_id is None and course.pk not in canonical:
            course.canonical_course_run = run
            canonical[course.pk] = course
    if canonical:
        Course.objects.bulk_update(list(canonical.values()), ["canonical_course_run"])


@dataclass
class _RunContext:
    partner: Partner
    courses: dict[tuple[str, bool], Course]
    organizations: dict[str, Organization]
    videos: dict[str, Video]
    new_courses: list[Course] = field(default_factory=list)
    inclusion_runs: list[CourseRun] = field(default_factory=list)
    # New runs of official courses without a draft: inserted together at the end of the page.
    pending_runs: list[CourseRun] = field(default_factory=list)

    def video_id(self, src: str) -> int | None:
        if not src:
            return None
        video = self.videos.get(src)
        if video is None:
            # Videos are shared rows: a new URL is a new row, never an edit of one another course uses.
            video = Video.objects.create(src=src)
            self.videos[src] = video
        return video.pk


def _unchanged(context: _RunContext, item: RunInput, runs: dict[tuple[str, bool], CourseRun]) -> bool:
    """Whether the item would write nothing (its run exists and every value it owns is equal already)."""
    run = runs.get((item.key, False)) or runs.get((item.key, True))
    if run is None:
        return False
    values = dict(item.run)
    if item.video is not None:
        video = context.videos.get(item.video) if item.video else None
        if item.video and video is None:
            return False
        values["video_id"] = video.pk if video is not None else None
    if differs(run, values):
        return False
    if item.course_owned and not run.draft and run.course.canonical_course_run_id == run.pk:
        course_values = dict(item.course)
        if item.video is not None:
            course_values["video_id"] = values["video_id"]
        if differs(run.course, course_values):
            return False
    try:
        check_run_belongs(run.course, item.key)
    except ValidationError:
        return False
    return True


def _run_values(context: _RunContext, item: RunInput) -> dict[str, Any]:
    values = dict(item.run)
    if item.video is not None:
        values["video_id"] = context.video_id(item.video)
    return values


def _load_run(
    context: _RunContext,
    item: RunInput,
    course_key: str,
    runs: dict[tuple[str, bool], CourseRun],
    outcomes: PageOutcomes,
) -> None:
    official = runs.get((item.key, False))
    draft_only = runs.get((item.key, True)) if official is None else None
    existing = official or draft_only
    if existing is not None:
        check_run_belongs(existing.course, item.key)
        changed = assign_changed(existing, _run_values(context, item))
        if changed:
            _clean(existing)
            existing.save()
            if "pacing_type" in changed:
                context.inclusion_runs.append(existing)
            if official is not None:
                draft_rebase_onto_official(official=official)
        outcomes.add("course_run", item.key, UPDATED if changed else UNCHANGED)
        if official is not None and item.course_owned:
            _update_course_from_canonical(official, item, outcomes)
        return

    course = context.courses.get((course_key, False))
    draft_course = context.courses.get((course_key, True)) if course is None else None
    if course is None and draft_course is None:
        course = _create_course(context, item, course_key)
        outcomes.add("course", course.key, CREATED)
    target = course or draft_course
    assert target is not None
    check_run_belongs(target, item.key)
    run = CourseRun(course=target, key=item.key, draft=target.draft, **_run_values(context, item))
    if target.draft:
        # The course exists only as a Publisher draft: its new run joins that world and goes through review.
        run.status = CourseRunStatus.UNPUBLISHED
    _clean(run)
    if not target.draft and not target.draft_version_id and (item.key, True) not in runs:
        # The common case of a first load: no draft world to join, so it waits for the page's bulk insert.
        # The slug is what save() would give it (no other version of the run exists to share one with).
        run.slug = run.build_slug()
        context.pending_runs.append(run)
        runs[(run.key, run.draft)] = run
        return
    run.save()
    runs[(run.key, run.draft)] = run
    context.inclusion_runs.append(run)
    outcomes.add("course_run", item.key, CREATED)
    if target.canonical_course_run_id is None:
        target.canonical_course_run = run
        target.save(update_fields=["canonical_course_run"])
    if course is not None and course.draft_version_id:
        course_ensure_draft(course=course)  # gives the new run its draft in the world being edited


def _create_course(context: _RunContext, item: RunInput, course_key: str) -> Course:
    org_key, _unused, number = course_key.partition("+")
    organization = context.organizations.get(org_key)
    if organization is None:
        organization = Organization(partner=context.partner, key=org_key, name=org_key)
        _clean(organization)
        organization.save()
        context.organizations[org_key] = organization
    course = Course(partner=context.partner, key=course_key, number=number, **item.course)
    if item.video:
        course.video_id = context.video_id(item.video)
    _clean(course)
    course.save()
    course.authoring_organizations.set([organization])
    context.courses[(course_key, False)] = course
    context.new_courses.append(course)
    return course


def _update_course_from_canonical(official_run: CourseRun, item: RunInput, outcomes: PageOutcomes) -> None:
    course = official_run.course
    if course.canonical_course_run_id != official_run.pk:
        return
    values = dict(item.course)
    if item.video is not None:
        values["video_id"] = official_run.video_id
    changed = assign_changed(course, values)
    if changed:
        _clean(course)
        course.save()
        draft_rebase_onto_official(official=course)
    outcomes.add("course", course.key, UPDATED if changed else UNCHANGED)


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


def course_run_seats_load(*, partner: Partner, offers: Mapping[str, Sequence[SeatInput]]) -> PageOutcomes:
    """Make the seats of each run (by key) exactly ``offers[key]``: create, update, delete official seats."""
    outcomes = PageOutcomes()
    runs = {
        run.key: run
        for run in CourseRun.objects.official()
        .filter(key__in=list(offers), course__partner=partner)
        .prefetch_related("seats")
    }
    seat_types = {seat_type.slug: seat_type for seat_type in SeatType.objects.all()}
    pending: list[tuple[Seat, str]] = []
    with transaction.atomic():
        for key, seat_inputs in offers.items():
            run = runs.get(key)
            if run is None:
                outcomes.add("seat", key, FAILED, f"no course run {key} (the LMS has not listed it yet?)")
                continue
            if _seats_unchanged(run, seat_inputs, seat_types):
                outcomes.items.extend(
                    Outcome("seat", f"{key} {seat.seat_type} {seat.currency}", UNCHANGED) for seat in seat_inputs
                )
                continue
            # A run without a draft leaves its new seats to the page's bulk insert.
            deferred = None if run.draft_version_id else pending
            try:
                with transaction.atomic():
                    changed = _load_seats(run, seat_inputs, seat_types, outcomes, deferred)
                    if changed:
                        draft_rebase_onto_official(official=run)
            except (ValidationError, DatabaseError, ValueError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                outcomes.add("seat", key, FAILED, "; ".join(messages))
        _insert_pending_seats(pending, outcomes)
    return outcomes


def _insert_pending_seats(pending: list[tuple[Seat, str]], outcomes: PageOutcomes) -> None:
    """One tracked bulk INSERT (with history) for the page's new seats; one by one if it fails."""
    if not pending:
        return
    seats = [seat for seat, _unused in pending]
    try:
        with transaction.atomic():
            bulk_create_with_history(seats, Seat, batch_size=500)
    except DatabaseError:
        for seat, label in pending:
            try:
                with transaction.atomic():
                    seat.save()
            except DatabaseError as error:
                outcomes.add("seat", label, FAILED, str(error))
                continue
            outcomes.add("seat", label, CREATED)
        return
    for _seat, label in pending:
        outcomes.add("seat", label, CREATED)


def _seats_unchanged(run: CourseRun, seat_inputs: Sequence[SeatInput], seat_types: Mapping[str, SeatType]) -> bool:
    existing = {(seat.type_id, seat.currency, seat.credit_provider): seat for seat in run.seats.all()}
    if len(existing) != len(seat_inputs):
        return False
    for seat_input in seat_inputs:
        seat_type = seat_types.get(seat_input.seat_type)
        seat = existing.get((seat_type.pk, seat_input.currency, seat_input.credit_provider)) if seat_type else None
        if seat is None or differs(seat, _seat_values(seat_input)):
            return False
    return True


def _seat_values(seat_input: SeatInput) -> dict[str, Any]:
    return {
        "price": seat_input.price,
        "sku": seat_input.sku,
        "upgrade_deadline": seat_input.upgrade_deadline,
        "credit_hours": seat_input.credit_hours,
    }


def _load_seats(
    run: CourseRun,
    seat_inputs: Sequence[SeatInput],
    seat_types: Mapping[str, SeatType],
    outcomes: PageOutcomes,
    pending: list[tuple[Seat, str]] | None = None,
) -> bool:
    existing = {(seat.type_id, seat.currency, seat.credit_provider): seat for seat in run.seats.all()}
    offered: set[tuple[int, str, str]] = set()
    changed_any = False
    for seat_input in seat_inputs:
        label = f"{run.key} {seat_input.seat_type} {seat_input.currency}"
        seat_type = seat_types.get(seat_input.seat_type)
        if seat_type is None:
            outcomes.add("seat", label, FAILED, f"unknown seat type {seat_input.seat_type!r}; add it in the admin")
            continue
        if not CURRENCY_RE.match(seat_input.currency):
            outcomes.add("seat", label, FAILED, f"unknown currency {seat_input.currency!r}")
            continue
        natural_key = (seat_type.pk, seat_input.currency, seat_input.credit_provider)
        offered.add(natural_key)
        values = _seat_values(seat_input)
        seat = existing.get(natural_key)
        if seat is None:
            seat = Seat(
                course_run=run,
                type=seat_type,
                currency=seat_input.currency,
                credit_provider=seat_input.credit_provider,
                **values,
            )
            _clean(seat)
            if pending is not None:
                pending.append((seat, label))
                continue
            seat.save()
            outcomes.add("seat", label, CREATED)
            changed_any = True
        elif assign_changed(seat, values):
            _clean(seat)
            seat.save()
            outcomes.add("seat", label, UPDATED)
            changed_any = True
        else:
            outcomes.add("seat", label, UNCHANGED)
    for natural_key, seat in existing.items():
        if natural_key not in offered:
            seat.delete()
            outcomes.add("seat", f"{run.key} {seat.type_id} {seat.currency}", DELETED)
            changed_any = True
    return changed_any


# --- entitlements --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntitlementInput:
    course_uuid: str
    mode: str
    price: Decimal
    currency: str
    sku: str


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
    with transaction.atomic():
        for item in inputs:
            label = f"{item.course_uuid} {item.mode} ({item.sku})"
            course = courses.get(item.course_uuid)
            mode = seat_types.get(item.mode)
            if course is None:
                outcomes.add("entitlement", label, FAILED, f"no course {item.course_uuid}")
                continue
            if mode is None:
                outcomes.add("entitlement", label, FAILED, f"unknown mode {item.mode!r}")
                continue
            if not CURRENCY_RE.match(item.currency):
                outcomes.add("entitlement", label, FAILED, f"unknown currency {item.currency!r}")
                continue
            values = {"price": item.price, "currency": item.currency, "sku": item.sku}
            entitlement = next((e for e in course.entitlements.all() if e.mode_id == mode.pk), None)
            if entitlement is not None and not differs(entitlement, values):
                outcomes.add("entitlement", label, UNCHANGED)
                continue
            try:
                with transaction.atomic():
                    if entitlement is None:
                        entitlement = CourseEntitlement(course=course, mode=mode, **values)
                        _clean(entitlement)
                        entitlement.save()
                        outcomes.add("entitlement", label, CREATED)
                    elif assign_changed(entitlement, values):
                        _clean(entitlement)
                        entitlement.save()
                        outcomes.add("entitlement", label, UPDATED)
                    else:
                        outcomes.add("entitlement", label, UNCHANGED)
                        continue
                    touched[course.pk] = course
            except (ValidationError, DatabaseError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                outcomes.add("entitlement", label, FAILED, "; ".join(messages))
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


def _match_chunk(course_ids: list[int], shapes: Sequence[CourseTypeShape], outcomes: PageOutcomes) -> None:
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
        fit = course_type_fit(
            shapes=shapes,
            course_type_id=course.type_id,
            entitlement_types=frozenset(entitlements[course_id]),
            run_seat_types={pk: frozenset(seats) for pk, seats in runs[course_id].items()},
        )
        if fit is None:
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
    "run_key_parts",
]
