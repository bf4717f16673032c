"""``GET /api/v1/changes/?editable=1`` shows the drafts of exactly the courses ``courses/?editable=1`` lists.

Real users, organization groups and course editors; the rule is Publisher's (registered with the domain at
start-up), so these tests also show that the registration is in place.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from course_metadata.models import Course, Organization
from tests.factories import (
    CourseEditorFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationExtensionFactory,
    OrganizationFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


def client_of(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def draft_courses_in_feed(user: User) -> set[str]:
    """UUIDs of the courses whose draft changes (course or run) the user's feed shows."""
    client, seen, after = client_of(user), set(), None
    while True:
        body = client.get(FEED, {"editable": 1, "limit": 1000, **({"after": after} if after else {})}).json()
        seen |= {change["uuid"] for change in body["results"] if change["draft"] and change["object_type"] == "course"}
        after = body["next_cursor"]
        if not body["has_more"]:
            return seen


def drafts_listed_as_editable(user: User) -> set[str]:
    """UUIDs of the draft rows ``courses/?editable=1`` serves the user (none when it refuses them)."""
    response = client_of(user).get("/api/v1/courses/", {"editable": 1, "page_size": 500})
    if response.status_code == 403:
        return set()
    assert response.status_code == 200
    return {course["uuid"] for course in response.json()["results"] if course["draft"]}


@pytest.fixture
def group(organization: Organization) -> Group:
    return OrganizationExtensionFactory(organization=organization).group


@pytest.fixture
def draft_course(organization: Organization) -> Callable[[], Course]:
    def make() -> Course:
        course = CourseFactory(draft=True, authoring_organization=organization)
        CourseRunFactory(course=course, draft=True)
        return course

    return make


def test_an_editor_removed_from_the_organization_no_longer_sees_its_drafts(group, draft_course, commit):
    course = draft_course()
    editor = UserFactory(groups=[group])
    CourseEditorFactory(user=editor, course=course)
    commit()
    assert str(course.uuid) in draft_courses_in_feed(editor)

    editor.groups.remove(group)
    commit()

    assert str(course.uuid) not in draft_courses_in_feed(editor)
    assert str(course.uuid) not in drafts_listed_as_editable(editor)


def test_a_member_sees_the_drafts_of_an_orphan_course_but_not_of_one_with_an_editor(group, draft_course, commit):
    orphan, edited = draft_course(), draft_course()
    CourseEditorFactory(user=UserFactory(groups=[group]), course=edited)
    gone = UserFactory()  # an editor outside the organization's group is no valid editor: still an orphan
    CourseEditorFactory(user=gone, course=orphan)
    member = UserFactory(groups=[group])
    commit()

    seen = draft_courses_in_feed(member)

    assert str(orphan.uuid) in seen
    assert str(edited.uuid) not in seen


def test_the_feed_and_courses_editable_agree_for_every_kind_of_user(partner, organization, group, draft_course, commit):
    other = OrganizationFactory(partner=partner, key="OtherX")
    other_group = OrganizationExtensionFactory(organization=other).group
    theirs = CourseFactory(draft=True, authoring_organization=other)
    mine, orphan = draft_course(), draft_course()
    editor = UserFactory(groups=[group])
    CourseEditorFactory(user=editor, course=mine)
    left = UserFactory()  # edited a course, then left the group
    CourseEditorFactory(user=left, course=theirs)
    legal, _ = Group.objects.get_or_create(name=settings.PUBLISHER_LEGAL_GROUP_NAME)
    users = {
        "staff": StaffUserFactory(),
        "legal": UserFactory(groups=[legal]),
        "editor": editor,
        "member": UserFactory(groups=[group]),
        "other member": UserFactory(groups=[other_group]),
        "left": left,
        "outsider": UserFactory(),
    }
    commit()

    seen = {name: draft_courses_in_feed(user) for name, user in users.items()}

    for name, user in users.items():
        assert seen[name] == drafts_listed_as_editable(user), name
    assert seen["staff"] >= {str(mine.uuid), str(orphan.uuid), str(theirs.uuid)}
    assert seen["editor"] == {str(mine.uuid), str(orphan.uuid)}
    assert seen["member"] == {str(orphan.uuid)}
    assert seen["other member"] == {str(theirs.uuid)}
    assert seen["left"] == seen["outsider"] == set()
