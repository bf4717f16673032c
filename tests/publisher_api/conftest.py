"""Fixtures of the Publisher API tests: two organizations with groups, and the cast of the permission matrix."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from waffle.testutils import override_switch

from course_metadata.models import Course, Organization, OrganizationExtension, Partner
from publisher_api.models import PUBLISHER_EDITOR, PublisherRole, PublisherRoleAssignment
from publisher_api.permissions import RESTRICT_INTERNAL_USERS_SWITCH
from tests.factories import (
    CourseEditorFactory,
    CourseFactory,
    OrganizationExtensionFactory,
    OrganizationFactory,
    StaffUserFactory,
    UserFactory,
)


@pytest.fixture
def org_extension(organization: Organization) -> OrganizationExtension:
    return OrganizationExtensionFactory(organization=organization)


@pytest.fixture
def org_group(org_extension: OrganizationExtension) -> Group:
    return org_extension.group


@pytest.fixture
def other_organization(partner: Partner) -> Organization:
    organization = OrganizationFactory(partner=partner, key="OtherX")
    OrganizationExtensionFactory(organization=organization)
    return organization


@pytest.fixture
def member(org_group: Group) -> User:
    return UserFactory(username="member", groups=[org_group])


@pytest.fixture
def editor(org_group: Group, course: Course) -> User:
    user = UserFactory(username="editor", groups=[org_group])
    CourseEditorFactory(user=user, course=course)
    return user


@pytest.fixture
def outsider(db: None) -> User:
    return UserFactory(username="outsider")


@pytest.fixture
def legal_reviewer(db: None) -> User:
    group, _ = Group.objects.get_or_create(name=settings.PUBLISHER_LEGAL_GROUP_NAME)
    return UserFactory(username="legal", groups=[group])


@pytest.fixture
def other_course(other_organization: Organization) -> Course:
    return CourseFactory(partner=other_organization.partner, authoring_organization=other_organization, number="OTH1")


@pytest.fixture
def restricted() -> object:
    with override_switch(RESTRICT_INTERNAL_USERS_SWITCH, active=True):
        yield


def grant_publisher_editor(user: User, by: User | None = None) -> PublisherRoleAssignment:
    role = PublisherRole.objects.get(name=PUBLISHER_EDITOR)
    return PublisherRoleAssignment.objects.create(user=user, role=role, assigned_by=by, reason="test")


@pytest.fixture
def staff_with_role(db: None) -> User:
    user = StaffUserFactory(username="staff_role")
    grant_publisher_editor(user)
    return user
