"""Course slugs are unique the way the incumbent makes them, and a constraint the database enforces under a
race is a 409 naming the field, with nothing half-written."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from course_metadata.models import Course, CourseEditor, CourseEntitlement, CourseType, CourseUrlSlugHistory
from course_metadata.models.partners import Organization
from course_metadata.services.rows import row_save
from tests.factories import CourseFactory, OrganizationFactory, PartnerFactory


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _create(client: APIClient, organization: Organization, number: str, title: str) -> dict:
    course_type = CourseType.objects.get(slug="verified-and-audit")
    body = {"org": organization.key, "number": number, "title": title, "type": str(course_type.uuid)}
    response = client.post("/api/v1/courses/", body | {"prices": {"verified": "10.00"}}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_courses_with_the_same_title_get_numbered_slugs(member: User, organization: Organization) -> None:
    client = _client(member)
    slugs = [_create(client, organization, f"DS{index}", "Data Science")["url_slug"] for index in range(3)]
    assert slugs == ["data-science", "data-science-2", "data-science-3"]
    # Another partner's courses do not take slugs from this one's.
    elsewhere = OrganizationFactory(partner=PartnerFactory())
    other = CourseFactory(
        partner=elsewhere.partner, authoring_organization=elsewhere, title="Data Science", url_slug=""
    )
    assert other.url_slug == "data-science"


@pytest.mark.django_db
def test_a_slug_in_another_courses_history_is_not_reused(member: User, organization: Organization) -> None:
    older = CourseFactory(partner=organization.partner, authoring_organization=organization, url_slug="intro-now")
    CourseUrlSlugHistory.objects.create(course=older, url_slug="intro")
    assert _create(_client(member), organization, "IN1", "Intro")["url_slug"] == "intro-2"


@pytest.mark.django_db
def test_draft_and_official_rows_of_one_course_share_their_slug(organization: Organization) -> None:
    official = CourseFactory(
        partner=organization.partner, authoring_organization=organization, title="Shared", url_slug=""
    )
    draft = Course(
        partner=official.partner,
        uuid=official.uuid,
        key=official.key,
        number=official.number,
        title="Shared",
        draft=True,
    )
    row_save(draft)
    assert official.url_slug == draft.url_slug == "shared"


@pytest.mark.django_db
def test_a_title_without_letters_falls_back_to_the_key(member: User, organization: Organization) -> None:
    assert _create(_client(member), organization, "Q1", "???")["url_slug"] == f"{organization.key.lower()}-q1"


# --- the database has the last word under a race --------------------------------------------------

TIMEOUT = 30


def _wait_for_a_blocked_writer() -> None:
    """Return once another session waits on a row lock (the request's INSERT behind the held row)."""
    deadline = time.monotonic() + TIMEOUT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is otherwise frozen per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the request never waited on the held row")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("held", "named"),
    [
        ({"number": "R1", "title": "Held elsewhere"}, "key"),  # same number: same key
        ({"number": "R9", "title": "Race"}, "url_slug"),  # same title: same slug
    ],
    ids=["key", "url_slug"],
)
def test_a_constraint_hit_under_a_race_is_a_409_and_nothing_is_half_written(
    member: User, organization: Organization, held: dict, named: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers: no two creations overlap")
    inserted, errors = threading.Event(), []

    def hold_a_row() -> None:
        try:
            with transaction.atomic():
                Course.objects.create(
                    partner=organization.partner,
                    key=Course.make_key(organization.key, held["number"]),
                    number=held["number"],
                    title=held["title"],
                    url_slug="race",
                    draft=True,
                )
                inserted.set()
                _wait_for_a_blocked_writer()
        except BaseException as error:
            errors.append(error)
            inserted.set()
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_a_row)
    holder.start()
    assert inserted.wait(TIMEOUT)
    course_type = CourseType.objects.get(slug="verified-and-audit")
    body = {"org": organization.key, "number": "R1", "title": "Race", "type": str(course_type.uuid)}
    response = _client(member).post("/api/v1/courses/", body | {"prices": {"verified": "10.00"}}, format="json")
    holder.join(TIMEOUT)
    assert not errors, errors

    assert response.status_code == 409, response.content
    assert list(response.json()) == [named]
    assert "already has this" in response.json()[named][0]
    # Only the held course exists: no second course, editor row or entitlement from the refused request.
    assert Course.objects.filter(partner=organization.partner, title="Race").count() == (named == "url_slug")
    assert not CourseEditor.objects.filter(user=member).exists()
    assert not CourseEntitlement.objects.exists()
