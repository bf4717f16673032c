"""GET /api/v1/changes/: order, cursors, limits, drafts for editors, errors, constant query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from course_metadata.models import ChangeLogEntry, Course
from tests.factories import (
    CourseEditorFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationExtensionFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("v1:changes")


@pytest.fixture
def client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def read_all(client, **params):
    """Follow next_cursor until has_more is false; return every result."""
    results, after = [], None
    while True:
        query = dict(params, **({"after": after} if after else {}))
        body = client.get(URL, query).json()
        results += body["results"]
        after = body["next_cursor"]
        if not body["has_more"]:
            return results, after


def test_anonymous_users_are_refused(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_changes_come_in_order_with_a_cursor_to_continue(client, commit):
    courses = [CourseFactory() for _ in range(3)]
    commit()
    results, last = read_all(client, limit=2)
    keys = [result["key"] for result in results if result["object_type"] == "course"]
    assert keys == [course.key for course in courses]
    cursors = [result["cursor"] for result in results]
    assert cursors == sorted(cursors, key=lambda c: tuple(int(part) for part in c.split(".")))
    assert last == cursors[-1]
    body = client.get(URL, {"after": last}).json()
    assert body == {"next_cursor": last, "has_more": False, "results": []}


def test_deletions_appear_as_tombstones(client, commit):
    course = CourseFactory()
    commit()
    _, after = read_all(client)
    key = course.key
    course.delete()
    commit()
    results, _ = read_all(client, after=after)
    assert {"object_type": "course", "key": key, "action": "delete"}.items() <= next(
        result for result in results if result["object_type"] == "course"
    ).items()


def test_an_upsert_of_an_object_deleted_since_reads_as_delete(client, commit):
    course = CourseFactory()
    commit()
    Course.objects.filter(pk=course.pk).delete()
    results, _ = read_all(client)
    assert [r["action"] for r in results if r["object_type"] == "course" and r["key"] == course.key] == [
        "delete",
        "delete",
    ]


@pytest.mark.parametrize("cursor", ["abc", "1", "1.2.3", "-1.4", "1.x"])
def test_malformed_cursor_is_a_400_with_a_message(client, cursor):
    response = client.get(URL, {"after": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["after"][0]


def test_unknown_cursor_is_a_400(client):
    response = client.get(URL, {"after": "0.987654321"})
    assert response.status_code == 400
    assert "Unknown cursor" in response.json()["after"][0]


@pytest.mark.parametrize(("limit", "status"), [("0", 400), ("x", 400), ("5", 200)])
def test_limit_is_validated(client, limit, status):
    assert client.get(URL, {"limit": limit}).status_code == status


def test_limit_is_capped_at_1000(client, commit):
    ChangeLogEntry.objects.bulk_create(
        ChangeLogEntry(object_type="course", object_id=i, action="delete", timestamp="2024-01-01T00:00Z")
        for i in range(1005)
    )
    body = client.get(URL, {"limit": 5000}).json()
    assert len(body["results"]) == 1000
    assert body["has_more"] is True


def test_drafts_are_hidden_from_the_public_feed(client, user, commit):
    CourseRunFactory(course=CourseFactory(draft=True), draft=True)
    commit()
    results, _ = read_all(client)
    assert results and not any(result["draft"] for result in results)
    results, _ = read_all(client, editable=1)
    assert not any(result["draft"] for result in results)  # a plain user edits nothing


def test_editors_see_draft_changes_of_their_courses_and_staff_see_all(client, user, api_client, commit):
    mine = CourseFactory(draft=True)
    CourseRunFactory(course=mine, draft=True)
    # An editor is one while in a group of the course's authoring organization (the Publisher rule).
    user.groups.add(OrganizationExtensionFactory(organization=mine.authoring_organizations.get()).group)
    CourseEditorFactory(user=user, course=mine)
    theirs = CourseFactory(draft=True)
    commit()
    results, _ = read_all(client, editable=1)
    drafts = {(r["object_type"], r["uuid"]) for r in results if r["draft"]}
    assert ("course", str(mine.uuid)) in drafts
    assert {object_type for object_type, _ in drafts} == {"course", "courserun"}
    assert ("course", str(theirs.uuid)) not in drafts
    api_client.force_authenticate(StaffUserFactory())
    results, _ = read_all(api_client, editable=1)
    assert ("course", str(theirs.uuid)) in {(r["object_type"], r["uuid"]) for r in results if r["draft"]}


def test_query_count_does_not_grow_with_the_page(client, django_assert_max_num_queries, commit):
    """A cursor check, the page, one existence check per object type on the page: never more.

    (Plus, on PostgreSQL inside a transaction, as here, one look at whether older transactions run.)
    """
    for _ in range(3):
        CourseRunFactory()
    commit()
    client.force_authenticate(UserFactory())
    bound = 3 + 5  # five object types
    with django_assert_max_num_queries(bound):
        client.get(URL, {"limit": 1, "editable": 1})
    with django_assert_max_num_queries(bound):
        body = client.get(URL, {"limit": 1000, "editable": 1}).json()
    assert len(body["results"]) > 5
