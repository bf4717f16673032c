"""Studio's COURSE_CATALOG_INFO_CHANGED applied through the catalog's service: updates, creations, stale events."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

import pytest
from django.core.exceptions import ValidationError
from opaque_keys.edx.keys import CourseKey
from openedx_events.content_authoring.data import CourseCatalogData, CourseScheduleData
from openedx_events.content_authoring.signals import COURSE_CATALOG_INFO_CHANGED

from course_metadata.models import ChangeLogEntry, Course, CourseRun, CourseRunPacing, CourseRunStatus, Organization
from course_metadata.services.drafts import course_run_draft_update
from course_metadata.services.studio_catalog import StudioCatalogInfo, course_run_apply_studio_catalog
from eventbus.models import StudioEventStamp
from eventbus.services import studio_catalog_event_apply
from tests.factories import CourseFactory, CourseRunFactory, PartnerFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def catalog_data(key: str, *, name: str = "Studio's title", start: dt.datetime = START, **kwargs) -> CourseCatalogData:
    schedule = CourseScheduleData(
        start=start,
        pacing=kwargs.pop("pacing", "self"),
        end=kwargs.pop("end", start + dt.timedelta(weeks=8)),
        enrollment_start=kwargs.pop("enrollment_start", start - dt.timedelta(days=30)),
        enrollment_end=kwargs.pop("enrollment_end", None),
    )
    return CourseCatalogData(course_key=CourseKey.from_string(key), name=name, schedule_data=schedule, **kwargs)


def apply(data: CourseCatalogData, at: dt.datetime = T0):
    return studio_catalog_event_apply(catalog_info=data, event_time=at, event_id=uuid4())


def test_an_event_updates_the_official_run_with_what_studio_owns(course_run):
    outcome = apply(catalog_data(course_run.key, hidden=True))
    course_run.refresh_from_db()
    assert outcome.outcome == "updated"
    assert (course_run.title_override, course_run.start, course_run.pacing_type, course_run.hidden) == (
        "Studio's title",
        START,
        CourseRunPacing.SELF,
        True,
    )
    assert course_run.end == START + dt.timedelta(weeks=8)
    assert course_run.enrollment_end is None
    assert course_run.status == CourseRunStatus.PUBLISHED  # not Studio's business


def test_the_signal_reaches_the_service(course_run):
    """In process (how the bus consumer delivers it): the receiver is connected at start-up."""
    data = catalog_data(course_run.key, name="Via the signal")
    COURSE_CATALOG_INFO_CHANGED.send_event(send_robust=False, time=T0, catalog_info=data)
    course_run.refresh_from_db()
    assert course_run.title_override == "Via the signal"
    assert StudioEventStamp.objects.get(course_run_key=course_run.key).event_time == T0


def test_a_replayed_or_older_event_changes_nothing(course_run):
    apply(catalog_data(course_run.key, name="Newest"), at=T0)
    entries = ChangeLogEntry.objects.count()
    assert apply(catalog_data(course_run.key, name="Newest"), at=T0).outcome == "stale"  # the same event again
    older = apply(
        catalog_data(course_run.key, name="Older", start=START - dt.timedelta(days=9)), at=T0 - dt.timedelta(seconds=1)
    )
    assert older.outcome == "stale"
    course_run.refresh_from_db()
    assert (course_run.title_override, course_run.start) == ("Newest", START)
    assert ChangeLogEntry.objects.count() == entries
    newer = apply(catalog_data(course_run.key, name="Newer"), at=T0 + dt.timedelta(seconds=1))
    assert newer.outcome == "updated"


def test_an_event_that_changes_nothing_writes_nothing(course_run):
    apply(catalog_data(course_run.key))
    entries = ChangeLogEntry.objects.count()
    outcome = apply(catalog_data(course_run.key), at=T0 + dt.timedelta(minutes=1))
    assert outcome.outcome == "unchanged"
    assert ChangeLogEntry.objects.count() == entries


def test_an_unknown_run_of_a_known_course_joins_it_with_the_latest_runs_type(course_run):
    key = "course-v1:edX+CS101+3T2030"
    outcome = apply(catalog_data(key))
    run = CourseRun.objects.official().get(key=key)
    assert outcome.outcome == "created"
    assert run.course_id == course_run.course_id
    assert run.type_id == course_run.type_id
    assert run.status == CourseRunStatus.UNPUBLISHED
    assert (run.title_override, run.start, run.pacing_type) == ("Studio's title", START, CourseRunPacing.SELF)


def test_an_unknown_run_of_a_renamed_course_joins_the_course_that_reruns_under_that_key(course):
    Course.objects.filter(pk=course.pk).update(key_for_reruns="edX+CS101r")
    apply(catalog_data("course-v1:edX+CS101r+1T2031"))
    assert CourseRun.objects.get(key="course-v1:edX+CS101r+1T2031").course_id == course.pk


def test_an_unknown_run_of_an_unknown_course_creates_both_and_the_organization(partner):
    key = "course-v1:NewU+PHY9+1T2027"
    outcome = apply(catalog_data(key, name="Physics"))
    course = Course.objects.official().get(key="NewU+PHY9")
    run = CourseRun.objects.get(key=key)
    assert outcome.result is not None and outcome.result.course_created
    assert (course.partner, course.number, course.title, course.type) == (partner, "PHY9", "Physics", None)
    assert course.canonical_course_run == run
    assert [o.key for o in course.authoring_organizations.all()] == ["NewU"]
    assert Organization.objects.get(key="NewU").partner == partner
    assert ChangeLogEntry.objects.filter(object_type="courserun", key=key, action="upsert").exists()


def test_a_new_course_needs_to_know_its_partner(partner, settings):
    PartnerFactory.create(short_code="other", name="Other")
    with pytest.raises(ValidationError, match="no partner"):
        apply(catalog_data("course-v1:NewU+PHY9+1T2027"))
    assert not StudioEventStamp.objects.exists()  # refused events leave no stamp: a replay may succeed later
    settings.EVENT_BUS_STUDIO_PARTNER = "other"
    apply(catalog_data("course-v1:NewU+PHY9+1T2027"))
    assert Course.objects.get(key="NewU+PHY9").partner.short_code == "other"


def test_a_run_whose_key_names_another_course_is_refused(course):
    stray = CourseFactory.create(partner=course.partner, number="OTHER1")
    run = CourseRunFactory.create(course=stray, key=f"course-v1:{stray.key}+9T2029")
    # Data written before the run-key rule existed (every write path refuses it now).
    CourseRun.objects.filter(pk=run.pk).update(key="course-v1:edX+CS101+9T2029")
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="belongs to course"):
        apply(catalog_data(run.key))
    run.refresh_from_db()
    assert run.title_override != "Studio's title"


def test_a_bad_pacing_is_refused(course_run):
    with pytest.raises(ValidationError, match="pacing"):
        apply(catalog_data(course_run.key, pacing="sometimes"))


def test_a_run_being_edited_keeps_its_draft_and_the_official_takes_studios_values(course_run):
    draft = course_run_draft_update(course_run=course_run, fields={"title_override": "Author's title"})
    apply(catalog_data(course_run.key, name="Studio's title"))
    draft.refresh_from_db()
    course_run.refresh_from_db()
    assert draft.title_override == "Author's title"
    assert course_run.title_override == "Studio's title"
    assert course_run.start == START


def test_a_run_that_is_only_a_draft_is_updated_in_place_without_a_status_change(course):
    draft_course = CourseFactory.create(partner=course.partner, number="DRAFT1", draft=True)
    run = CourseRunFactory.create(course=draft_course, status=CourseRunStatus.LEGAL_REVIEW)
    apply(catalog_data(run.key))
    run.refresh_from_db()
    assert (run.draft, run.title_override, run.status) == (True, "Studio's title", CourseRunStatus.LEGAL_REVIEW)
    assert not CourseRun.objects.official().filter(key=run.key).exists()


def test_a_new_run_of_a_course_that_is_only_a_draft_joins_the_draft(partner, organization):
    draft_course = CourseFactory.create(partner=partner, authoring_organization=organization, number="D2", draft=True)
    apply(catalog_data("course-v1:edX+D2+1T2027"))
    run = CourseRun.objects.get(key="course-v1:edX+D2+1T2027")
    assert (run.course_id, run.draft) == (draft_course.pk, True)


def test_the_course_service_alone_is_idempotent(course_run):
    info = StudioCatalogInfo(course_run_key=course_run.key, name="Same", start=START, pacing="instructor")
    assert course_run_apply_studio_catalog(info=info).outcome == "updated"
    assert course_run_apply_studio_catalog(info=info).outcome == "unchanged"
