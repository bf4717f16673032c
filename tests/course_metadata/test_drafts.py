"""Draft worlds: cloning an official course, idempotence, editors, constraints, edits landing on drafts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from course_metadata.models import (
    Course,
    CourseEditor,
    CourseRun,
    CourseRunStatus,
    Seat,
)
from course_metadata.services.drafts import (
    course_draft_update,
    course_ensure_draft,
    course_run_draft_update,
    course_run_ensure_draft,
)
from tests.factories import CourseRunFactory, SeatFactory, SeatTypeFactory
from tests.factories.drafts import DRAFTABLE_MODELS, assert_no_draft_is_official, official_course_world, world_snapshot

pytestmark = pytest.mark.django_db


def test_ensure_draft_clones_the_whole_world() -> None:
    official = official_course_world()
    before = world_snapshot(official)

    draft = course_ensure_draft(course=official)

    assert draft.draft is True and draft.pk != official.pk
    assert (draft.uuid, draft.key, draft.url_slug) == (official.uuid, official.key, official.url_slug)
    official.refresh_from_db()
    assert official.draft_version_id == draft.pk
    assert world_snapshot(draft) == before
    assert world_snapshot(official) == before


def test_ensure_draft_keeps_many_to_many_order_and_tags() -> None:
    official = official_course_world()

    draft = course_ensure_draft(course=official)

    assert list(draft.subjects.all()) == list(official.subjects.all())
    assert [s.pk for s in draft.subjects.all()] != sorted(s.pk for s in draft.subjects.all())
    assert list(draft.authoring_organizations.all()) == list(official.authoring_organizations.all())
    assert list(draft.sponsoring_organizations.all()) == list(official.sponsoring_organizations.all())
    assert list(draft.collaborators.all()) == list(official.collaborators.all())
    assert sorted(draft.topics.names()) == ["data science", "ethics", "python"]
    for draft_run in draft.course_runs.all():
        official_run = CourseRun.objects.get(draft_version=draft_run)
        assert list(draft_run.staff.all()) == list(official_run.staff.all())


def test_every_cloned_row_is_a_linked_draft() -> None:
    official = official_course_world()

    draft = course_ensure_draft(course=official)

    metadata = draft.additional_metadata
    assert metadata is not None
    owned: list[Any] = [
        draft,
        metadata,
        metadata.certificate_info,
        metadata.product_meta,
        draft.geolocation,
        draft.location_restriction,
        draft.in_year_value,
        *metadata.facts.all(),
        *draft.entitlements.all(),
        *draft.course_runs.all(),
        *Seat.objects.filter(course_run__course=draft),
    ]
    for row in owned:
        assert row.draft is True, row
        official_row = type(row).objects.get(draft_version=row)
        assert official_row.draft is False
        assert official_row.pk != row.pk
    assert draft.canonical_course_run is not None and official.canonical_course_run is not None
    assert draft.canonical_course_run.draft is True
    assert draft.canonical_course_run.uuid == official.canonical_course_run.uuid
    assert CourseRun.objects.drafts().filter(course=draft).count() == 2


def test_shared_rows_are_referenced_not_cloned() -> None:
    official = official_course_world()

    draft = course_ensure_draft(course=official)

    assert draft.video_id == official.video_id
    assert draft.extra_description_id == official.extra_description_id
    assert draft.additional_metadata is not None and official.additional_metadata is not None
    assert draft.additional_metadata.taxi_form_id == official.additional_metadata.taxi_form_id


def test_ensure_draft_is_idempotent() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    counts = {model: model.objects.count() for model in DRAFTABLE_MODELS}

    again = course_ensure_draft(course=Course.objects.get(pk=official.pk))

    assert again.pk == draft.pk
    assert course_ensure_draft(course=draft).pk == draft.pk
    assert {model: model.objects.count() for model in DRAFTABLE_MODELS} == counts
    assert_no_draft_is_official()


def test_ensure_draft_gives_drafts_to_runs_added_to_the_official_later() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    loaded_run = CourseRunFactory(course=official, status=CourseRunStatus.PUBLISHED)
    SeatFactory(course_run=loaded_run)

    assert course_ensure_draft(course=official).pk == draft.pk

    loaded_run.refresh_from_db()
    assert isinstance(loaded_run.draft_version, CourseRun)
    assert loaded_run.draft_version.course_id == draft.pk
    assert loaded_run.draft_version.seats.count() == 1


def test_editors_move_to_the_draft() -> None:
    official = official_course_world()
    editor_ids = set(official.editors.values_list("user_id", flat=True))

    draft = course_ensure_draft(course=official)

    assert set(draft.editors.values_list("user_id", flat=True)) == editor_ids
    assert not CourseEditor.objects.filter(course=official).exists()


def test_run_ensure_draft_creates_the_course_draft_world() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None

    draft_run = course_run_ensure_draft(course_run=official_run)

    assert draft_run.draft is True and draft_run.uuid == official_run.uuid and draft_run.key == official_run.key
    assert draft_run.course.draft is True and draft_run.course.uuid == official.uuid
    assert course_run_ensure_draft(course_run=official_run).pk == draft_run.pk
    assert course_run_ensure_draft(course_run=draft_run).pk == draft_run.pk


def test_uniqueness_constraints_include_the_draft_flag() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    draft_run = draft.course_runs.first()
    assert draft_run is not None

    with pytest.raises(IntegrityError), transaction.atomic():
        CourseRunFactory(course=draft, key=draft_run.key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=draft.pk).update(draft=False)
    seat = draft_run.seats.first()
    assert seat is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatFactory(course_run=draft_run, type=seat.type, currency=seat.currency, credit_provider=seat.credit_provider)


def test_official_sees_no_draft() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    course_draft_update(course=draft, fields={"title": "Edited"})

    assert list(Course.objects.official()) == [official]
    assert Course.objects.editable().get(uuid=official.uuid).pk == draft.pk
    assert_no_draft_is_official()


def test_course_edits_land_on_the_draft() -> None:
    official = official_course_world()
    title = official.title

    draft = course_draft_update(course=official, fields={"title": "A better title", "faq": "Ask us."})

    assert draft.draft is True
    official.refresh_from_db()
    assert official.title == title
    assert Course.objects.get(pk=draft.pk).title == "A better title"


def test_draft_update_refuses_bookkeeping_and_workflow_fields() -> None:
    official = official_course_world()
    run = official.course_runs.first()
    assert run is not None

    with pytest.raises(ValidationError) as error:
        course_run_draft_update(course_run=run, fields={"status": CourseRunStatus.PUBLISHED, "draft": False})

    assert set(error.value.message_dict) == {"status", "draft"}
    with pytest.raises(ValidationError):
        course_draft_update(course=official, fields={"number": "OTHER"})


def test_run_edit_lands_on_the_draft_run() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None

    draft_run = course_run_draft_update(course_run=official_run, fields={"title_override": "Spring edition"})

    official_run.refresh_from_db()
    assert official_run.title_override == ""
    assert draft_run.title_override == "Spring edition"
    assert draft_run.draft is True
    seat_types = {seat.type for seat in draft_run.seats.all()}
    assert SeatTypeFactory(slug="verified") in seat_types
