"""Which courses the caller may edit, asked once per page (the rules are publisher_api.permissions')."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from course_metadata.models import Course


def editable_course_uuids(user: Any, uuids: Iterable[UUID]) -> set[UUID]:
    """The subset of ``uuids`` whose course ``user`` may edit in Publisher, in at most a few queries.

    Staff with their powers edit everything; internal users made read-only, and users who are not
    Publisher users at all, edit nothing (two small queries tell); everyone else edits what
    ``editable_courses`` grants them.
    """
    from publisher_api import permissions

    uuids = list(uuids)
    if not uuids or user is None or not user.is_authenticated:
        return set()
    if permissions.has_staff_powers(user):
        return set(uuids)
    if permissions.is_read_only_internal_user(user) or not permissions.is_publisher_user(user):
        return set()
    return set(permissions.editable_courses(user).filter(uuid__in=uuids).values_list("uuid", flat=True))


def editable_course_rows(user: Any) -> QuerySet[Course]:
    """The rows ``?editable=1`` serves (drafts where they exist, else officials) that ``user`` may edit."""
    from publisher_api.permissions import editable_courses

    return editable_courses(user)


def may_read_drafts(user: Any) -> bool:
    """Only Publisher users (staff, legal reviewers, organization members) ever see a draft."""
    from publisher_api.permissions import is_publisher_user

    return is_publisher_user(user)
