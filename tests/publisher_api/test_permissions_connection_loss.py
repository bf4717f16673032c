"""A change of a user's groups whose database connection dies right after COMMIT: the change is not reported
as failed, and the admin's object permissions already follow it (they are written in the same transaction)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections, transaction
from guardian.shortcuts import get_perms

from course_metadata.models import Course
from publisher_api.services.editors import course_editor_permissions_sync
from tests.connection_loss import backend_pid, drop_dead_connections, needs_postgresql, terminate_backend  # noqa: F401

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("drop_dead_connections"),
]


def _kill_own_connection() -> None:
    terminate_backend(backend_pid())


def test_leaving_a_group_commits_with_its_permissions_even_if_the_connection_dies_after_commit(
    editor: User, course: Course, org_group: Group
) -> None:
    needs_postgresql()
    course_editor_permissions_sync(course=course)
    assert "change_course" in get_perms(editor, course)

    with transaction.atomic():  # what the admin's user form does, in one transaction
        # The first after-commit callback: the connection is gone once the transaction has committed.
        transaction.on_commit(_kill_own_connection)
        editor.groups.remove(org_group)

    connections.close_all()  # the request ends; the next one opens a new connection
    editor = User.objects.get(pk=editor.pk)
    assert not editor.groups.filter(pk=org_group.pk).exists()
    assert "change_course" not in get_perms(editor, course)  # no stale grant left behind
