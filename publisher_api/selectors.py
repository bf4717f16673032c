"""Reads the Publisher write endpoints need: the row an editor works on, found by UUID or key."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from course_metadata.models import Course, CourseEditor, CourseRun
from publisher_api.models import PublisherRoleAssignment, PublisherRoleEvent


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def course_for_editing(identifier: str) -> Course:
    """The editable row (draft where one exists, else official) of the course with this UUID or key."""
    courses = Course.objects.editable().select_related("type", "partner")
    parsed = _as_uuid(identifier)
    course = (courses.filter(uuid=parsed) if parsed else courses.filter(key=identifier)).order_by("pk").first()
    if course is None:
        raise Http404(_("No course %(identifier)s.") % {"identifier": identifier})
    return course


def course_run_for_editing(identifier: str) -> CourseRun:
    runs = CourseRun.objects.editable().select_related("course", "course__type", "type")
    parsed = _as_uuid(identifier)
    course_run = (runs.filter(uuid=parsed) if parsed else runs.filter(key=identifier)).order_by("pk").first()
    if course_run is None:
        raise Http404(_("No course run %(identifier)s.") % {"identifier": identifier})
    return course_run


def course_editors_of(course: Course) -> QuerySet[CourseEditor]:
    """Editors of every row of the course (they follow the draft once one exists)."""
    return (
        CourseEditor.objects.filter(course__partner_id=course.partner_id, course__uuid=course.uuid)
        .select_related("user", "course")
        .order_by("created", "pk")
    )


def publisher_role_assignments() -> QuerySet[PublisherRoleAssignment]:
    return PublisherRoleAssignment.objects.select_related("user", "role", "assigned_by").order_by("-created", "-pk")


def publisher_role_events() -> QuerySet[PublisherRoleEvent]:
    return PublisherRoleEvent.objects.select_related("user", "role", "actor").order_by("-created", "-pk")
