"""Who sees which draft changes in the feed: the one permission check of ``GET /api/v1/changes/?editable=1``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from course_metadata.models import CourseEditor


def editable_drafts(user: Any) -> Q | None:
    """The draft entries ``user`` may see (None: none at all).

    Staff see every draft change; a course editor sees the draft changes of the courses they edit (the
    course and its runs, matched by the course's uuid, which drafts share with their official rows).
    To be replaced by the shared rule book (publisher_api.permissions) without touching the callers.
    """
    if user is None or not user.is_authenticated:
        return None
    if user.is_staff or user.is_superuser:
        return Q()
    return Q(course_uuid__in=CourseEditor.objects.filter(user=user).values("course__uuid"))
