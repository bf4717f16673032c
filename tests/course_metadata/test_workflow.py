"""The run review workflow: every allowed and forbidden move, publishing on review, go-live, edits."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from course_metadata import signals
from course_metadata.models import Course, CourseRun, CourseRunStatus, Seat
from course_metadata.services.drafts import course_run_draft_update
from course_metadata.workflow import (
    ALLOWED_TRANSITIONS,
    EDIT_EXEMPT_FIELDS,
    course_run_note_edit,
    course_run_transition,
)
from tests.factories import UserFactory
from tests.factories.drafts import future, official_course_world, past, run_snapshot

pytestmark = pytest.mark.django_db

S = CourseRunStatus
ALL_MOVES = list(itertools.product(S.values, S.values))


def review(course_run: CourseRun) -> CourseRun:
    for status in (S.LEGAL_REVIEW, S.INTERNAL_REVIEW, S.REVIEWED):
        course_run = course_run_transition(course_run=course_run, to_status=status)
    return course_run


def draft_run_in(status: str) -> CourseRun:
    """A run of a course that exists only as a draft, with a future go-live date, sitting in ``status``."""
    course = official_course_world(draft=True, go_live_date=future())
    run = course.course_runs.first()
    assert run is not None
    CourseRun.objects.filter(pk=run.pk).update(status=status)
    run.refresh_from_db()
    return run


def test_the_declared_moves_are_the_documented_workflow() -> None:
    assert {
        S.UNPUBLISHED: {S.LEGAL_REVIEW},
        S.LEGAL_REVIEW: {S.INTERNAL_REVIEW, S.UNPUBLISHED},
        S.INTERNAL_REVIEW: {S.REVIEWED, S.UNPUBLISHED},
        S.REVIEWED: {S.PUBLISHED, S.UNPUBLISHED},
        S.PUBLISHED: {S.UNPUBLISHED},
    } == ALLOWED_TRANSITIONS


@pytest.mark.parametrize(("from_status", "to_status"), ALL_MOVES)
def test_every_move_is_allowed_or_refused_as_declared(from_status: str, to_status: str) -> None:
    run = draft_run_in(from_status)

    if to_status in ALLOWED_TRANSITIONS[from_status]:
        moved = course_run_transition(course_run=run, to_status=to_status)
        assert moved.status == to_status
        assert CourseRun.objects.get(pk=run.pk).status == to_status
    else:
        with pytest.raises(ValidationError) as error:
            course_run_transition(course_run=run, to_status=to_status)
        message = error.value.message_dict["status"][0]
        assert f"from '{from_status}' to '{to_status}'" in message
        for allowed in ALLOWED_TRANSITIONS[from_status]:
            assert allowed in message
        assert CourseRun.objects.get(pk=run.pk).status == from_status


def test_transitions_are_announced() -> None:
    run = draft_run_in(S.UNPUBLISHED)
    user = UserFactory()
    heard = []

    def listener(sender: type, **kwargs: object) -> None:
        heard.append((kwargs["old_status"], kwargs["new_status"], kwargs["user"]))

    signals.course_run_status_changed.connect(listener)
    try:
        course_run_transition(course_run=run, to_status=S.LEGAL_REVIEW, user=user)
    finally:
        signals.course_run_status_changed.disconnect(listener)

    assert heard == [(S.UNPUBLISHED, S.LEGAL_REVIEW, user)]


def test_reaching_reviewed_creates_the_official_rows() -> None:
    run = draft_run_in(S.INTERNAL_REVIEW)
    draft_course = run.course
    assert not Course.objects.official().exists()

    reviewed = course_run_transition(course_run=run, to_status=S.REVIEWED)

    assert reviewed.status == S.REVIEWED  # the go-live date is in the future
    official_course = Course.objects.official().get()
    official_run = CourseRun.objects.official().get()
    assert (official_course.uuid, official_course.key, official_course.url_slug) == (
        draft_course.uuid,
        draft_course.key,
        draft_course.url_slug,
    )
    assert official_course.draft_version_id == draft_course.pk
    assert official_run.draft_version_id == run.pk and official_run.uuid == run.uuid
    assert official_run.status == S.REVIEWED and official_run.course_id == official_course.pk
    assert Seat.objects.official().filter(course_run=official_run).count() == run.seats.count()
    # The other run was not reviewed: it stays a draft only.
    assert CourseRun.objects.official().count() == 1


def test_reviewed_run_past_its_go_live_date_is_published_at_once() -> None:
    run = draft_run_in(S.INTERNAL_REVIEW)
    CourseRun.objects.filter(pk=run.pk).update(go_live_date=past())

    published = course_run_transition(course_run=run, to_status=S.REVIEWED)

    assert published.status == S.PUBLISHED
    assert CourseRun.objects.official().get(uuid=run.uuid).status == S.PUBLISHED


def test_reviewed_run_without_go_live_date_is_published_at_once() -> None:
    run = draft_run_in(S.INTERNAL_REVIEW)
    CourseRun.objects.filter(pk=run.pk).update(go_live_date=None)

    assert course_run_transition(course_run=run, to_status=S.REVIEWED).status == S.PUBLISHED


def test_transition_on_an_official_row_moves_its_draft() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None
    draft_run = course_run_draft_update(course_run=official_run, fields={"title_override": "New"})
    assert draft_run.status == S.UNPUBLISHED

    moved = course_run_transition(course_run=official_run, to_status=S.LEGAL_REVIEW)

    assert moved.pk == draft_run.pk and moved.status == S.LEGAL_REVIEW
    official_run.refresh_from_db()
    assert official_run.status == S.PUBLISHED


def test_official_only_run_moves_itself() -> None:
    official = official_course_world()
    run = official.course_runs.first()
    assert run is not None
    CourseRun.objects.filter(pk=run.pk).update(status=S.REVIEWED, go_live_date=past())

    moved = course_run_transition(course_run=run, to_status=S.PUBLISHED)

    assert moved.pk == run.pk and moved.status == S.PUBLISHED
    assert not CourseRun.objects.drafts().exists()


def test_editing_a_published_run_returns_it_to_unpublished_and_leaves_the_official_alone() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None
    published_state = run_snapshot(official_run)

    draft_run = course_run_draft_update(course_run=official_run, fields={"title_override": "Spring edition"})

    assert draft_run.status == S.UNPUBLISHED
    official_run.refresh_from_db()
    assert run_snapshot(official_run) == published_state
    assert official_run.status == S.PUBLISHED

    draft_run = review(draft_run)

    official_run.refresh_from_db()
    assert official_run.title_override == "Spring edition"
    assert official_run.status == draft_run.status == S.PUBLISHED  # no go-live date: live at once


def test_editing_a_reviewed_run_returns_it_to_unpublished_until_the_next_review() -> None:
    run = draft_run_in(S.INTERNAL_REVIEW)
    run = course_run_transition(course_run=run, to_status=S.REVIEWED)
    official_run = CourseRun.objects.official().get(uuid=run.uuid)
    reviewed_state = run_snapshot(official_run)

    run = course_run_draft_update(course_run=run, fields={"min_effort": 9})

    assert run.status == S.UNPUBLISHED
    official_run.refresh_from_db()
    assert run_snapshot(official_run) == reviewed_state
    review(run)
    official_run.refresh_from_db()
    assert official_run.min_effort == 9


@pytest.mark.parametrize("field", ["go_live_date", "enrollment_count"])
def test_exempt_edits_keep_the_review(field: str) -> None:
    run = course_run_transition(course_run=draft_run_in(S.INTERNAL_REVIEW), to_status=S.REVIEWED)
    value = future() if field == "go_live_date" else 1234
    assert field in EDIT_EXEMPT_FIELDS

    run = course_run_draft_update(course_run=run, fields={field: value})

    assert run.status == S.REVIEWED


@pytest.mark.parametrize("status", [S.UNPUBLISHED, S.LEGAL_REVIEW, S.INTERNAL_REVIEW])
def test_edits_before_the_end_of_review_keep_the_status(status: str) -> None:
    run = draft_run_in(status)

    run = course_run_draft_update(course_run=run, fields={"ofac_comment": "Checked by legal."})

    assert run.status == status


def test_related_edits_are_edits_too() -> None:
    run = course_run_transition(course_run=draft_run_in(S.INTERNAL_REVIEW), to_status=S.REVIEWED)

    assert course_run_note_edit(course_run=run, changed_fields=["seats"]).status == S.UNPUBLISHED


def test_a_failed_publish_leaves_the_run_in_review() -> None:
    official = official_course_world()
    official_run = official.course_runs.first()
    assert official_run is not None
    draft_run = course_run_draft_update(course_run=official_run, fields={"title_override": "Draft title"})
    draft_run = course_run_transition(course_run=draft_run, to_status=S.LEGAL_REVIEW)
    draft_run = course_run_transition(course_run=draft_run, to_status=S.INTERNAL_REVIEW)
    CourseRun.objects.filter(pk=official_run.pk).update(title_override="Loader title")  # a conflict

    with pytest.raises(ValidationError) as error:
        course_run_transition(course_run=draft_run, to_status=S.REVIEWED)

    assert "title_override" in str(error.value)
    assert CourseRun.objects.get(pk=draft_run.pk).status == S.INTERNAL_REVIEW
    assert CourseRun.objects.get(pk=official_run.pk).title_override == "Loader title"
