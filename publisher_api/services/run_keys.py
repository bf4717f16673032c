"""Course run keys for new runs: ``course-v1:{org}+{number or rerun key}+{term}``.

The term is the calendar quarter and year of the run's start, ``{quarter}T{year}`` (a run starting in
May 2024 is ``2T2024``), as the incumbent service writes it. When that key is taken (two runs starting in
the same quarter) a letter is appended: ``2T2024a``, ``2T2024b``, ... then ``2T2024-27``, ... so the
derived key is always free. Keys are immutable once created.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from course_metadata.models import Course, CourseRun


def term_for(start: dt.datetime) -> str:
    quarter = (start.month - 1) // 3 + 1
    return f"{quarter}T{start.year}"


def _candidates(base: str) -> Iterator[str]:
    yield base
    for letter in string.ascii_lowercase:
        yield f"{base}{letter}"
    number = len(string.ascii_lowercase) + 1
    while True:
        yield f"{base}-{number}"
        number += 1


def key_is_taken(key: str) -> bool:
    # Draft and official rows share keys, and a deleted draft's key may be reused: any row counts.
    return CourseRun.objects.filter(key=key).exists()


def derive_course_run_key(*, course: Course, start: dt.datetime) -> str:
    """The first free key for a run of ``course`` starting at ``start``."""
    org, number = course.rerun_key_parts
    for term in _candidates(term_for(start)):
        key = f"course-v1:{org}+{number}+{term}"
        if not key_is_taken(key):
            return key
    raise AssertionError("unreachable: the candidate terms never run out")


def validate_supplied_key(*, key: str | None) -> str:
    """A key the course team typed in (organizations that do not auto-generate keys)."""
    if not key:
        raise ValidationError(
            {"key": _("This organization does not generate run keys; supply the key (course-v1:ORG+NUMBER+RUN).")}
        )
    try:
        CourseKey.from_string(key)
    except InvalidKeyError as error:
        raise ValidationError({"key": _("%(key)r is not a valid course run key.") % {"key": key}}) from error
    if key_is_taken(key):
        raise ValidationError({"key": _("A course run with key %(key)s already exists.") % {"key": key}})
    return key
