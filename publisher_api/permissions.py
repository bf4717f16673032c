"""Who may do what in Publisher: the one rule book used by every write endpoint, `?editable=1` and the admin.

The rules, in the words of the issue (each function below implements one line):

- Members of an organization's group (``OrganizationExtension``) may create courses and runs for it.
- A course's editors may edit it while they still belong to one of its authoring organizations' groups;
  leaving the group (or being deleted) ends that right with no clean-up needed.
- A course with no valid editor left is editable by every member of its authoring organizations.
- Any user who may edit a course may add or remove its editors (from the same organizations).
- Legal reviewers see everything, edit the legal-only fields and move runs out of legal review, but
  never edit marketing content.
- Staff may do everything, unless the ``publisher.restrict_internal_users`` switch is on: then internal
  users are read-only on the Publisher API unless they hold the PUBLISHER_EDITOR role (in the database
  or in the JWT ``roles`` claim). Legal rights are not affected by the switch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard
from uuid import UUID

import waffle
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from edx_rbac.utils import request_user_has_implicit_access_via_jwt, user_has_access_via_database
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from course_metadata.models import Course, CourseEditor, CourseRun, CourseRunStatus, Organization
from dbkit.rows import AnyOf, KeyedRows
from publisher_api.models import PUBLISHER_EDITOR, PublisherRoleAssignment
from settings.authentication.tokens import JWT_PAYLOAD_ATTRIBUTE

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

    AnyUser = AbstractBaseUser | AnonymousUser

# Off by default, so an installation keeps "staff may do everything" until it opts in.
RESTRICT_INTERNAL_USERS_SWITCH = "publisher.restrict_internal_users"

# Fields only legal reviewers (and staff) may change; everything else is marketing content.
LEGAL_FIELDS: Mapping[str, frozenset[str]] = {
    "course": frozenset(),
    "course_run": frozenset({"has_ofac_restrictions", "ofac_comment"}),
}

# Attribute on the request's user where JWT authentication leaves the verified payload (ADR 0070), so every
# check of the request, reads and writes alike, sees the same roles.
_JWT_ATTRIBUTE = JWT_PAYLOAD_ATTRIBUTE


# --- who the user is -------------------------------------------------------------------------------


def _is_active(user: AnyUser | None) -> TypeGuard[User]:
    # An active, signed-in user is an instance of AUTH_USER_MODEL (auth.User), which the ORM lookups expect.
    return bool(user is not None and user.is_authenticated and getattr(user, "is_active", False))


def is_internal_user(user: AnyUser | None) -> bool:
    """Staff of the platform operator (the JWT ``administrator`` claim maps onto ``is_staff``)."""
    return _is_active(user) and bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def is_legal_reviewer(user: AnyUser | None) -> bool:
    return _is_active(user) and user.groups.filter(name=settings.PUBLISHER_LEGAL_GROUP_NAME).exists()


def user_organizations(user: AnyUser | None) -> QuerySet[Organization]:
    """Organizations whose Publisher group the user belongs to."""
    if not _is_active(user):
        return Organization.objects.none()
    return Organization.objects.filter(organization_extension__group__user=user).distinct()


def is_publisher_user(user: AnyUser | None) -> bool:
    """May use the Publisher API at all: staff, legal reviewers and members of an organization group."""
    if not _is_active(user):
        return False
    if is_internal_user(user):
        return True
    return bool(_publisher_groups(settings.PUBLISHER_LEGAL_GROUP_NAME).fetch([user.pk]))


@functools.cache
def _publisher_groups(legal_group_name: str) -> KeyedRows:
    """A group that makes its member a Publisher user (the legal group, or an organization's: every
    OrganizationExtension has its organization), of the users whose ids ``fetch`` is given.

    One query compiled once per group name, rather than two built per call: the read API asks for every
    course page and detail it serves.
    """
    legal_or_organization = Q(name=legal_group_name) | Q(organization_extension__isnull=False)
    return KeyedRows(
        lambda user_ids: Group.objects.filter(AnyOf("user", user_ids)).filter(legal_or_organization).values("pk")[:1]
    )


def internal_users_restricted() -> bool:
    return waffle.switch_is_active(RESTRICT_INTERNAL_USERS_SWITCH)


def has_publisher_editor_role(user: AnyUser | None) -> bool:
    """The PUBLISHER_EDITOR role, assigned in the database or carried in the request's JWT."""
    if not _is_active(user):
        return False
    decoded_jwt = getattr(user, _JWT_ATTRIBUTE, None)
    if decoded_jwt and request_user_has_implicit_access_via_jwt(decoded_jwt, PUBLISHER_EDITOR):
        return True
    return user_has_access_via_database(user, PUBLISHER_EDITOR, PublisherRoleAssignment)


