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
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from taggit.models import Tag

from course_metadata.models import (
    Course,
    CourseEntitlement,
    CourseRun,
    CourseRunType,
    CourseType,
    Organization,
    Partner,
    Person,
    Seat,
    SeatType,
    Subject,
    TaggedCourse,
)
from course_metadata.rules.external_keys import check_course_run_external_key
from course_metadata.rules.url_slugs import free_course_url_slugs
from course_metadata.services.course_run_upsert import check_run_belongs
from course_metadata.services.drafts import draft_rebase_onto_official
from course_metadata.services.importing import links_differ, set_links
from course_metadata.services.load_outcomes import (
    CREATED,
    DELETED,
    FAILED,
    ITEM_ERRORS,
    UNCHANGED,
    UPDATED,
    PageOutcomes,
    assign_changed,
    clean_row,
    differs,
    row_write,
    rows_insert,
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
    """Upsert one page of courses, each with its runs, seats and entitlements, keeping uuids and keys.

    A course equal to what is stored (its values, links, topics, runs, staff, seats, entitlements and
    canonical run) costs no statement. New courses are planned and validated in Python, then written with
    one change-tracked bulk INSERT per model for the page (``_insert_new``). A stored course that differs
    is written on its own, in a savepoint, where its drafts are rebased.
    """
    outcomes = PageOutcomes()
    context = _CourseContext.read(partner, courses)
    new: list[_NewCourse] = []
    changed: list[CourseImport] = []
    for item in courses:
        stored = context.courses.get(item.uuid)
        if stored is None:
            planned = PageOutcomes()
            try:
                new.append(_plan_new_course(context, item, planned))
            except ITEM_ERRORS as error:
                outcomes.fail("course", item.key, error)
                continue
            outcomes.items.extend(planned.items)
        elif _course_differs(context, stored, item):
            changed.append(item)
        else:
            _report_unchanged(item, outcomes)
    if not (new or changed):
        return outcomes
    with transaction.atomic():
        _insert_new(context, new, outcomes)
        _write_changed(context, changed, outcomes)
    return outcomes


def _write_changed(context: _CourseContext, items: Sequence[CourseImport], outcomes: PageOutcomes) -> None:
    """Stored courses that differ: each in its own savepoint, then their drafts rebased."""
    touched_courses: list[Course] = []
    touched_runs: list[CourseRun] = []
    for item in items:
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
                # taggit's manager prefetches (django-stubs does not know it does).
                .prefetch_related(  # type: ignore[misc]
                    "entitlements", "authoring_organizations", "sponsoring_organizations", "subjects", "topics"
                )
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


# --- the set-based path: unchanged courses cost nothing, new ones are inserted in bulk ----------------------


def _course_values(context: _CourseContext, item: CourseImport) -> dict[str, Any]:
    return {**item.values, "type_id": context.course_types[item.type].pk if item.type in context.course_types else None}


def _run_values(context: _CourseContext, item: RunImport) -> dict[str, Any]:
    return {
        **item.values,
        "type_id": context.run_types[item.run_type].pk if item.run_type in context.run_types else None,
    }


def _course_links(context: _CourseContext, item: CourseImport) -> dict[str, list[int]]:
    return {
        "authoring_organizations": context.pks(context.organizations, item.owners, "organization"),
        "sponsoring_organizations": context.pks(context.organizations, item.sponsors, "organization"),
        "subjects": context.pks(context.subjects, item.subjects, "subject"),
    }


def _course_differs(context: _CourseContext, stored: Course, item: CourseImport) -> bool:
    """Whether importing ``item`` would write anything (read from what ``_CourseContext`` prefetched).

    A course that cannot be written (an unknown link, a bad seat type) counts as differing: the
    one-by-one path reports why.
    """
    try:
        links = _course_links(context, item)
        staff = {run.key: context.pks(context.people, run.staff, "person") for run in item.runs}
    except ValidationError:
        return True
    if differs(stored, _course_values(context, item)) or links_differ(stored, links):
        return True
    if sorted(tag.name for tag in stored.topics.all()) != sorted(item.topics):
        return True
    for run_item in item.runs:
        run = context.runs.get(run_item.key)
        if run is None or run.course_id != stored.pk or differs(run, _run_values(context, run_item)):
            return True
        if [person.pk for person in run.staff.all()] != staff[run_item.key]:
            return True
        if _seats_differ(context, run, run_item.seats):
            return True
    if _entitlements_differ(context, stored, item):
        return True
    canonical = context.runs.get(item.canonical_run_key or "")
    return canonical is not None and stored.canonical_course_run_id != canonical.pk


def _seats_differ(context: _CourseContext, run: CourseRun, seats: Sequence[SeatImport]) -> bool:
    existing = {(seat.type_id, seat.currency, seat.credit_provider): seat for seat in run.seats.all()}
    if len(existing) != len(seats):
        return True
    for seat in seats:
        if offer_problem(context.seat_types, seat.type, seat.currency):
            return True
        stored = existing.get((context.seat_types[seat.type].pk, seat.currency, seat.credit_provider))
        if stored is None or differs(stored, seat.values):
            return True
    return False


def _entitlements_differ(context: _CourseContext, course: Course, item: CourseImport) -> bool:
    existing = {entitlement.mode_id: entitlement for entitlement in course.entitlements.all()}
    if len(existing) != len(item.entitlements):
        return True
    for mode_slug, values in item.entitlements:
        if offer_problem(context.seat_types, mode_slug, values.get("currency", "USD")):
            return True
        stored = existing.get(context.seat_types[mode_slug].pk)
        if stored is None or differs(stored, values):
            return True
    return False


def _report_unchanged(item: CourseImport, outcomes: PageOutcomes) -> None:
    outcomes.add("course", item.key, UNCHANGED)
    for run_item in item.runs:
        outcomes.add("course_run", run_item.key, UNCHANGED)
        for seat in run_item.seats:
            outcomes.add("seat", f"{run_item.key} {seat.type} {seat.currency}", UNCHANGED)
    for mode_slug, _values in item.entitlements:
        outcomes.add("entitlement", f"{item.key} {mode_slug}", UNCHANGED)


@dataclass
class _NewRun:
    item: RunImport
    run: CourseRun
    staff: list[int]
    seats: list[tuple[Seat, str]]


@dataclass
class _NewCourse:
    item: CourseImport
    course: Course
    links: dict[str, list[int]]
    runs: list[_NewRun]
    entitlements: list[tuple[CourseEntitlement, str]]


def _plan_new_course(context: _CourseContext, item: CourseImport, outcomes: PageOutcomes) -> _NewCourse:
    """A course the catalog lacks, with its runs, seats and entitlements, built and validated (no statement).

    Raises for what fails the whole course (as its savepoint did); a seat or entitlement with an unknown
    type or currency is reported in ``outcomes`` and left out.
    """
    _org, plus, number = item.key.partition("+")
    if not plus:
        raise ValidationError(_("%(key)r is not a course key (org+number)") % {"key": item.key})
    links = _course_links(context, item)
    course = Course(partner=context.partner, uuid=item.uuid, key=item.key, number=number)
    assign_changed(course, _course_values(context, item))
    course.validate_key_for_reruns()
    clean_row(course)
    runs = []
    for run_item in item.runs:
        check_run_belongs(course, run_item.key)
        stored = context.runs.get(run_item.key)
        if stored is not None:
            raise ValidationError(
                _("run %(key)s belongs to %(key_2)s here") % {"key": run_item.key, "key_2": stored.course.key}
            )
        run = CourseRun(course=course, uuid=run_item.uuid, key=run_item.key)
        assign_changed(run, _run_values(context, run_item))
        run.slug = run.build_slug()
        clean_row(run)
        if run.external_key:
            check_course_run_external_key(run)
        seats = []
        for seat_item in run_item.seats:
            label = f"{run_item.key} {seat_item.type} {seat_item.currency}"
            problem = offer_problem(context.seat_types, seat_item.type, seat_item.currency)
            if problem:
                outcomes.add("seat", label, FAILED, problem)
                continue
            seat = Seat(
                course_run=run,
                type=context.seat_types[seat_item.type],
                currency=seat_item.currency,
                credit_provider=seat_item.credit_provider,
                **seat_item.values,
            )
            clean_row(seat)
            seats.append((seat, label))
        runs.append(_NewRun(run_item, run, context.pks(context.people, run_item.staff, "person"), seats))
    entitlements = []
    for mode_slug, values in item.entitlements:
        label = f"{item.key} {mode_slug}"
        problem = offer_problem(context.seat_types, mode_slug, values.get("currency", "USD"))
        if problem:
            outcomes.add("entitlement", label, FAILED, problem.replace("seat type", "mode"))
            continue
        entitlement = CourseEntitlement(course=course, mode=context.seat_types[mode_slug], **values)
        clean_row(entitlement)
        entitlements.append((entitlement, label))
    return _NewCourse(item, course, links, runs, entitlements)


def _insert_new(context: _CourseContext, new: Sequence[_NewCourse], outcomes: PageOutcomes) -> None:
    """The page's new courses, then their links, topics, runs, staff, seats and entitlements: one
    change-tracked bulk INSERT per table (a row the database refuses is retried alone and reported)."""
    if not new:
        return
    unslugged = [planned.course for planned in new if not planned.course.url_slug]
    slugs = free_course_url_slugs(
        partner_id=context.partner.pk, wanted=[(course.uuid, course.title, course.key) for course in unslugged]
    )
    for course, slug in zip(unslugged, slugs, strict=True):
        course.url_slug = slug
    created = _insert_reported(Course, "course", [(planned.course, planned.item.key) for planned in new], outcomes)
    inserted = [planned for planned in new if id(planned.course) in created]
    # The links of rows created in this transaction: their creation is the change the log records.
    links = [
        link
        for planned in inserted
        for name, pks in planned.links.items()
        for link in _link_rows(Course, name, planned.course.pk, pks)
    ]
    _insert_links(links)
    _insert_topics([(planned.course, planned.item.topics) for planned in inserted])

    runs = [new_run for planned in inserted for new_run in planned.runs]
    created = _insert_reported(CourseRun, "course_run", [(r.run, r.item.key) for r in runs], outcomes)
    created_runs = [new_run for new_run in runs if id(new_run.run) in created]
    _insert_links([link for r in created_runs for link in _link_rows(CourseRun, "staff", r.run.pk, r.staff)])
    _insert_reported(Seat, "seat", [seat for r in created_runs for seat in r.seats], outcomes)
    _insert_reported(
        CourseEntitlement, "entitlement", [e for planned in inserted for e in planned.entitlements], outcomes
    )

    by_key = {r.run.key: r.run for r in created_runs}
    canonical = []
    for planned in inserted:
        run = by_key.get(planned.item.canonical_run_key or "")
        if run is not None:
            planned.course.canonical_course_run = run
            canonical.append(planned.course)
    if canonical:
        Course.objects.bulk_update(canonical, ["canonical_course_run"])
    subscription_inclusion_update(
        courses=[planned.course for planned in inserted], course_runs=[r.run for r in created_runs]
    )


def _link_rows(model: type[Model], name: str, owner_pk: int, target_pks: Sequence[int]) -> list[Model]:
    """Through rows linking ``owner_pk`` to ``target_pks`` by the many-to-many ``name``, in order."""
    field: Any = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    sort = getattr(field, "sort_value_field_name", None)
    return [
        through(**{source: owner_pk, target: pk, **({sort: index} if sort else {})})
        for index, pk in enumerate(target_pks)
    ]


def _insert_links(links: Sequence[Model]) -> None:
    by_table: dict[type[Model], list[Model]] = {}
    for link in links:
        by_table.setdefault(type(link), []).append(link)
    for through, rows in by_table.items():
        through._default_manager.bulk_create(rows, batch_size=500)


def _insert_topics(courses: Sequence[tuple[Course, Sequence[str]]]) -> None:
    """Topic tags of new courses: missing tags created (the distinct names of a page), links inserted in bulk."""
    names = {name for _course, topics in courses for name in topics}
    if not names:
        return
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name, slug=Tag().slugify(name)) for name in sorted(names - set(tags))]
    try:
        with transaction.atomic():
            Tag.objects.bulk_create(missing, batch_size=500)
    except IntegrityError:  # a slug taken by another spelling: taggit's save() finds a free one
        missing = [Tag.objects.create(name=tag.name) for tag in missing]
    tags.update((tag.name, tag) for tag in missing)
    TaggedCourse.objects.bulk_create(
        [
            TaggedCourse(content_object=course, tag=tags[name])
            for course, topics in courses
            for name in dict.fromkeys(topics)
        ],
        batch_size=500,
    )


def _insert_reported(
    model: type[Model], kind: str, rows: Sequence[tuple[Model, str]], outcomes: PageOutcomes
) -> set[int]:
    """Insert ``rows`` (row, label) in bulk and report each created or failed; the ``id()`` of those inserted."""
    failed = {id(row): error for row, error in rows_insert(model, [row for row, _label in rows])}
    inserted = set()
    for row, label in rows:
        if id(row) in failed:
            outcomes.fail(kind, label, failed[id(row)])
        else:
            outcomes.add(kind, label, CREATED)
            inserted.add(id(row))
    return inserted
