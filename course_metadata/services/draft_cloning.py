"""Building a course's draft world from its official rows (used by course_metadata.services.drafts)."""

from __future__ import annotations

from course_metadata.models import Course, CourseEditor, CourseRun
from course_metadata.services.draft_copy import copy_node, record_base, sync_canonical_run


def clone_course_world(official: Course) -> Course:
    """Draft copies of the course, its owned marketing rows, entitlements, links, tags and every run."""
    draft = copy_node(official, None, to_draft=True)
    for official_run in official.course_runs.official():
        clone_run(official_run, draft)
    sync_canonical_run(official, draft, to_draft=True)
    record_base(draft, official)
    return draft


def clone_run(official_run: CourseRun, draft_course: Course) -> CourseRun:
    """A draft copy of one run (seats and staff included) inside ``draft_course``."""
    draft_run = copy_node(
        official_run, None, to_draft=True, extra={"course_id": draft_course.pk, "status": official_run.status}
    )
    record_base(draft_run, official_run)
    return draft_run


def complete_world(official: Course, draft: Course) -> None:
    """Give drafts to runs that reached the official course after its draft was made (a loader added them)."""
    for official_run in official.course_runs.official().filter(draft_version__isnull=True):
        clone_run(official_run, draft)
    if draft.canonical_course_run_id is None and official.canonical_course_run_id is not None:
        sync_canonical_run(official, draft, to_draft=True)


def move_editors(official: Course, draft: Course) -> None:
    """Editors follow the row that is edited: once a draft exists, permissions are checked against it."""
    already = set(draft.editors.values_list("user_id", flat=True))
    CourseEditor.objects.filter(course=official, user_id__in=already).delete()
    CourseEditor.objects.filter(course=official).update(course=draft)
