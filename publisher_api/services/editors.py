"""Course editors: adding and removing them, and the object permissions the admin honours for them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from course_metadata.models import Course, CourseEditor
from publisher_api import permissions

# The object permission granted to editors on every row (draft and official) of their courses.
CHANGE_COURSE = "course_metadata.change_course"


def _course_rows(course: Course) -> list[Course]:
    return list(Course.objects.filter(partner_id=course.partner_id, uuid=course.uuid))


def course_editor_add(*, user: AbstractBaseUser, course: Course, editor: User) -> CourseEditor:
    """Make ``editor`` (a member of one of the course's authoring organizations) an editor of ``course``."""
    if not permissions.can_manage_course_editors(user, course):
        raise PermissionDenied(_("You may not manage the editors of this course."))
    if not permissions.can_be_course_editor(editor, course):
        raise ValidationError(
            {
                "user_id": _("%(value0)s is not a member of this course's organizations and cannot edit it.")
                % {"value0": editor.get_username()}
            }
        )
    rows = _course_rows(course)
    existing = CourseEditor.objects.filter(user=editor, course__in=rows).first()
    if existing is not None:
        return existing
    # Editors live on the row that is edited: the draft when there is one.
    target = next((row for row in rows if row.draft), rows[0])
    with transaction.atomic():
        course_editor = CourseEditor(user=editor, course=target)
        course_editor.full_clean()
        course_editor.save()
        course_editor_permissions_sync(course=target)
    return course_editor


def course_editor_remove(*, user: AbstractBaseUser, course_editor: CourseEditor) -> None:
    if not permissions.can_manage_course_editors(user, course_editor.course):
        raise PermissionDenied(_("You may not manage the editors of this course."))
    with transaction.atomic():
        course = course_editor.course
        course_editor.delete()
        course_editor_permissions_sync(course=course)


def course_editor_permissions_sync(*, course: Course) -> None:
    """Grant ``change_course`` on every row of the course to its valid editors, and take it from anyone else."""
    rows = _course_rows(course)
    if not rows:
        return
    user_model = get_user_model()
    editors = {
        editor
        for editor in user_model.objects.filter(editable_courses__course__in=rows).distinct()
        if permissions.can_be_course_editor(editor, course)
    }
    for row in rows:
        holders = set(_users_with_change_perm(row))
        for editor in editors - holders:
            assign_perm(CHANGE_COURSE, editor, row)
        for former in holders - editors:
            remove_perm(CHANGE_COURSE, former, row)


def _users_with_change_perm(course: Course) -> list[AbstractBaseUser]:
    from guardian.shortcuts import get_users_with_perms

    return list(
        get_users_with_perms(
            course, only_with_perms_in=["change_course"], with_superusers=False, with_group_users=False
        )
    )


def user_course_permissions_sync(*, user: User) -> None:
    """After a user's groups change: their ``change_course`` object permissions follow their edit rights."""
    with transaction.atomic():
        held = get_objects_for_user(user, CHANGE_COURSE, klass=Course, use_groups=False, with_superuser=False)
        for course in held:
            if not permissions.can_be_course_editor(user, course):
                remove_perm(CHANGE_COURSE, user, course)
        for course in Course.objects.filter(editors__user=user):
            course_editor_permissions_sync(course=course)
