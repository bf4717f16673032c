"""Enterprise subscription inclusion: the manual flags and the flags derived from them, kept in step.

Inputs (set by people): ``Organization.enterprise_subscription_inclusion`` and
``Course.enterprise_subscription_opt_in``. Derived flags (never set by hand):

* a course is included when it opted in, has at least one authoring organization, and every authoring
  organization is included (one organization opting out takes the course out);
* a run is included when its course is included and the run is not instructor-paced;
* a program is included when it has at least one course and every one of its courses is included.

Who recomputes what (docs/decisions/0022-visible-write-path.rst): nothing happens behind a ``save()``.
Every service that changes an input calls this module, in the same transaction, after its write:

* :func:`subscription_inclusion_update` with the rows it created or whose inputs it changed (an
  organization's flag, a course's opt-in or authoring organizations, a run's pacing or course, a
  program's courses); it recomputes them and everything downstream, and reloads the flag on the instances
  it was given so the caller answers with the stored value;
* :func:`subscription_inclusion_deleting` around the deletion of courses or organizations, whose
  dependants (the programs of a course, the courses of an organization) are read before the rows go.

The write paths that do so: the Publisher services (``publisher_api.services``), the draft and publishing
services (``course_metadata.services.drafts``, ``.publishing``), the admin (``course_metadata.admin.base``
``SubscriptionInclusionAdminMixin``), and the test factories. The demo seeder computes the same rules while
it bulk-inserts (``course_metadata.demo``), and a test checks that a refresh afterwards changes nothing.
:func:`subscription_inclusion_refresh` is the one writer of the flags, through ``QuerySet.update()``; the
models' ``save()`` never writes them (``DerivedFieldsMixin``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.dispatch import Signal
from django.utils import timezone

from course_metadata.models import Course, CourseRun, CourseRunPacing, Organization, Program

FLAG = "enterprise_subscription_inclusion"

# Sent once per model after subscription_inclusion_refresh() changed derived flags, inside the same
# transaction. Arguments: sender (Course, CourseRun or Program), changed (dict pk -> new value). Change
# tracking does not need it (the writes go through its TrackedQuerySet.update()); it is for other listeners.
subscription_inclusion_changed = Signal()


@dataclass
class SubscriptionInclusionChanges:
    """Rows whose derived flag one refresh flipped, each mapped to its new value."""

    courses: dict[int, bool] = field(default_factory=dict)
    course_runs: dict[int, bool] = field(default_factory=dict)
    programs: dict[int, bool] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.courses or self.course_runs or self.programs)


def course_inclusion_condition() -> Q:
    """Row-level condition (no joins, so usable in UPDATE) under which a course is included."""
    return Q(enterprise_subscription_opt_in=True) & _organizations_allow()


def _organizations_allow() -> Q:
    """The course has an authoring organization, and none of them opted out."""
    through = Course.authoring_organizations.through
    return Q(Exists(through.objects.filter(course_id=OuterRef("pk")))) & ~Q(
        Exists(through.objects.filter(course_id=OuterRef("pk"), organization__enterprise_subscription_inclusion=False))
    )


def course_run_inclusion_condition() -> Q:
    return ~Q(pacing_type=CourseRunPacing.INSTRUCTOR) & Q(
        Exists(Course.objects.filter(pk=OuterRef("course_id"), enterprise_subscription_inclusion=True))
    )


def program_inclusion_condition() -> Q:
    through = Program.courses.through
    return Q(Exists(through.objects.filter(program_id=OuterRef("pk")))) & ~Q(
        Exists(through.objects.filter(program_id=OuterRef("pk"), course__enterprise_subscription_inclusion=False))
    )


def subscription_inclusion_refresh(
    *,
    organization_ids: Iterable[int] = (),
    course_ids: Iterable[int] = (),
    course_run_ids: Iterable[int] = (),
    program_ids: Iterable[int] = (),
) -> SubscriptionInclusionChanges:
    """Recompute the derived subscription flags downstream of the given objects, set-based.

    The one writer of derived flags through ``QuerySet.update()``. Seeds cascade downwards:

    * ``organization_ids`` → the courses they author → those courses' runs and the programs containing them;
    * ``course_ids`` → those courses → their runs and the programs containing them;
    * ``course_run_ids`` → those runs; ``program_ids`` → those programs.

    Only rows whose stored flag disagrees with the rule are written, so a refresh that changes nothing
    writes nothing. The writes are ``QuerySet.update()`` calls on the models' default managers, which are
    change-tracked (``course_metadata.tracking.TrackedQuerySet``): the ``data_modified_timestamp`` of every
    row whose flag flips moves and its change-log entry is written, in this transaction. Afterwards
    :data:`subscription_inclusion_changed` is sent once per model with the flipped primary keys. The query
    count does not grow with the number of rows: a constant handful per model (find the flips, write them).

    Any extra bookkeeping for derived flags belongs here (or on the signal): this is the one place that
    writes them. Write services call it through :func:`subscription_inclusion_update`.
    """
    organization_ids, course_ids = list(organization_ids), list(course_ids)
    course_run_ids, program_ids = list(course_run_ids), list(program_ids)
    changes = SubscriptionInclusionChanges()
    if not (organization_ids or course_ids or course_run_ids or program_ids):
        return changes

    with transaction.atomic():
        course_scope: models.QuerySet[Course] | None = None
        if organization_ids or course_ids:
            authored = Course.authoring_organizations.through.objects.filter(organization_id__in=organization_ids)
            course_scope = Course.objects.filter(Q(pk__in=course_ids) | Q(pk__in=authored.values("course_id")))
            changes.courses = _apply(course_scope, course_inclusion_condition())

        run_seed = Q(pk__in=course_run_ids)
        program_seed = Q(pk__in=program_ids)
        if course_scope is not None:
            scoped_course_pks = course_scope.values("pk")
            run_seed |= Q(course_id__in=scoped_course_pks)
            containing = Program.courses.through.objects.filter(course_id__in=scoped_course_pks)
            program_seed |= Q(pk__in=containing.values("program_id"))
        if course_run_ids or course_scope is not None:
            changes.course_runs = _apply(CourseRun.objects.filter(run_seed), course_run_inclusion_condition())
        if program_ids or course_scope is not None:
            changes.programs = _apply(Program.objects.filter(program_seed), program_inclusion_condition())

        for model, changed in (
            (Course, changes.courses),
            (CourseRun, changes.course_runs),
            (Program, changes.programs),
        ):
            if changed:
                subscription_inclusion_changed.send(sender=model, changed=changed)
    return changes


def subscription_inclusion_update(
    *,
    organizations: Iterable[Organization] = (),
    courses: Iterable[Course] = (),
    course_runs: Iterable[CourseRun] = (),
    programs: Iterable[Program] = (),
) -> SubscriptionInclusionChanges:
    """After a write that changed an input of the derived flags: bring them, and everything downstream, in step.

    Pass the rows created or whose inputs changed; passing a row whose inputs did not change costs a few
    queries and writes nothing. The flags of the given instances are reloaded when they flipped, so a caller
    that goes on to serialize or save them holds the stored value (and a clean ``FieldTracker``).
    """
    courses, course_runs, programs = list(courses), list(course_runs), list(programs)
    changes = subscription_inclusion_refresh(
        organization_ids=[organization.pk for organization in organizations],
        course_ids=[course.pk for course in courses],
        course_run_ids=[course_run.pk for course_run in course_runs],
        program_ids=[program.pk for program in programs],
    )
    given: list[tuple[list[Any], dict[int, bool]]] = [
        (courses, changes.courses),
        (course_runs, changes.course_runs),
        (programs, changes.programs),
    ]
    for instances, flipped in given:
        for instance in instances:
            if instance.pk in flipped:
                instance.refresh_from_db(fields=[FLAG])
    return changes


@contextmanager
def subscription_inclusion_deleting(
    *, courses: Iterable[Course] = (), organizations: Iterable[Organization] = ()
) -> Iterator[None]:
    """Wrap the deletion of courses or organizations: what depended on them is recomputed once they are gone.

    A deleted course may have kept its programs out; a deleted organization may have kept its courses out.
    Their dependants are read before the block (afterwards the links are gone with the rows).
    """
    course_pks = [course.pk for course in courses]
    organization_pks = [organization.pk for organization in organizations]
    with transaction.atomic():
        program_ids = list(
            Program.courses.through.objects.filter(course_id__in=course_pks).values_list("program_id", flat=True)
        )
        course_ids = list(
            Course.authoring_organizations.through.objects.filter(organization_id__in=organization_pks).values_list(
                "course_id", flat=True
            )
        )
        yield
        subscription_inclusion_refresh(program_ids=set(program_ids), course_ids=set(course_ids) - set(course_pks))


def _apply(scope: models.QuerySet[Any], condition: Q) -> dict[int, bool]:
    """Write the rule's value on the rows of ``scope`` that disagree with it; return {pk: new value}."""
    disagree = Q(**{FLAG: False}) & condition | Q(**{FLAG: True}) & ~condition
    flips = {pk: not old for pk, old in scope.filter(disagree).values_list("pk", FLAG)}
    if flips:
        # One UPDATE for both directions; ``modified`` because the row was written (it is not data).
        scope.filter(disagree).update(
            **{FLAG: Case(When(condition, then=Value(True)), default=Value(False))}, modified=timezone.now()
        )
    return flips
