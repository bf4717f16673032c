"""The permission rules of publisher_api.permissions, function by function."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import RequestFactory

from course_metadata.models import Course, CourseRunStatus, Organization
from publisher_api import permissions as perms
from tests.factories import CourseEditorFactory, CourseFactory, CourseRunFactory, StaffUserFactory, UserFactory
from tests.publisher_api.conftest import grant_publisher_editor

pytestmark = pytest.mark.django_db


def test_org_member_may_create_in_own_org_only(
    member: User, organization: Organization, other_organization: Organization
) -> None:
    assert perms.can_create_course_in(member, organization)
    assert not perms.can_create_course_in(member, other_organization)
    assert list(perms.user_organizations(member)) == [organization]


def test_editor_edits_and_member_does_not_while_editor_is_valid(editor: User, member: User, course: Course) -> None:
    assert perms.can_edit_course(editor, course)
    assert not perms.can_edit_course(member, course)
    assert list(perms.editable_courses(editor)) == [course]
    assert list(perms.editable_courses(member)) == []


def test_leaving_the_org_group_ends_edit_rights_and_orphans_the_course(
    editor: User, member: User, course: Course, org_group: Group
) -> None:
    editor.groups.remove(org_group)
    editor = User.objects.get(pk=editor.pk)
    assert not perms.can_edit_course(editor, course)
    # No valid editor left: every member of the authoring organization may edit.
    assert perms.can_edit_course(member, course)
    assert list(perms.editable_courses(member)) == [course]


def test_deleting_the_editor_orphans_the_course(editor: User, member: User, course: Course) -> None:
    editor.delete()
    assert perms.can_edit_course(member, course)


def test_adding_an_editor_back_ends_the_orphan_rule(member: User, course: Course, org_group: Group) -> None:
    assert perms.can_edit_course(member, course)
    CourseEditorFactory(user=UserFactory(groups=[org_group]), course=course)
    assert not perms.can_edit_course(member, course)


def test_orphaned_course_is_not_open_to_other_orgs(course: Course, other_organization: Organization) -> None:
    stranger = UserFactory(groups=[other_organization.organization_extension.group])
    assert not perms.can_edit_course(stranger, course)


def test_editor_rights_follow_the_draft_row(editor: User, course: Course) -> None:
    draft = CourseFactory(
        partner=course.partner,
        authoring_organizations=list(course.authoring_organizations.all()),
        uuid=course.uuid,
        key=course.key,
        number=course.number,
        draft=True,
    )
    Course.objects.filter(pk=course.pk).update(draft_version=draft)  # save() never writes the pointer
    assert perms.can_edit_course(editor, draft)
    assert list(perms.editable_courses(editor)) == [draft]


def test_legal_reviewer_sees_all_edits_legal_fields_only(
    legal_reviewer: User, course: Course, other_course: Course
) -> None:
    assert set(perms.editable_courses(legal_reviewer)) == {course, other_course}
    assert not perms.can_edit_course(legal_reviewer, course)
    assert perms.can_edit_fields(legal_reviewer, course, ["has_ofac_restrictions"], model="course_run")
    assert not perms.can_edit_fields(
        legal_reviewer, course, ["has_ofac_restrictions", "title_override"], model="course_run"
    )


def test_editor_cannot_touch_legal_fields(editor: User, course: Course) -> None:
    assert perms.can_edit_fields(editor, course, ["title_override"], model="course_run")
    assert not perms.can_edit_fields(editor, course, ["ofac_comment"], model="course_run")


def test_staff_may_do_everything_until_restricted(course: Course, organization: Organization) -> None:
    staff = StaffUserFactory()
    assert perms.can_edit_course(staff, course)
    assert perms.can_create_course_in(staff, organization)


@pytest.mark.usefixtures("restricted")
def test_restriction_makes_staff_read_only_without_role(course: Course, organization: Organization) -> None:
    staff = StaffUserFactory()
    assert not perms.can_edit_course(staff, course)
    assert not perms.can_create_course_in(staff, organization)
    assert list(perms.editable_courses(staff)) == [course]  # still visible, read-only
    assert not perms.can_manage_publisher_roles(staff)
    grant_publisher_editor(staff)
    assert perms.can_edit_course(staff, course)
    assert perms.can_manage_publisher_roles(staff)


@pytest.mark.usefixtures("restricted")
def test_restriction_lifted_by_jwt_roles_claim(course: Course) -> None:
    staff = StaffUserFactory()
    request: Any = RequestFactory().get("/")  # given DRF's ``auth`` attribute by hand
    request.user = staff
    request.auth = None
    setattr(staff, perms._JWT_ATTRIBUTE, {"roles": ["publisher_editor"]})
    assert perms.can_edit_course(staff, course)
    setattr(staff, perms._JWT_ATTRIBUTE, {"roles": ["someone_else"]})
    assert not perms.can_edit_course(staff, course)


@pytest.mark.usefixtures("restricted")
def test_restriction_leaves_legal_rights(legal_reviewer: User, course: Course) -> None:
    legal_reviewer.is_staff = True
    legal_reviewer.save()
    run = CourseRunFactory(course=course, status=CourseRunStatus.LEGAL_REVIEW)
    assert perms.can_change_run_status(legal_reviewer, run, CourseRunStatus.INTERNAL_REVIEW)
    assert not perms.can_edit_course(legal_reviewer, course)


def test_status_moves(editor: User, legal_reviewer: User, course: Course, staff_user: User) -> None:
    run = CourseRunFactory(course=course, status=CourseRunStatus.UNPUBLISHED)
    assert perms.can_change_run_status(editor, run, CourseRunStatus.LEGAL_REVIEW)
    assert not perms.can_change_run_status(legal_reviewer, run, CourseRunStatus.LEGAL_REVIEW)
    run.status = CourseRunStatus.LEGAL_REVIEW
    assert not perms.can_change_run_status(editor, run, CourseRunStatus.INTERNAL_REVIEW)
    assert perms.can_change_run_status(legal_reviewer, run, CourseRunStatus.INTERNAL_REVIEW)
    run.status = CourseRunStatus.INTERNAL_REVIEW
    assert not perms.can_change_run_status(legal_reviewer, run, CourseRunStatus.REVIEWED)
    assert not perms.can_change_run_status(editor, run, CourseRunStatus.REVIEWED)
    assert perms.can_change_run_status(staff_user, run, CourseRunStatus.REVIEWED)


def test_anonymous_and_inactive_get_nothing(course: Course, editor: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not perms.can_edit_course(AnonymousUser(), course)
    assert list(perms.editable_courses(AnonymousUser())) == []
    editor.is_active = False
    assert not perms.can_edit_course(editor, course)


def test_editable_courses_is_one_query(
    django_assert_num_queries, member: User, org_group: Group, organization: Organization
) -> None:
    for _ in range(5):
        CourseFactory(partner=organization.partner, authoring_organization=organization)
    with django_assert_num_queries(2):  # the legal-group check, then the list itself
        assert len(list(perms.editable_courses(member))) == 5
