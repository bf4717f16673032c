"""Copy reviewed draft state onto the official rows, keeping official primary keys, UUIDs and slugs stable.

Values are assigned onto the official instances and saved through the normal ``save()``, only when they
differ, so a publish of identical data moves no timestamp and a publish that changes data moves the
official's. Before copying, the draft is merged with what loaders wrote on the official meanwhile
(course_metadata.services.draft_merge): a conflict refuses the publish with a list of what to resolve.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q

from course_metadata import signals
from course_metadata.models import Course, CourseRun, CourseRunStatus, CourseUrlSlugHistory
from course_metadata.services.draft_copy import copy_node, record_base, sync_canonical_run
from course_metadata.services.draft_graph import official_of
from course_metadata.services.draft_merge import MergePlan, apply_rebase, plan_root, raise_for_conflicts
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update

logger = logging.getLogger(__name__)


def _course_draft(course: Course) -> Course | None:
    if course.draft:
        # Fresh from the database, in place so the caller's instance sees the new draft_base too.
        course.refresh_from_db()
        return course
    return Course.objects.filter(pk=course.draft_version_id).first() if course.draft_version_id else None


def _run_draft(course_run: CourseRun) -> CourseRun | None:
    if course_run.draft:
        course_run.refresh_from_db()
        return course_run
    return CourseRun.objects.filter(pk=course_run.draft_version_id).first() if course_run.draft_version_id else None


def _copy_course(draft: Course, official: Course | None) -> tuple[Course, bool]:
    created = official is None
    old_slug = official.url_slug if official is not None else ""
    official = copy_node(draft, official, to_draft=False)
    # save() never writes derived flags onto an existing row: recompute them from the inputs just copied
    # or rebased (the courses', their runs' and their programs').
    subscription_inclusion_update(courses=[draft, official])
    if old_slug and old_slug != official.url_slug:
        # Old marketing URLs keep working: the slug history redirects them.
        CourseUrlSlugHistory.objects.get_or_create(course=official, url_slug=old_slug)
    return official, created


def course_publish_draft(*, course: Course) -> Course:
    """Publish the course-level draft state (fields, marketing rows, entitlements, links, tags).

    Runs are published one by one (``course_run_publish_draft``), when their review ends. Returns the
    official course; a course without a draft is returned as it is.
    """
    with transaction.atomic():
        draft = _course_draft(course)
        if draft is None:
            return course
        official = official_of(draft)
        plan = MergePlan()
        plan_root(draft, official, plan)
        raise_for_conflicts(plan)
        apply_rebase(plan)
        official, created = _copy_course(draft, official)
        sync_canonical_run(draft, official, to_draft=False)
        record_base(draft, official)
        signals.course_draft_published.send(sender=Course, official=official, draft=draft, created=created)
    return official


def course_run_publish_draft(*, course_run: CourseRun) -> CourseRun:
    """Publish one run's draft (fields, status, seats, staff) together with its course's draft state.

    Creates the official course and run on their first publish. Returns the official run; a run without
    a draft is returned as it is.
    """
    with transaction.atomic():
        draft_run = _run_draft(course_run)
        if draft_run is None:
            return course_run
        draft_course = draft_run.course
        official_course, official_run = official_of(draft_course), official_of(draft_run)
        plan = MergePlan()
        plan_root(draft_course, official_course, plan)
        plan_root(draft_run, official_run, plan)
        raise_for_conflicts(plan)
        apply_rebase(plan)
        official_course, course_created = _copy_course(draft_course, official_course)
        run_created = official_run is None
        official_run = copy_node(
            draft_run,
            official_run,
            to_draft=False,
            extra={"course_id": official_course.pk, "status": draft_run.status},
        )
        subscription_inclusion_update(course_runs=[official_run])  # its pacing may have changed
        sync_canonical_run(draft_course, official_course, to_draft=False)
        record_base(draft_course, official_course)
        record_base(draft_run, official_run)
        signals.course_draft_published.send(
            sender=Course, official=official_course, draft=draft_course, created=course_created
        )
        signals.course_run_draft_published.send(
            sender=CourseRun, official=official_run, draft=draft_run, created=run_created
        )
    return official_run


def course_run_go_live(*, course_run: CourseRun) -> None:
    """Mark the official run published, as its draft just became (called by the workflow).

    Only the status and the go-live date move: everything else was copied when the run was reviewed, and
    the draft may hold newer course edits awaiting their own review.
    """
    official = official_of(course_run) if course_run.draft else None
    if official is None:
        return  # an official-only run already carries its status; a never-published draft has no official
    values = {"status": CourseRunStatus.PUBLISHED, "go_live_date": course_run.go_live_date}
    changed = [name for name, value in values.items() if getattr(official, name) != value]
    if changed:
        for name in changed:
            setattr(official, name, values[name])
        row_save(official)


def course_runs_publish_due(*, now: dt.datetime) -> list[CourseRun]:
    """Move every reviewed run whose go-live date has passed (or that has none) to published.

    Each run moves in its own transaction, so one failure does not hold the others back; it is logged and
    retried on the next run of the periodic task.
    """
    # The workflow calls this module when a run reaches reviewed; importing it here avoids the cycle.
    from course_metadata.workflow import course_run_transition

    published = []
    due = (
        CourseRun.objects.editable()
        .filter(status=CourseRunStatus.REVIEWED)
        .filter(Q(go_live_date__lte=now) | Q(go_live_date__isnull=True))
        .order_by("pk")
    )
    for course_run in due:
        try:
            published.append(course_run_transition(course_run=course_run, to_status=CourseRunStatus.PUBLISHED))
        except Exception:
            logger.exception("Could not publish course run %s at its go-live date.", course_run.key)
    return published
