"""The Publisher API is a write path of the derived subscription flags: its services call the service.

docs/decisions/0022-visible-write-path.rst: no receiver derives the flags, so a Publisher write that
changes an input (a course's opt-in or authors, a run's pacing, a deletion) must bring them in step itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from course_metadata.models import CourseRun, CourseRunType, CourseType, Organization
from tests.factories import CourseFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def flag(obj: Any) -> bool:
    return type(obj).objects.values_list("enterprise_subscription_inclusion", flat=True).get(pk=obj.pk)


@pytest.fixture
def included(organization: Organization) -> Organization:
    Organization.objects.filter(pk=organization.pk).update(enterprise_subscription_inclusion=True)
    organization.refresh_from_db()
    return organization


def test_publisher_create_and_edit_derive_the_flags(member: User, included: Organization) -> None:
    team = APIClient()
    team.force_authenticate(member)
    start = timezone.now() + dt.timedelta(days=40)
    run_type = CourseRunType.objects.get(slug="verified-and-audit")
    response = team.post(
        "/api/v1/courses/",
        {
            "org": included.key,
            "number": "SUB101",
            "title": "Subscriptions",
            "type": str(CourseType.objects.get(slug="verified-and-audit").uuid),
            "course_run": {"start": start.isoformat(), "run_type": str(run_type.uuid), "pacing_type": "self_paced"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.data["enterprise_subscription_inclusion"] is True
    run = CourseRun.objects.get(course__uuid=response.data["uuid"])
    assert flag(run) is True

    url = f"/api/v1/courses/{response.data['uuid']}/"
    response = team.patch(url, {"enterprise_subscription_opt_in": False}, format="json")

    assert response.status_code == 200, response.content
    assert response.data["enterprise_subscription_inclusion"] is False
    assert flag(run) is False
    assert team.patch(url, {"enterprise_subscription_opt_in": True}, format="json").status_code == 200
    assert flag(run) is True

    response = team.patch(f"/api/v1/course_runs/{run.key}/", {"pacing_type": "instructor_paced"}, format="json")

    assert response.status_code == 200, response.content
    assert flag(run) is False


def test_publisher_deleting_a_course_recomputes_its_programs(staff_user: User, included: Organization) -> None:
    course = CourseFactory(authoring_organization=included, partner=included.partner, draft=True)
    excluded = CourseFactory(
        authoring_organization=included, partner=included.partner, draft=True, enterprise_subscription_opt_in=False
    )
    program = ProgramFactory(courses=[course, excluded])
    assert flag(program) is False
    staff = APIClient()
    staff.force_authenticate(staff_user)

    response = staff.delete(f"/api/v1/courses/{excluded.uuid}/")

    assert response.status_code == 204, response.content
    assert flag(program) is True
