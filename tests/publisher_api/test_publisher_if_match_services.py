"""The services check If-Match themselves, against the row the write changes, whatever row they are handed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from course_metadata.models import Course, CourseRun
from course_metadata.selectors.etags import etag_for
from course_metadata.services.drafts import course_ensure_draft
from publisher_api.etags import StaleEdit
from publisher_api.services.course_runs import course_run_delete, course_run_update
from publisher_api.services.courses import course_update

pytestmark = pytest.mark.django_db


def test_a_course_edit_with_the_officials_etag_fails_once_a_draft_has_changed(editor: User, course: Course) -> None:
    etag = etag_for(course)
    course_update(user=editor, course=course, fields={"title": "First"}, if_match=etag)
    course.refresh_from_db()  # still the official row: the caller read it before the draft existed

    with pytest.raises(StaleEdit):
        course_update(user=editor, course=course, fields={"title": "Second"}, if_match=etag)

    assert Course.objects.editable().get(uuid=course.uuid).title == "First"
    draft = Course.objects.drafts().get(uuid=course.uuid)
    course_update(user=editor, course=course, fields={"title": "Third"}, if_match=etag_for(draft))
    assert Course.objects.editable().get(uuid=course.uuid).title == "Third"


def test_a_run_edit_or_delete_with_a_stale_etag_changes_nothing(editor: User, course_run: CourseRun) -> None:
    etag = etag_for(course_run)
    course_run_update(user=editor, course_run=course_run, fields={"title_override": "First"}, if_match=etag)

    with pytest.raises(StaleEdit):
        course_run_update(user=editor, course_run=course_run, fields={"title_override": "Second"}, if_match=etag)
    assert CourseRun.objects.editable().get(uuid=course_run.uuid).title_override == "First"


def test_deleting_with_a_stale_etag_keeps_the_run(editor: User, course: Course) -> None:
    draft_course = course_ensure_draft(course=course)
    course_run = CourseRun.objects.create(course=draft_course, draft=True, key="course-v1:edX+CS101+9T2099")
    stale = etag_for(course_run)
    course_run_update(user=editor, course_run=course_run, fields={"title_override": "Changed"})

    with pytest.raises(StaleEdit):
        course_run_delete(user=editor, course_run=course_run, if_match=stale)
    assert CourseRun.objects.filter(pk=course_run.pk).exists()
    course_run_delete(user=editor, course_run=course_run, if_match=etag_for(CourseRun.objects.get(pk=course_run.pk)))
    assert not CourseRun.objects.filter(pk=course_run.pk).exists()
