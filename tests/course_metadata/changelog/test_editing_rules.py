"""The domain's editing question is answered by Publisher's registered rules, and fails closed without them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from course_metadata.selectors import editing
from publisher_api import permissions
from tests.factories import CourseFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_publisher_registers_its_rules_at_start_up() -> None:
    rules = editing._rules
    assert rules is not editing.CLOSED
    assert rules.editable_courses is permissions.editable_courses
    assert rules.may_read_drafts is permissions.is_publisher_user


def _drafts_in_feed(client: APIClient) -> list[dict]:
    feed = client.get("/api/v1/changes/", {"editable": 1, "limit": 1000}).json()
    return [change for change in feed["results"] if change["draft"]]


def test_without_registered_rules_nobody_sees_a_draft(monkeypatch: pytest.MonkeyPatch, commit) -> None:
    course = CourseFactory(draft=True)
    staff = StaffUserFactory()
    commit()
    client = APIClient()
    client.force_authenticate(staff)
    assert _drafts_in_feed(client)  # with Publisher's rules, staff see the draft

    monkeypatch.setattr(editing, "_rules", editing.CLOSED)

    assert client.get("/api/v1/courses/", {"editable": 1}).status_code == 403
    assert not editing.editable_course_rows(staff).exists()
    assert editing.editable_course_uuids(staff, [course.uuid]) == set()
    assert _drafts_in_feed(client) == []
