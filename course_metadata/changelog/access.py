"""Who sees which draft changes in the feed: the one permission check of ``GET /api/v1/changes/?editable=1``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from course_metadata.selectors.editing import editable_course_rows, may_read_drafts


def editable_drafts(user: Any) -> Q | None:
    """The draft entries ``user`` may see (None: none at all).

    Exactly the courses ``courses/?editable=1`` serves the user (the same registered rule, not a copy of
    it): the draft changes of those courses and of their runs, matched by the course's uuid, which drafts
    share with their official rows. So an editor who leaves the organization stops seeing its drafts, and
    an organization member sees the drafts of a course left without a valid editor.
    """
    if user is None or not user.is_authenticated or not may_read_drafts(user):
        return None
    return Q(course_uuid__in=editable_course_rows(user).values("uuid"))
