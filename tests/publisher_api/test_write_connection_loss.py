"""A Publisher write whose database connection dies right after its transaction committed is answered as
the success it is, and the change is still processed later.

Celery runs as in production (tasks handed to a broker, here one that refuses connections), so that nothing
after the commit happens to reconnect on the request's behalf; the connection is really terminated
(``pg_terminate_backend``) the moment the write service returns, that is after its COMMIT.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connections
from rest_framework.test import APIClient

from course_metadata.changelog import consumers
from course_metadata.changelog.consumers import consume, register_consumer
from course_metadata.changelog.feed import Change
from course_metadata.models import Course, Organization, Person
from publisher_api.api import person_views, views
from tests.connection_loss import connection_lost_after, drop_dead_connections, needs_postgresql  # noqa: F401
from tests.factories import StaffUserFactory
from tests.publisher_api.test_write_hand_off import production_celery  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("drop_dead_connections"),
]


@pytest.mark.usefixtures("production_celery")
def test_a_committed_course_edit_is_answered_200_when_the_connection_dies_after_the_commit(
    editor: User, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    recorded: list[Change] = []
    monkeypatch.setattr(consumers, "_consumers", dict(consumers._consumers))
    register_consumer("after-commit-probe", recorded.extend, include_drafts=True)
    consume("after-commit-probe")
    recorded.clear()
    monkeypatch.setattr(views, "course_update", connection_lost_after(views.course_update))
    client = APIClient(raise_request_exception=False)  # a 500 is an answer the test reports
    client.force_authenticate(editor)

    response = client.patch(f"/api/v1/courses/{course.uuid}/", {"title": "Committed, then lost"}, format="json")

    assert response.status_code == 200, response.content[:500]
    assert response.json()["title"] == "Committed, then lost"
    assert response["ETag"]
    connections.close_all()  # the request is over; the next one opens a new connection
    draft = Course.objects.drafts().get(uuid=course.uuid)
    assert draft.title == "Committed, then lost"
    # The broker never got the hand-off: the periodic drain processes the change from the log.
    consume("after-commit-probe")
    assert ("course", draft.pk) in {(change.object_type, change.object_id) for change in recorded}


@pytest.mark.usefixtures("production_celery")
def test_a_committed_new_person_is_answered_201_when_the_connection_dies_after_the_commit(
    organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    monkeypatch.setattr(person_views, "person_create", connection_lost_after(person_views.person_create))
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(StaffUserFactory.create())

    response = client.post(
        "/api/v1/people/",
        {
            "given_name": "Ada",
            "family_name": "Lovelace",
            "position": {"title": "Prof", "organization": organization.pk},
        },
        format="json",
    )

    assert response.status_code == 201, response.content[:500]
    connections.close_all()
    assert Person.objects.get(uuid=response.json()["uuid"]).family_name == "Lovelace"
