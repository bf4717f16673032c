"""If-Match for the rows an editor works on (optimistic concurrency, 412 on a stale tag).

The tag itself is the domain's (``course_metadata.selectors.etags.etag_for``), so the read API hands
editors the very tag checked here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from course_metadata.models import Course, CourseRun
from course_metadata.selectors.etags import etag_for


def if_match_satisfied(header: str | None, current: str) -> bool:
    """No header means no precondition; ``*`` matches any existing row; weak tags compare by their value."""
    if not header:
        return True
    candidates = [candidate.strip() for candidate in header.split(",")]
    return any(candidate == "*" or candidate.removeprefix("W/") == current for candidate in candidates)


class StaleEdit(Exception):
    """The row changed since the editor read it: the If-Match precondition no longer holds (HTTP 412)."""


def require_if_match(if_match: str | None, row: Course | CourseRun) -> None:
    """Raise ``StaleEdit`` unless ``if_match`` matches ``row``; call it under the lock the write holds."""
    if not if_match_satisfied(if_match, etag_for(row)):
        raise StaleEdit(
            _("This draft changed since you read it; reload it (GET ?editable=1) and apply your edit again.")
        )