def is_read_only_internal_user(user: AnyUser | None) -> bool:
    """An internal user while the restriction is on and they hold no PUBLISHER_EDITOR role."""
    return is_internal_user(user) and internal_users_restricted() and not has_publisher_editor_role(user)


def has_staff_powers(user: AnyUser | None) -> bool:
    """Staff may do everything, unless the restriction makes them read-only."""
    return is_internal_user(user) and not is_read_only_internal_user(user)


def _may_write(user: AnyUser | None) -> TypeGuard[User]:
    return _is_active(user) and not is_read_only_internal_user(user)


# --- courses ---------------------------------------------------------------------------------------


def _member_may_edit(user: User) -> Q:
    """Condition on Course rows: the user is in an authoring organization's group, and is an editor
    of the course or the course has no valid editor left (orphaned).

    Editors are matched by course UUID because they live on the official row once one exists while
    the caller may hold the draft row; an editor is valid while active and in an authoring group.
    """
    in_authoring_group = Exists(
        Organization.objects.filter(authored_courses=OuterRef("pk"), organization_extension__group__user=user)
    )
    is_editor = Exists(
        CourseEditor.objects.filter(user=user, course__uuid=OuterRef("uuid"), course__partner_id=OuterRef("partner_id"))
    )
    has_valid_editor = Exists(
        CourseEditor.objects.filter(
            course__uuid=OuterRef("uuid"),
            course__partner_id=OuterRef("partner_id"),
            user__is_active=True,
            user__groups__organization_extension__organization__authored_courses=OuterRef("pk"),
        )
    )
    return Q(in_authoring_group) & (Q(is_editor) | ~Q(has_valid_editor))


def editable_courses(user: AnyUser | None) -> QuerySet[Course]:
    """The rows ``?editable=1`` serves: draft where one exists, else official, limited to what the user may work on.

    Internal users and legal reviewers see every course; an internal user made read-only by the
    restriction still sees them (the Publisher front end shows them read-only) — the restriction
    governs writes, which always go through ``can_edit_course``.
    """
    courses = Course.objects.editable()
    if not _is_active(user):
        return courses.none()
    if is_internal_user(user) or is_legal_reviewer(user):
        return courses
    return courses.filter(_member_may_edit(user))


def editable_course_uuids(user: AnyUser | None, uuids: list[UUID]) -> set[UUID]:
    """The subset of ``uuids`` whose course ``user`` may edit, in at most a few queries.

    Staff with their powers edit everything; internal users made read-only, and users who are not
    Publisher users at all, edit nothing (two small queries tell); everyone else edits what
    ``editable_courses`` grants them.
    """
    if has_staff_powers(user):
        return set(uuids)
    if is_read_only_internal_user(user) or not is_publisher_user(user):
        return set()
    return set(editable_courses(user).filter(uuid__in=uuids).values_list("uuid", flat=True))


def can_create_course_in(user: AnyUser | None, organization: Organization) -> bool:
    if not _may_write(user):
        return False
    return has_staff_powers(user) or user_organizations(user).filter(pk=organization.pk).exists()


def can_edit_course(user: AnyUser | None, course: Course) -> bool:
    """May change the course's marketing content, its runs and its editors."""
    if not _may_write(user):
        return False
    if has_staff_powers(user):
        return True
    return Course.objects.filter(pk=course.pk).filter(_member_may_edit(user)).exists()


def can_edit_legal_fields(user: AnyUser | None, course: Course | None = None) -> bool:
    """Legal-only fields (OFAC restriction); the legal group keeps this right under the restriction."""
    return is_legal_reviewer(user) or has_staff_powers(user)


def can_edit_fields(user: AnyUser | None, course: Course, field_names: Iterable[str], *, model: str) -> bool:
    """A write touching ``field_names`` of a ``model`` ("course" or "course_run") row of ``course``."""
    fields = set(field_names)
    if not fields:
        return can_edit_course(user, course) or can_edit_legal_fields(user, course)
    legal = fields & LEGAL_FIELDS.get(model, frozenset())
    if legal and not can_edit_legal_fields(user, course):
        return False
    return not (fields - legal) or can_edit_course(user, course)


def can_delete_course(user: AnyUser | None, course: Course) -> bool:
    """Whether the course may be deleted at all (never went live) is the service's business."""
    return can_edit_course(user, course)


def can_manage_course_editors(user: AnyUser | None, course: Course) -> bool:
    return can_edit_course(user, course)


def can_be_course_editor(user: AnyUser | None, course: Course) -> bool:
    """Editors come from the course's authoring organizations."""
    return _is_active(user) and course.authoring_organizations.filter(organization_extension__group__user=user).exists()


# --- runs ------------------------------------------------------------------------------------------


def can_create_course_run(user: AnyUser | None, course: Course) -> bool:
    return can_edit_course(user, course)


