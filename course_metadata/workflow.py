"""The course run review workflow, in one place: the allowed moves, the one transition function, the rules.

unpublished → review_by_legal → review_by_internal → reviewed → published. Reviewers may send a run back
to unpublished; an edit to a reviewed or published run sends it back too. Reaching ``reviewed`` copies
the draft onto the official rows; the run is ``published`` once its go-live date has passed (at once if it
already has or there is none; otherwise the periodic task ``publish_due_course_runs``).

The status lives on the row the editor works on: the draft where one exists, else the official row. The
official run carries the status it had at its last publish, so the public keeps seeing a published run
while its edited draft waits for review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from course_metadata import signals
from course_metadata.models import CourseRun, CourseRunStatus
from course_metadata.services.publishing import course_run_go_live, course_run_publish_draft
from course_metadata.services.rows import row_save

Status = CourseRunStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.UNPUBLISHED: frozenset({Status.LEGAL_REVIEW}),
    # Each reviewer either passes the run on or sends it back to the course team.
    Status.LEGAL_REVIEW: frozenset({Status.INTERNAL_REVIEW, Status.UNPUBLISHED}),
    Status.INTERNAL_REVIEW: frozenset({Status.REVIEWED, Status.UNPUBLISHED}),
    # Back to unpublished when the course team edits it again (course_run_note_edit).
    Status.REVIEWED: frozenset({Status.PUBLISHED, Status.UNPUBLISHED}),
    Status.PUBLISHED: frozenset({Status.UNPUBLISHED}),
}

# Edits to these do not need a new review. Operational numbers written by loaders, the go-live date (when
# a reviewed run goes out is a scheduling choice, not content) and bookkeeping columns.
EDIT_EXEMPT_FIELDS: frozenset[str] = frozenset(
    {
        "status",
        "go_live_date",
        "enrollment_count",
        "recent_enrollment_count",
        "enterprise_subscription_inclusion",
        "draft",
        "draft_version",
        "draft_base",
        "created",
        "modified",
        "data_modified_timestamp",
    }
)


def is_due(course_run: CourseRun, *, now: dt.datetime) -> bool:
    """Whether a reviewed run should be published now: no go-live date, or one that has passed."""
    return course_run.go_live_date is None or course_run.go_live_date <= now


def _workflow_row(course_run: CourseRun) -> CourseRun:
    """The row whose status the workflow moves (the draft where one exists), locked for this transaction."""
    pk = course_run.draft_version_id if not course_run.draft and course_run.draft_version_id else course_run.pk
    return CourseRun.objects.select_for_update().get(pk=pk)


def course_run_transition(*, course_run: CourseRun, to_status: str, user: AbstractBaseUser | None = None) -> CourseRun:
    """Move ``course_run`` to ``to_status`` if the workflow allows it, apply the consequences, announce it.

    Returns the workflow row (the draft where one exists). Raises ValidationError naming the allowed moves.
    """
    with transaction.atomic():
        run = _workflow_row(course_run)
        from_status = run.status
        if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
            allowed = ", ".join(sorted(ALLOWED_TRANSITIONS.get(from_status, ()))) or "none"
            raise ValidationError(
                {
                    "status": _(
                        "A course run cannot move from '%(from_status)s' to '%(to_status)s'. Allowed: %(allowed)s."
                    )
                    % {"from_status": from_status, "to_status": to_status, "allowed": allowed}
                },
                code="invalid_transition",
            )
        run.status = to_status
        row_save(run)
        signals.course_run_status_changed.send(
            sender=CourseRun, course_run=run, old_status=from_status, new_status=to_status, user=user
        )
        if to_status == Status.REVIEWED:
            course_run_publish_draft(course_run=run)
            if is_due(run, now=timezone.now()):
                run = course_run_transition(course_run=run, to_status=Status.PUBLISHED, user=user)
        elif to_status == Status.PUBLISHED:
            course_run_go_live(course_run=run)
    return run


def course_run_note_edit(
    *, course_run: CourseRun, changed_fields: Iterable[str], user: AbstractBaseUser | None = None
) -> CourseRun:
    """Apply the edit rule: changing a reviewed or published run's non-exempt data needs a new review.

    Call it after any edit of a run's draft, naming what changed (field names, or a relation such as
    ``"seats"`` or ``"staff"``). The official rows stay as they were until the run is reviewed again.
    """
    needs_review = set(changed_fields) - EDIT_EXEMPT_FIELDS
    if needs_review and course_run.status in (Status.REVIEWED, Status.PUBLISHED):
        return course_run_transition(course_run=course_run, to_status=Status.UNPUBLISHED, user=user)
    return course_run
