"""Loaders writing official rows while a draft exists: rebases, conflicts and their resolution."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import pytest
from django.core.exceptions import ValidationError

from course_metadata.models import Course, CourseRun, Seat
from course_metadata.services.draft_merge import draft_conflicts
from course_metadata.services.drafts import course_draft_update, course_ensure_draft, draft_conflict_resolve
from course_metadata.services.publishing import course_publish_draft, course_run_publish_draft
from tests.factories import SeatFactory, SeatTypeFactory
from tests.factories.drafts import official_course_world

pytestmark = pytest.mark.django_db


def test_loader_change_the_editor_did_not_touch_survives_the_publish() -> None:
    official = official_course_world()
    draft = course_draft_update(course=official, fields={"title": "Editor title"})
    official_run = official.course_runs.first()
    assert official_run is not None
    Course.objects.filter(pk=official.pk).update(short_description="Loader description")
    CourseRun.objects.filter(pk=official_run.pk).update(enrollment_count=4321)

    assert isinstance(official_run.draft_version, CourseRun)
    course_run_publish_draft(course_run=official_run.draft_version)

    official.refresh_from_db()
    assert (official.title, official.short_description) == ("Editor title", "Loader description")
    assert CourseRun.objects.get(pk=official_run.pk).enrollment_count == 4321
    assert Course.objects.get(pk=draft.pk).short_description == "Loader description"  # the draft was rebased
    assert draft_conflicts(official) == []


def test_loader_and_editor_changing_the_same_field_is_a_conflict() -> None:
    official = official_course_world()
    course_draft_update(course=official, fields={"title": "Editor title"})
    Course.objects.filter(pk=official.pk).update(title="Loader title")

    with pytest.raises(ValidationError) as error:
        course_publish_draft(course=official)

    assert "'title'" in str(error.value.message_dict["draft_conflicts"])
    assert Course.objects.get(pk=official.pk).title == "Loader title"
    [conflict] = draft_conflicts(official)
    assert conflict.as_dict() | {"id": None} == {
        "id": None,
        "kind": "changed_in_both",
        "model": "course",
        "object": official.key,
        "field": "title",
        "draft_value": "Editor title",
        "official_value": "Loader title",
    }


@pytest.mark.parametrize(("keep", "expected"), [("draft", "Editor title"), ("official", "Loader title")])
def test_resolved_conflict_publishes_the_chosen_value(keep: Literal["draft", "official"], expected: str) -> None:
    official = official_course_world()
    course_draft_update(course=official, fields={"title": "Editor title"})
    Course.objects.filter(pk=official.pk).update(title="Loader title")
    [conflict] = draft_conflicts(official)

    draft_conflict_resolve(course=official, conflict_id=conflict.id, keep=keep)
    course_publish_draft(course=official)

    assert Course.objects.get(pk=official.pk).title == expected
    assert Course.objects.drafts().get(uuid=official.uuid).title == expected


def test_resolving_an_unknown_conflict_says_so() -> None:
    official = official_course_world()
    course_ensure_draft(course=official)

    with pytest.raises(ValidationError) as error:
        draft_conflict_resolve(course=official, conflict_id="nope", keep="draft")

    assert "No current conflict" in str(error.value)


def test_loader_reordering_links_is_kept_when_the_editor_did_not() -> None:
    official = official_course_world()
    draft = course_draft_update(course=official, fields={"faq": "Edited"})
    subjects = list(official.subjects.all())
    official.subjects.set(list(reversed(subjects)))

    course_publish_draft(course=official)

    assert list(official.subjects.all()) == list(reversed(subjects))
    assert list(Course.objects.get(pk=draft.pk).subjects.all()) == list(reversed(subjects))


def test_seat_added_by_a_loader_is_kept_and_adopted_by_the_draft() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None
    draft_run = course_ensure_draft(course=official).course_runs.get(uuid=official_run.uuid)
    loaded = SeatFactory(course_run=official_run, type=SeatTypeFactory(slug="professional"))

    course_run_publish_draft(course_run=draft_run)

    assert Seat.objects.filter(pk=loaded.pk).exists()
    loaded.refresh_from_db()
    assert isinstance(loaded.draft_version, Seat)
    assert loaded.draft_version.course_run_id == draft_run.pk


def test_seat_deleted_by_a_loader_is_not_resurrected() -> None:
    official = official_course_world()
    assert official.canonical_course_run_id is not None
    official_run = official.course_runs.get(pk=official.canonical_course_run_id)
    draft_run = course_ensure_draft(course=official).course_runs.get(uuid=official_run.uuid)
    official_run.seats.get(type__slug="audit").delete()

    course_run_publish_draft(course_run=draft_run)

    assert not Seat.objects.filter(course_run__uuid=official_run.uuid, type__slug="audit").exists()


def test_seat_deleted_by_a_loader_but_edited_in_the_draft_is_a_conflict() -> None:
    official = official_course_world()
    assert official.canonical_course_run_id is not None
    official_run = official.course_runs.get(pk=official.canonical_course_run_id)
    draft_run = course_ensure_draft(course=official).course_runs.get(uuid=official_run.uuid)
    Seat.objects.filter(course_run=draft_run, type__slug="audit").update(sku="EDITED")
    official_run.seats.get(type__slug="audit").delete()

    with pytest.raises(ValidationError):
        course_run_publish_draft(course_run=draft_run)

    [conflict] = draft_conflicts(official)
    assert (conflict.kind, conflict.model) == ("deleted_in_official", "seat")
    draft_conflict_resolve(course=official, conflict_id=conflict.id, keep="draft")
    course_run_publish_draft(course_run=draft_run)
    assert official_run.seats.get(type__slug="audit").sku == "EDITED"


def test_seat_deleted_in_the_draft_but_changed_by_a_loader_is_a_conflict() -> None:
    official = official_course_world()
    assert official.canonical_course_run_id is not None
    official_run = official.course_runs.get(pk=official.canonical_course_run_id)
    draft_run = course_ensure_draft(course=official).course_runs.get(uuid=official_run.uuid)
    draft_run.seats.get(type__slug="audit").delete()
    official_run.seats.filter(type__slug="audit").update(sku="LOADER")

    [conflict] = draft_conflicts(official)

    assert (conflict.kind, conflict.model) == ("deleted_in_draft", "seat")
    draft_conflict_resolve(course=official, conflict_id=conflict.id, keep="official")
    assert draft_conflicts(official) == []
    course_run_publish_draft(course_run=draft_run)
    assert official_run.seats.get(type__slug="audit").sku == "LOADER"
    assert draft_run.seats.get(type__slug="audit").sku == "LOADER"


def test_same_product_added_by_loader_and_editor_is_paired() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None
    draft_run = course_ensure_draft(course=official).course_runs.get(uuid=official_run.uuid)
    kind = SeatTypeFactory(slug="professional")
    mine = SeatFactory(course_run=draft_run, type=kind, price=Decimal("300.00"), sku="SAME")
    theirs = SeatFactory(course_run=official_run, type=kind, price=Decimal("250.00"), sku="SAME")

    conflicts = draft_conflicts(official)

    assert [(c.model, c.field) for c in conflicts] == [("seat", "price")]
    draft_conflict_resolve(course=official, conflict_id=conflicts[0].id, keep="draft")
    course_run_publish_draft(course_run=draft_run)
    theirs.refresh_from_db()
    assert theirs.price == Decimal("300.00") and theirs.draft_version_id == mine.pk
    assert official_run.seats.filter(type=kind).count() == 1
