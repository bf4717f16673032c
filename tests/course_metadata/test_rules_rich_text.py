"""Rich text is stored sanitized whichever path writes it: Publisher API, loaders, services, the ORM (ADR 0073)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from course_metadata.models import Course, CourseRun, Degree, Organization, Partner, Person, Program
from course_metadata.rules.rich_text import rich_text_values, sanitize_html
from course_metadata.services.importing import RowImport, rows_import
from course_metadata.services.loading import RunInput, course_runs_load
from course_metadata.services.rows import row_save
from tests.factories import CourseEditorFactory, CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = (
    '<p onclick="steal()">Learn <strong>fast</strong></p><script>alert(document.cookie)</script>'
    '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a><iframe src="https://evil"></iframe>'
)
CLEAN = sanitize_html(PAYLOAD)


def assert_clean(value: str) -> None:
    assert value == CLEAN
    for fragment in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert fragment not in value
    assert "<strong>fast</strong>" in value


def test_the_sanitizer_keeps_the_allowed_markup_and_is_idempotent() -> None:
    assert CLEAN == '<p>Learn <strong>fast</strong></p><a rel="noopener noreferrer">click</a>'
    assert sanitize_html(CLEAN) == CLEAN


@pytest.fixture
def editor_client(organization: Organization, course: Course) -> APIClient:
    from tests.factories import OrganizationExtensionFactory

    group = OrganizationExtensionFactory(organization=organization).group
    user: User = UserFactory(username="html-editor", groups=[group])
    CourseEditorFactory(user=user, course=course)
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_script_through_the_publisher_api_is_stored_clean(editor_client: APIClient, course: Course) -> None:
    body = {name: PAYLOAD for name in ("full_description", "outcome", "prerequisites_raw", "syllabus_raw", "faq")}
    response = editor_client.patch(f"/api/v1/courses/{course.uuid}/", body, format="json")
    assert response.status_code == 200, response.data
    draft = Course.objects.drafts().get(uuid=course.uuid)
    for name in body:
        assert_clean(getattr(draft, name))
    assert_clean(response.data["full_description"])


def test_a_run_override_through_the_publisher_api_is_stored_clean(editor_client: APIClient, course: Course) -> None:
    run = CourseRunFactory(course=course, term="3T2031")
    response = editor_client.patch(
        f"/api/v1/course_runs/{run.key}/", {"full_description_override": PAYLOAD}, format="json"
    )
    assert response.status_code == 200, response.data
    assert_clean(CourseRun.objects.drafts().get(uuid=run.uuid).full_description_override)


def test_an_edit_that_only_differs_in_what_the_sanitizer_removes_changes_nothing(course: Course) -> None:
    course.full_description = CLEAN
    row_save(course)
    stamp = Course.objects.get(pk=course.pk).data_modified_timestamp
    course.full_description = PAYLOAD
    row_save(course)
    assert Course.objects.get(pk=course.pk).data_modified_timestamp == stamp
    assert rich_text_values(Course, {"full_description": PAYLOAD, "title": "<b>x</b>"}) == {
        "full_description": CLEAN,
        "title": "<b>x</b>",  # not rich text: left as typed (escaped on output)
    }


def test_every_row_save_stores_clean_html(partner: Partner, organization: Organization) -> None:
    person = row_save(Person(partner=partner, given_name="Ada", bio=PAYLOAD, major_works=PAYLOAD))
    person.refresh_from_db()
    assert_clean(person.bio)
    assert_clean(person.major_works)
    program = row_save(Program(partner=partner, title="P", overview=PAYLOAD))
    assert_clean(Program.objects.get(pk=program.pk).overview)
    degree = row_save(Degree(partner=partner, title="D", overview=PAYLOAD, application_requirements=PAYLOAD))
    degree.refresh_from_db()
    assert_clean(degree.overview)
    assert_clean(degree.application_requirements)
    organization.description = PAYLOAD
    row_save(organization, update_fields=["description"])
    assert_clean(Organization.objects.get(pk=organization.pk).description)


def test_the_import_loader_stores_clean_html_and_sees_it_unchanged_next_time(partner: Partner) -> None:
    row = RowImport(uuid=str(uuid.uuid4()), values={"given_name": "Grace", "bio": PAYLOAD}, label="grace")
    outcomes, _ = rows_import(kind="person", model=Person, partner=partner, rows=[row])
    assert [item.outcome for item in outcomes.items] == ["created"]
    assert_clean(Person.objects.get(uuid=row.uuid).bio)
    again, _ = rows_import(kind="person", model=Person, partner=partner, rows=[row])
    assert [item.outcome for item in again.items] == ["unchanged"]


def test_the_lms_loader_stores_clean_html_on_new_courses_and_bulk_inserted_runs(
    partner: Partner, organization: Organization
) -> None:
    key = f"course-v1:{organization.key}+HTML1+1T2030"
    item = RunInput(
        key=key,
        run={"title_override": "Html", "full_description_override": PAYLOAD},
        course={"title": "Html", "full_description": PAYLOAD},
    )
    course_runs_load(partner=partner, inputs=[item])
    run = CourseRun.objects.get(key=key)
    assert_clean(run.full_description_override)
    assert_clean(run.course.full_description)
    second = course_runs_load(partner=partner, inputs=[item])
    assert {outcome.outcome for outcome in second.items} == {"unchanged"}
