"""The program skill-tagging signal: on a program's first publication or an overview change, never otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from course_metadata.models import Program, ProgramStatus
from course_metadata.services.program_skills import (
    ProgramSkillInputs,
    needs_skill_update,
    program_skills_tracking,
    program_update,
)
from course_metadata.signals import program_skills_update_requested
from tests.course_metadata.test_admin import admin_url
from tests.course_metadata.test_write_paths import change_form_data
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested() -> Iterator[list[Any]]:
    received: list[Any] = []

    def record(sender: Any, program_uuid: Any, **kwargs: Any) -> None:
        received.append(program_uuid)

    program_skills_update_requested.connect(record)
    try:
        yield received
    finally:
        program_skills_update_requested.disconnect(record)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, ("active", "o"), True),  # created published
        (None, ("unpublished", "o"), False),
        (("unpublished", "o"), ("active", "o"), True),  # first publication
        (("active", "o"), ("active", "o2"), True),  # overview changed
        (("unpublished", "o"), ("unpublished", "o2"), True),
        (("active", "o"), ("active", "o"), False),
        (("active", "o"), ("retired", "o"), False),
        (("retired", "o"), ("active", "o"), False),  # back, not first
    ],
)
def test_the_rule(before, after, expected):
    assert needs_skill_update(ProgramSkillInputs(*before) if before else None, ProgramSkillInputs(*after)) is expected


def test_first_publication_and_overview_changes_are_announced_after_commit(
    requested, django_capture_on_commit_callbacks
):
    program = ProgramFactory.create(status=ProgramStatus.UNPUBLISHED, overview="Old")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        program_update(program=program, fields={"status": ProgramStatus.ACTIVE})
        assert requested == []  # not before the commit
    assert len(callbacks) >= 1
    assert requested == [program.uuid]
    with django_capture_on_commit_callbacks(execute=True):
        program_update(program=program, fields={"overview": "New"})
    assert requested == [program.uuid, program.uuid]


def test_other_edits_are_not_announced(requested, django_capture_on_commit_callbacks):
    program = ProgramFactory.create(status=ProgramStatus.ACTIVE, overview="Same")
    with django_capture_on_commit_callbacks(execute=True):
        program_update(program=program, fields={"title": "Another title", "subtitle": "and more"})
        program_update(program=program, fields={"overview": "Same"})
        program_update(program=program, fields={"status": ProgramStatus.RETIRED})
    assert requested == []


def test_a_program_created_active_by_a_writer_is_announced(requested, django_capture_on_commit_callbacks):
    program = ProgramFactory.build(status=ProgramStatus.ACTIVE, type=None, partner=ProgramFactory.create().partner)
    with django_capture_on_commit_callbacks(execute=True), program_skills_tracking([program]) as announced:
        program.save()
    assert announced == [program]
    assert requested == [program.uuid]


def test_program_update_refuses_unknown_fields():
    program = ProgramFactory.create()
    with pytest.raises(Exception, match="cannot be edited"):
        program_update(program=program, fields={"uuid": "x", "nonsense": 1})


def test_the_admin_announces_an_overview_change_and_not_a_title_change(
    admin_client: Client, requested, django_capture_on_commit_callbacks
):
    program = ProgramFactory.create(status=ProgramStatus.ACTIVE, overview="Before")
    url = admin_url(Program, "change", program.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, change_form_data(admin_client, url, title="Only the title"))
    assert response.status_code == 302, response.content[:2000]
    assert requested == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, change_form_data(admin_client, url, overview="After"))
    assert response.status_code == 302
    assert requested == [program.uuid]
