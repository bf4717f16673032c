"""A run key names its course (org+number, or the course's key_for_reruns) on every write path."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from course_metadata.models import Course, CourseRun
from course_metadata.rules.run_keys import check_course_run_key, course_keys_for_runs, run_key_course_part
from course_metadata.services.rows import row_save
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

FOREIGN_KEY = "course-v1:OtherOrgX+ZZZ+1T2027"


@pytest.mark.parametrize(
    ("run_key", "course_part"),
    [
        ("course-v1:edX+CS101+2T2024", "edX+CS101"),
        ("edX/DemoX/Demo_Course", "edX+DemoX"),
        ("not a key", None),
    ],
)
def test_run_key_course_part(run_key: str, course_part: str | None) -> None:
    assert run_key_course_part(run_key) == course_part


def test_a_run_of_another_course_is_refused_by_row_save(course: Course) -> None:
    with pytest.raises(ValidationError) as caught:
        row_save(CourseRun(course=course, key=FOREIGN_KEY))
    message = caught.value.message_dict["key"][0]
    assert "OtherOrgX+ZZZ" in message and "course-v1:edX+CS101+RUN" in message
    assert not CourseRun.objects.exists()


def test_a_run_of_another_course_is_refused_by_full_clean(course: Course) -> None:
    with pytest.raises(ValidationError) as caught:
        CourseRun(course=course, key=FOREIGN_KEY).full_clean(validate_unique=False)
    assert "key" in caught.value.message_dict


def test_moving_a_run_to_another_course_is_refused(course_run: CourseRun) -> None:
    organization = OrganizationFactory(partner=course_run.course.partner, key="MITx")
    other = CourseFactory(partner=organization.partner, authoring_organization=organization, number="M1")
    course_run.course = other
    with pytest.raises(ValidationError):
        row_save(course_run)


def test_the_course_key_and_key_for_reruns_both_fit(course: Course) -> None:
    CourseRun.objects.create(course=course, key="course-v1:edX+CS101+1T2030")
    course.key_for_reruns = "edX+CS101r"
    row_save(course)
    assert course_keys_for_runs(course) == ["edX+CS101", "edX+CS101r"]
    CourseRun.objects.create(course=course, key="course-v1:edX+CS101r+1T2031")
    old_run = CourseRun.objects.get(key="course-v1:edX+CS101+1T2030")
    old_run.full_clean(validate_unique=False)  # still its course's, though no longer the rerun name
    row_save(old_run)


def test_unchanged_runs_are_not_rechecked(course_run: CourseRun) -> None:
    # A run keyed under a key_for_reruns that was later replaced stays editable.
    CourseRun.objects.filter(pk=course_run.pk).update(key="course-v1:edX+Renamed+2T2024")
    run = CourseRun.objects.get(pk=course_run.pk)
    run.hidden = True
    run.full_clean(validate_unique=False)
    row_save(run)
    with pytest.raises(ValidationError):
        check_course_run_key(run)


def test_the_admin_form_shows_the_error_on_the_key(course_run: CourseRun, admin_user: User) -> None:
    model_admin = admin.site._registry[CourseRun]
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, course_run)
    form = form_class(instance=course_run)
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["staff"] = []
    data["key"] = FOREIGN_KEY
    bound = form_class(data=data, instance=CourseRun.objects.get(pk=course_run.pk))
    assert not bound.is_valid()
    assert "OtherOrgX+ZZZ" in bound.errors["key"][0]


def test_factories_key_runs_under_their_course() -> None:
    run = CourseRunFactory()
    assert run_key_course_part(run.key) in course_keys_for_runs(run.course)


def test_a_run_added_with_its_new_course_in_the_admin_is_checked(admin_client: Any, organization: Any) -> None:
    data: dict[str, Any] = {
        "partner": organization.partner_id,
        "number": "NC101",
        "title": "New course",
        "authoring_organizations": [organization.pk],
        "enrollment_count": 0,
        "recent_enrollment_count": 0,
        "course_runs-TOTAL_FORMS": 1,
        "course_runs-INITIAL_FORMS": 0,
        "course_runs-0-key": FOREIGN_KEY,
        "course_runs-0-pacing_type": "self_paced",
        "course_runs-0-start": "2027-01-10T09:30",  # the inline's one-line date-time input
    }
    for prefix in ("entitlements", "url_slug_history", "editors"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    refused = admin_client.post("/admin/course_metadata/course/add/", data)

    assert refused.status_code == 200
    assert "Course run 1, Key" in refused.content.decode() and "OtherOrgX+ZZZ" in refused.content.decode()
    assert not Course.objects.filter(number="NC101").exists()
    data["course_runs-0-key"] = "course-v1:edX+NC101+1T2027"
    assert admin_client.post("/admin/course_metadata/course/add/", data).status_code == 302
    created = CourseRun.objects.get(course__number="NC101")
    assert created.key == "course-v1:edX+NC101+1T2027"
    assert created.start is not None and created.start.isoformat() == "2027-01-10T09:30:00+00:00"
