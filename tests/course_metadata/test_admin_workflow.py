"""The admin moves runs through the review workflow with actions; the status is never typed in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from course_metadata.models import CourseRun, CourseRunStatus
from tests.factories import CourseRunFactory

pytestmark = pytest.mark.django_db


def act(client: Client, action: str, course_run: CourseRun) -> str:
    response = client.post(
        reverse("admin:course_metadata_courserun_changelist"),
        {"action": action, "_selected_action": [course_run.pk]},
        follow=True,
    )
    assert response.status_code == 200
    return " ".join(str(message) for message in response.context["messages"])


def test_a_run_is_published_through_review(admin_client: Client) -> None:
    course_run = CourseRunFactory(status=CourseRunStatus.UNPUBLISHED)

    assert "Awaiting review from legal" in act(admin_client, "submit_for_review", course_run)
    assert "Awaiting internal review" in act(admin_client, "pass_legal_review", course_run)
    act(admin_client, "pass_internal_review", course_run)

    course_run.refresh_from_db()
    assert course_run.status == CourseRunStatus.PUBLISHED  # no go-live date: published at once


def test_a_move_the_workflow_forbids_is_refused_with_the_reason(admin_client: Client) -> None:
    course_run = CourseRunFactory(status=CourseRunStatus.UNPUBLISHED)

    message = act(admin_client, "pass_internal_review", course_run)

    assert "cannot move from 'unpublished' to 'reviewed'" in message
    course_run.refresh_from_db()
    assert course_run.status == CourseRunStatus.UNPUBLISHED


def test_the_status_is_read_only_on_the_run_page(admin_client: Client) -> None:
    course_run = CourseRunFactory()
    response = admin_client.get(reverse("admin:course_metadata_courserun_change", args=[course_run.pk]))
    assert "status" not in response.context["adminform"].form.fields
