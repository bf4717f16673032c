"""One lock per course for everyone who edits it, and the row an edit will change, read under that lock.

An editor's first edit creates the course's draft; later edits change the draft. A writer that locked
only the row it had found (the official one, before any draft existed) and compared its precondition
with that row would not notice a draft another writer made meanwhile, and would overwrite it. So every
Publisher write of a course or of one of its runs first locks all of the course's rows (official and
draft, in primary-key order so two writers never deadlock on them), and only then reads the row the
write will change. PostgreSQL's READ COMMITTED gives each statement a fresh snapshot, so that second read
sees a draft committed by the writer that held the lock before us.

On SQLite ``select_for_update`` does nothing; there a write transaction holds the whole database.
"""

from __future__ import annotations

from uuid import UUID

from course_metadata.models import Course, CourseRun


def _lock_course_rows(*, partner_id: int, uuid: UUID) -> None:
    rows = Course.objects.filter(partner_id=partner_id, uuid=uuid).order_by("pk")
    list(rows.select_for_update().values_list("pk", flat=True))


def course_lock_for_edit(*, course: Course) -> Course:
    """Lock ``course`` (every row of it) and return its editable row as it is now: the draft if one exists.

    Call inside ``transaction.atomic()``. Raises ``Course.DoesNotExist`` if the course was deleted meanwhile.
    """
    _lock_course_rows(partner_id=course.partner_id, uuid=course.uuid)
    current = (
        Course.objects.editable()
        .filter(partner_id=course.partner_id, uuid=course.uuid)
        .select_related("type", "partner")
        .select_for_update(of=("self",))
        .order_by("pk")
        .first()
    )
    if current is None:
        raise Course.DoesNotExist(f"The course {course.key} no longer exists.")
    return current


def course_run_lock_for_edit(*, course_run: CourseRun) -> CourseRun:
    """Lock the run's course (as ``course_lock_for_edit`` does) and return the run's editable row as it is now.

    A course edit changes its runs too (it sends reviewed runs back to unpublished, its first edit drafts
    every run), so runs share their course's lock. Raises ``CourseRun.DoesNotExist`` if the run is gone.
    """
    course = course_run.course
    _lock_course_rows(partner_id=course.partner_id, uuid=course.uuid)
    current = (
        CourseRun.objects.editable()
        .filter(uuid=course_run.uuid)
        .select_related("course", "course__type", "course__partner", "type")
        .select_for_update(of=("self",))
        .order_by("pk")
        .first()
    )
    if current is None:
        raise CourseRun.DoesNotExist(f"The course run {course_run.key} no longer exists.")
    return current
