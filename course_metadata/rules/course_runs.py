"""A run's key belongs to its course, its external key is unique where it is used, and it has a URL slug."""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_metadata.rules import has_changed

if TYPE_CHECKING:
    from course_metadata.models import CourseRun


def check_course_run(course_run: CourseRun) -> None:
    """The refusals: a new or moved key must be one of the course's, an external key must not clash.

    Only a new or moved key is checked: a run keyed before the course's ``key_for_reruns`` changed stays valid.
    """
    from course_metadata.rules.external_keys import check_course_run_external_key
    from course_metadata.rules.run_keys import check_course_run_key

    if has_changed(course_run, "key", "course_id"):
        check_course_run_key(course_run)
    if course_run.external_key and has_changed(course_run, "external_key", "course_id"):
        check_course_run_external_key(course_run)


def default_course_run_slug(course_run: CourseRun) -> None:
    """A run without a slug shares its other version's (draft or official), or gets title plus key."""
    if not course_run.slug:
        course_run.slug = course_run.counterpart_slug() or course_run.build_slug()
