"""``/api/v1/`` lists the API's collections with absolute links, and the site's address leads there."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api_routes import API_PREFIX, api_routes
from tests.api_world import World, world_fixture  # noqa: F401  (the module-scoped ``world``)

pytestmark = pytest.mark.django_db


def collection_routes() -> set[str]:
    """Every route of the URLconf that is one segment under the prefix, with no parameter."""
    routes = (route.template.removeprefix(API_PREFIX) for route in api_routes())
    return {route.rstrip("/") for route in routes if route.count("/") == 1 and not route.startswith("{")}


def test_the_root_lists_every_collection_with_its_absolute_url_to_anyone() -> None:
    response = Client().get(API_PREFIX, headers={"accept": "application/json"})
    assert response.status_code == 200, response.content[:300]
    listed = response.json()
    assert set(listed) == collection_routes()
    assert {"courses", "course_runs", "programs", "organizations", "people", "catalogs", "changes"} <= set(listed)
    assert all(url == f"http://testserver{API_PREFIX}{name}/" for name, url in listed.items())


def test_every_link_of_the_root_answers(world: World) -> None:
    staff = Client()
    staff.force_login(world.staff)
    listed = staff.get(API_PREFIX, headers={"accept": "application/json"}).json()
    answers = {name: staff.get(url, headers={"accept": "application/json"}) for name, url in listed.items()}
    refused = {name: answer.json() for name, answer in answers.items() if answer.status_code != 200}
    # The one list that needs a filter says which, in a 400 naming it; replace_usernames/ only takes POST.
    assert refused == {
        "course_editors": {"course": ["Give the course: ?course=<uuid or key>."]},
        "replace_usernames": {"detail": 'Method "GET" not allowed.'},
    }
    assert len(answers) > len(refused)


def test_the_root_renders_in_the_browsable_api() -> None:
    page = Client().get(API_PREFIX, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert f'href="http://testserver{API_PREFIX}course_runs/"' in page.content.decode()


def test_the_site_address_leads_to_the_api_root() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == API_PREFIX
    assert Client().get("/", follow=True, headers={"accept": "application/json"}).status_code == 200
