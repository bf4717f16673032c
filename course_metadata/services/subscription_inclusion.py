"""Enterprise subscription inclusion: the manual flags and the flags derived from them, kept in step.

Inputs (set by people): ``Organization.enterprise_subscription_inclusion`` and
``Course.enterprise_subscription_opt_in``. Derived flags (never set by hand):

* a course is included when it opted in, has at least one authoring organization, and every authoring
  organization is included (one organization opting out takes the course out);
* a run is included when its course is included and the run is not instructor-paced;
* a program is included when it has at least one course and every one of its courses is included.

Who recomputes what:

* ``Course.save()`` and ``CourseRun.save()`` derive their own flag from their own fields
  (:func:`course_subscription_inclusion`, :func:`course_run_subscription_inclusion`), inside the same
  row write, so change tracking sees it like any other field change.
* Everything else (an organization flip, authoring organizations or program courses changing, a course
  flag that flips and must reach its runs and programs) goes through :func:`subscription_inclusion_refresh`,
  called from ``course_metadata.receivers``. It is the only code that writes these flags with
  ``QuerySet.update()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.dispatch import Signal
from django.utils import timezone

from course_metadata.models import Course, CourseRun, CourseRunPacing, Program

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


def course_subscription_inclusion(*, course: Course) -> bool:
    """What ``course``'s derived flag should be, from its opt-in (in memory) and its stored organizations."""
    if not course.enterprise_subscription_opt_in or course.pk is None:
        # A course without a primary key has no authoring organizations yet.
        return False
    return Course.objects.filter(pk=course.pk).filter(_organizations_allow()).exists()


def course_run_subscription_inclusion(*, course_run: CourseRun) -> bool:
    """What ``course_run``'s derived flag should be, from its pacing (in memory) and its course's stored flag."""
    if course_run.pacing_type == CourseRunPacing.INSTRUCTOR or not course_run.course_id:
        return False
    return Course.objects.filter(pk=course_run.course_id, enterprise_subscription_inclusion=True).exists()


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

    Hook point: any extra bookkeeping for derived flags belongs here (or on the signal), since this is the
    one place that bulk-writes them; the models' own ``save()`` derivations are ordinary field changes.
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