def can_edit_course_run(user: AnyUser | None, course_run: CourseRun) -> bool:
    return can_edit_course(user, course_run.course)


def _legal_or_staff(user: AnyUser | None, course_run: CourseRun) -> bool:
    return can_edit_legal_fields(user, course_run.course)


def _editor(user: AnyUser | None, course_run: CourseRun) -> bool:
    return can_edit_course(user, course_run.course)


def _staff(user: AnyUser | None, course_run: CourseRun) -> bool:
    return has_staff_powers(user)


S = CourseRunStatus
# Who may make each move; whether the move exists at all is course_metadata.workflow's business.
# Sending a run back to unpublished is what any edit does, so editors may make those moves.
_STATUS_MOVES: Mapping[tuple[str, str], Callable[[Any, CourseRun], bool]] = {
    (S.UNPUBLISHED, S.LEGAL_REVIEW): _editor,
    (S.LEGAL_REVIEW, S.INTERNAL_REVIEW): _legal_or_staff,
    (S.LEGAL_REVIEW, S.UNPUBLISHED): lambda user, run: _legal_or_staff(user, run) or _editor(user, run),
    (S.INTERNAL_REVIEW, S.REVIEWED): _staff,
    (S.INTERNAL_REVIEW, S.UNPUBLISHED): _editor,
    (S.REVIEWED, S.PUBLISHED): _staff,
    (S.REVIEWED, S.UNPUBLISHED): _editor,
    (S.PUBLISHED, S.UNPUBLISHED): _editor,
}


def can_change_run_status(user: AnyUser | None, course_run: CourseRun, to_status: str) -> bool:
    if course_run.status == to_status:
        return can_edit_course_run(user, course_run) or can_edit_legal_fields(user, course_run.course)
    if has_staff_powers(user):
        return True
    rule = _STATUS_MOVES.get((course_run.status, to_status))
    return bool(rule and rule(user, course_run))


# --- roles -----------------------------------------------------------------------------------------


def can_view_publisher_roles(user: AnyUser | None) -> bool:
    return is_internal_user(user)


def can_manage_publisher_roles(user: AnyUser | None) -> bool:
    """Staff grant and revoke roles; under the restriction only those who hold it (or superusers) may,
    so a read-only staff member cannot lift their own restriction."""
    if not is_internal_user(user):
        return False
    return bool(getattr(user, "is_superuser", False)) or has_staff_powers(user)


# --- people ------------------------------------------------------------------------------------------


def can_write_person(user: AnyUser | None, organizations: Iterable[Organization | None]) -> bool:
    """May create or change a person whose position is (or becomes) at each of ``organizations``.

    Staff may write anyone; a Publisher user only people at organizations whose group they belong to (a
    person at no organization is staff's to write).
    """
    if not _may_write(user):
        return False
    if has_staff_powers(user):
        return True
    wanted = list(organizations)
    if not wanted or any(organization is None for organization in wanted):
        return False
    member_of = set(user_organizations(user).values_list("pk", flat=True))
    return all(organization is not None and organization.pk in member_of for organization in wanted)


# --- DRF permission classes --------------------------------------------------------------------------


class PublisherPermission(BasePermission):
    """Reads for any authenticated user; writes for Publisher users, checked again per object."""

    message = _("You do not have permission to change this in Publisher.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not _is_active(request.user):
            return False
        if request.method in SAFE_METHODS:
            return True
        return _may_write(request.user) and is_publisher_user(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if isinstance(obj, Course):
            return can_edit_course(request.user, obj)
        if isinstance(obj, CourseRun):
            # Field-level rules (legal fields, status moves) are checked by the view with the payload.
            return can_edit_course(request.user, obj.course) or can_edit_legal_fields(request.user, obj.course)
        if isinstance(obj, CourseEditor):
            return can_manage_course_editors(request.user, obj.course)
        return has_staff_powers(request.user)


class PublisherRolePermission(BasePermission):
    """The role-assignment endpoints are for staff only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return can_view_publisher_roles(request.user)
        return can_manage_publisher_roles(request.user)


__all__ = [
    "LEGAL_FIELDS",
    "RESTRICT_INTERNAL_USERS_SWITCH",
    "PublisherPermission",
    "PublisherRolePermission",
    "can_be_course_editor",
    "can_change_run_status",
    "can_create_course_in",
    "can_create_course_run",
    "can_delete_course",
    "can_edit_course",
    "can_edit_course_run",
    "can_edit_fields",
    "can_edit_legal_fields",
    "can_manage_course_editors",
    "can_manage_publisher_roles",
    "can_view_publisher_roles",
    "can_write_person",
    "editable_courses",
    "has_publisher_editor_role",
    "has_staff_powers",
    "internal_users_restricted",
    "is_internal_user",
    "is_legal_reviewer",
    "is_publisher_user",
    "is_read_only_internal_user",
    "user_organizations",
]
