"""Publishing and change tracking: identical data moves no timestamp, changed data moves the official one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from course_metadata.models import ChangeLogEntry, Course, CourseRun, Seat
from course_metadata.services.drafts import course_draft_update, course_ensure_draft
from course_metadata.services.publishing import course_publish_draft, course_run_publish_draft
from tests.factories.drafts import official_course_world, publish_all_runs

# Tracking stamps an object once per transaction, so these tests commit each step (transactional database);
# Each step commits; the flush afterwards is followed by post_migrate, which restores the shipped types.
pytestmark = pytest.mark.django_db(transaction=True)


def committed_world() -> Course:
    with transaction.atomic():
        return official_course_world()


def timestamps(course: Course) -> dict[str, dt.datetime]:
    """data_modified_timestamp of the course and each of its runs, read fresh."""
    stamps = {"course": Course.objects.get(pk=course.pk).data_modified_timestamp}
    for run in CourseRun.objects.filter(course=course):
        stamps[run.key] = run.data_modified_timestamp
    return stamps


def test_creating_a_draft_and_publishing_identical_data_moves_no_official_timestamp() -> None:
    official = committed_world()
    before = timestamps(official)
    official_entries = ChangeLogEntry.objects.filter(draft=False).count()

    draft = course_ensure_draft(course=official)
    draft_before = timestamps(draft)
    draft_entries = ChangeLogEntry.objects.filter(draft=True).count()
    publish_all_runs(draft)
    course_publish_draft(course=official)

    assert timestamps(official) == before
    assert timestamps(draft) == draft_before
    assert ChangeLogEntry.objects.filter(draft=False).count() == official_entries
    assert ChangeLogEntry.objects.filter(draft=True).count() == draft_entries


def test_editing_a_draft_moves_only_the_draft_timestamp() -> None:
    official = committed_world()
    before = timestamps(official)
    draft = course_ensure_draft(course=official)
    draft_before = timestamps(draft)

    course_draft_update(course=draft, fields={"short_description": "Draft only."})

    assert timestamps(official) == before
    assert timestamps(draft)["course"] > draft_before["course"]


def test_a_changing_publish_moves_the_official_timestamp() -> None:
    official = committed_world()
    draft = course_ensure_draft(course=official)
    course_draft_update(course=draft, fields={"short_description": "Published now."})
    before = timestamps(official)

    course_publish_draft(course=official)

    assert timestamps(official)["course"] > before["course"]


@pytest.mark.parametrize("change", ["seat price", "staff order", "subject order", "tag"])
def test_related_changes_published_move_the_official_timestamps(change: str) -> None:
    official = committed_world()
    draft = course_ensure_draft(course=official)
    assert draft.canonical_course_run_id is not None
    draft_run = draft.course_runs.get(pk=draft.canonical_course_run_id)
    official_run = CourseRun.objects.get(draft_version=draft_run)
    with transaction.atomic():
        if change == "seat price":
            Seat.objects.filter(course_run=draft_run, type__slug="verified").update(price=Decimal("1.00"))
        elif change == "staff order":
            draft_run.staff.set(list(reversed(list(draft_run.staff.all()))))
        elif change == "subject order":
            draft.subjects.set(list(reversed(list(draft.subjects.all()))))
        else:
            draft.topics.add("brand new tag")
    before = timestamps(official)

    course_run_publish_draft(course_run=draft_run)

    after = timestamps(official)
    assert after["course"] > before["course"]
    if change in ("seat price", "staff order"):
        assert after[official_run.key] > before[official_run.key]
