"""A run's key belongs to its course: ``course-v1:edX+CS101+2T2024`` is a run of ``edX+CS101`` only.

The org and number in a run key are those of the course's key, or of its ``key_for_reruns`` (the name the
course takes for future runs, docs/decisions/0052). Any other org or number makes the run unreachable by
the LMS and studio under the course it is filed under, so it is refused on every write path: the admin,
the Publisher API and loaders all end in ``CourseRun.clean()`` or ``row_save``, which call
:func:`check_course_run_key` (docs/decisions/0010, 0011).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

if TYPE_CHECKING:
    from course_metadata.models import Course, CourseRun


def course_keys_for_runs(course: Course) -> list[str]:
    """The ``org+number`` pairs a run of ``course`` may carry, the course's own key first."""
    keys = [course.key]
    if course.key_for_reruns and course.key_for_reruns != course.key:
        keys.append(course.key_for_reruns)
    return [key for key in keys if key]


def run_key_course_part(run_key: str) -> str | None:
    """``edX+CS101`` for ``course-v1:edX+CS101+2T2024`` (and for ``edX/CS101/2T2024``); None when unparsable."""
    try:
        parsed = CourseKey.from_string(run_key)
    except InvalidKeyError:
        return None
    return f"{parsed.org}+{parsed.course}"


def check_course_run_key(course_run: CourseRun) -> None:
    """Refuse a run whose key names another course; say which keys would fit.

    An unparsable key is left to the field's own validator, which says what the form should be.
    """
    # The course may be unsaved yet (a course added in the admin together with its runs): read it as set.
    course_is_set = course_run.course_id is not None or course_run._meta.get_field("course").is_cached(course_run)
    if not course_run.key or not course_is_set:
        return
    course_part = run_key_course_part(course_run.key)
    if course_part is None:
        return
    allowed = course_keys_for_runs(course_run.course)
    if not allowed or course_part in allowed:
        return
    expected = " or ".join(f"course-v1:{key}+RUN" for key in allowed)
    raise ValidationError(
        {
            "key": (
                _(
                    "The run key %(key)s belongs to the course %(course_part)s, not to %(key_2)s; a run of %(key_2)s has a key of the form %(expected)s."
                )
                % {
                    "key": course_run.key,
                    "course_part": course_part,
                    "key_2": course_run.course.key,
                    "expected": expected,
                }
            )
        },
        code="run_key_of_other_course",
    )
