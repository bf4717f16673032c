"""No endpoint hands personal data to anonymous callers, and no response ever carries an email address.

Every GET route of the URLconf is walked (tests/api_routes.py), over data that holds people with email
addresses and users with usernames (tests/api_world.py), so a new endpoint is checked as soon as it exists.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api_routes import Route, api_routes
from tests.api_world import World, world_fixture  # noqa: F401  (the module-scoped ``world``)

pytestmark = pytest.mark.django_db
ROUTES = api_routes()
EMAIL_RE = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_callers_are_refused_or_get_no_personal_data(route: Route, world: World) -> None:
    url = route.url(world.samples)
    for query in ({}, {"editable": "1"}):
        response = APIClient().get(url, query)
        if response.status_code in (401, 403, 405):
            continue
        body = body_of(response)
        assert response.status_code < 500, body[:300]
        assert not EMAIL_RE.search(body), (query, EMAIL_RE.search(body))
        leaked = [secret for secret in world.secrets if secret.encode() in body]
        assert not leaked, query


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_response_carries_an_email_address_of_a_person_or_user(route: Route, world: World) -> None:
    client = APIClient()
    client.force_authenticate(world.staff)
    url = route.url(world.samples)
    for query in ({}, {"editable": "1"}):
        response = client.get(url, query)
        body = body_of(response)
        assert response.status_code < 500, body[:300]
        leaked = [secret for secret in world.secrets if "@" in secret and secret.encode() in body]
        assert not leaked, query


def test_people_keep_the_email_key_as_null(world: World) -> None:
    """Clients of the incumbent read ``email``; it is there, and always null, in lists, details and staff."""
    anonymous = APIClient()
    people = anonymous.get("/api/v1/people/").json()["results"]
    assert people
    assert all("email" in person and person["email"] is None for person in people)
    person = anonymous.get(f"/api/v1/people/{world.samples['people']['uuid']}/").json()
    assert "email" in person and person["email"] is None
    staff = APIClient()
    staff.force_authenticate(world.staff)
    runs = staff.get("/api/v1/course_runs/", {"page_size": 100}).json()["results"]
    staff_rows = [person for run in runs for person in run["staff"]]
    assert staff_rows
    assert all("email" in person and person["email"] is None for person in staff_rows)
