"""Publishing drafts onto official rows: first and later publishes, deletions, go-live."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from course_metadata.models import Course, CourseRun, CourseRunStatus, CourseUrlSlugHistory, Fact, GeoLocation, Seat
from course_metadata.services.drafts import course_draft_update, course_ensure_draft
from course_metadata.services.publishing import course_publish_draft, course_run_publish_draft, course_runs_publish_due
from course_metadata.tasks.publishing import publish_due_course_runs
from course_metadata.workflow import course_run_transition
from tests.factories import FactFactory, SeatFactory, SeatTypeFactory, SubjectFactory
from tests.factories.drafts import (
    assert_no_draft_is_official,
    future,
    official_course_world,
    past,
    publish_all_runs,
    world_snapshot,
)

pytestmark = pytest.mark.django_db

S = CourseRunStatus


def test_first_publish_creates_the_official_world() -> None:
    draft = official_course_world(draft=True)

    publish_all_runs(draft)

    official = Course.objects.official().get()
    assert official.pk != draft.pk
    assert (official.uuid, official.key, official.url_slug) == (draft.uuid, draft.key, draft.url_slug)
    assert world_snapshot(official) == world_snapshot(draft)
    assert list(official.subjects.all()) == list(draft.subjects.all())
    assert official.canonical_course_run is not None and draft.canonical_course_run is not None
    assert official.canonical_course_run.draft is False
    assert official.canonical_course_run.uuid == draft.canonical_course_run.uuid
    assert_no_draft_is_official()


def test_later_publish_updates_the_official_rows_in_place() -> None:
    official = official_course_world()
    ids = {
        "course": (official.pk, official.uuid, official.url_slug),
        "runs": {(run.pk, run.uuid, run.slug) for run in official.course_runs.all()},
        "metadata": official.additional_metadata_id,
        "seats": set(Seat.objects.official().values_list("pk", flat=True)),
    }
    draft = course_ensure_draft(course=official)
    subjects = list(draft.subjects.all())
    draft.subjects.set([subjects[1], subjects[2], subjects[0]])
    draft.topics.set(["python", "statistics"])
    course_draft_update(course=draft, fields={"short_description": "Shorter."})
    metadata = draft.additional_metadata
    assert metadata is not None
    metadata.external_identifier = "EXT-NEW"
    metadata.save()
    seat = Seat.objects.drafts().filter(course_run__course=draft).first()
    assert seat is not None
    seat.price = Decimal("59.00")
    seat.save()

    publish_all_runs(draft)

    official = Course.objects.get(pk=official.pk)
    assert world_snapshot(official) == world_snapshot(Course.objects.get(pk=draft.pk))
    assert (official.pk, official.uuid, official.url_slug) == ids["course"]
    assert {(run.pk, run.uuid, run.slug) for run in official.course_runs.all()} == ids["runs"]
    assert official.additional_metadata_id == ids["metadata"]
    assert set(Seat.objects.official().values_list("pk", flat=True)) == ids["seats"]
    assert list(official.subjects.all()) == [subjects[1], subjects[2], subjects[0]]
    assert sorted(official.topics.names()) == ["python", "statistics"]
    assert Seat.objects.get(draft_version=seat).price == Decimal("59.00")
    assert_no_draft_is_official()


def test_course_publish_leaves_runs_alone() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    draft_run = draft.course_runs.first()
    assert draft_run is not None
    draft_run.title_override = "Not reviewed yet"
    draft_run.save()
    course_draft_update(course=draft, fields={"title": "Reviewed title"})

    assert course_publish_draft(course=official).pk == official.pk

    assert Course.objects.get(pk=official.pk).title == "Reviewed title"
    assert CourseRun.objects.get(draft_version=draft_run).title_override == ""


def test_changed_url_slug_keeps_the_old_one_in_history() -> None:
    official = official_course_world()
    old_slug = official.url_slug
    course_draft_update(course=official, fields={"url_slug": "brand-new-slug"})

    course_publish_draft(course=official)

    official.refresh_from_db()
    assert official.url_slug == "brand-new-slug"
    assert CourseUrlSlugHistory.objects.filter(course=official, url_slug=old_slug).exists()


def test_deleted_related_rows_propagate() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    assert draft.canonical_course_run_id is not None
    draft_run = draft.course_runs.get(pk=draft.canonical_course_run_id)
    gone_seat = draft_run.seats.first()
    assert gone_seat is not None and draft.additional_metadata is not None
    gone_seat_official = Seat.objects.get(draft_version=gone_seat)
    gone_fact = draft.additional_metadata.facts.first()
    assert gone_fact is not None
    gone_fact_official = Fact.objects.get(draft_version=gone_fact)
    gone_geolocation_official = official.geolocation
    assert gone_geolocation_official is not None
    gone_seat.delete()
    gone_fact.delete()
    draft.entitlements.all().delete()
    assert draft.geolocation is not None
    draft.geolocation.delete()

    course_run_publish_draft(course_run=draft_run)

    official.refresh_from_db()
    assert not Seat.objects.filter(pk=gone_seat_official.pk).exists()
    assert not Fact.objects.filter(pk=gone_fact_official.pk).exists()
    assert not GeoLocation.objects.filter(pk=gone_geolocation_official.pk).exists()
    assert official.geolocation is None
    assert not official.entitlements.exists()
    assert official.additional_metadata is not None
    assert official.additional_metadata.facts.count() == 1


def test_added_related_rows_propagate() -> None:
    official = official_course_world()
    draft = course_ensure_draft(course=official)
    draft_run = draft.course_runs.first()
    assert draft_run is not None and draft.additional_metadata is not None
    SeatFactory(course_run=draft_run, type=SeatTypeFactory(slug="professional"))
    draft.additional_metadata.facts.add(FactFactory(draft=True, heading="New fact"))
    draft.subjects.add(SubjectFactory(partner=draft.partner))

    course_run_publish_draft(course_run=draft_run)

    official_run = CourseRun.objects.get(draft_version=draft_run)
    assert official_run.seats.filter(type__slug="professional", draft=False).exists()
    official.refresh_from_db()
    assert official.additional_metadata is not None
    assert official.additional_metadata.facts.filter(heading="New fact", draft=False).exists()
    assert official.subjects.count() == 4


def test_replacing_a_deleted_seat_with_the_same_product_works() -> None:
    official = official_course_world()
    draft_run = course_ensure_draft(course=official).course_runs.first()
    assert draft_run is not None
    old = draft_run.seats.get(type__slug="verified")
    old.delete()
    SeatFactory(course_run=draft_run, type=SeatTypeFactory(slug="verified"), price=Decimal("77.00"))

    course_run_publish_draft(course_run=draft_run)

    assert CourseRun.objects.get(draft_version=draft_run).seats.get(type__slug="verified").price == Decimal("77.00")


# --- go-live ------------------------------------------------------------------------------------------------


def reviewed_run(go_live_date: dt.datetime | None) -> CourseRun:
    course = official_course_world(draft=True, go_live_date=go_live_date)
    run = course.course_runs.first()
    assert run is not None
    CourseRun.objects.filter(pk=run.pk).update(status=S.INTERNAL_REVIEW)
    return course_run_transition(course_run=CourseRun.objects.get(pk=run.pk), to_status=S.REVIEWED)


def test_periodic_service_publishes_only_due_runs() -> None:
    later = reviewed_run(future())
    due = reviewed_run(future())
    CourseRun.objects.filter(pk=due.pk).update(go_live_date=past())

    published = course_runs_publish_due(now=timezone.now())

    assert [run.pk for run in published] == [due.pk]
    assert CourseRun.objects.get(pk=due.pk).status == S.PUBLISHED
    assert CourseRun.objects.official().get(uuid=due.uuid).status == S.PUBLISHED
    assert CourseRun.objects.get(pk=later.pk).status == S.REVIEWED
    assert CourseRun.objects.official().get(uuid=later.uuid).status == S.REVIEWED


def test_go_live_copies_a_postponed_go_live_date() -> None:
    run = reviewed_run(future())
    moved = future()
    CourseRun.objects.filter(pk=run.pk).update(go_live_date=moved)

    course_runs_publish_due(now=moved)

    official = CourseRun.objects.official().get(uuid=run.uuid)
    assert official.status == S.PUBLISHED and official.go_live_date == moved


def test_periodic_task_runs_the_service() -> None:
    run = reviewed_run(future())
    CourseRun.objects.filter(pk=run.pk).update(go_live_date=past())

    keys = publish_due_course_runs.delay().get()

    assert keys == [run.key]
    assert CourseRun.objects.official().get(uuid=run.uuid).status == S.PUBLISHED


def test_no_draft_is_official_after_a_full_life_cycle() -> None:
    draft = official_course_world(draft=True, go_live_date=past())
    for run in draft.course_runs.all():
        for status in (S.LEGAL_REVIEW, S.INTERNAL_REVIEW, S.REVIEWED):
            run = course_run_transition(course_run=run, to_status=status)
    course_draft_update(course=draft, fields={"title": "Again"})
    course_publish_draft(course=draft)

    assert Course.objects.official().get().title == "Again"
    assert CourseRun.objects.official().filter(status=S.PUBLISHED).count() == 2
    assert_no_draft_is_official()
