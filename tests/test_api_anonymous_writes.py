"""No route takes a write from an anonymous caller: every unsafe method on every route of the URLconf is refused
before it reads the body (401 or 403), or is not offered there at all (405).

Routes are read from the URLconf (tests/api_routes.py), so a new endpoint is checked as soon as it exists.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api_routes import Route, api_routes
from tests.api_world import World, world_fixture  # noqa: F401  (the module-scoped ``world``)

pytestmark = pytest.mark.django_db
ROUTES = api_routes()
UNSAFE_METHODS = ("post", "put", "patch", "delete")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_writes_are_refused_everywhere(route: Route, world: World) -> None:
    url = route.url(world.samples)
    client = APIClient()
    answers = {method: getattr(client, method)(url, {"title": "x"}, format="json") for method in UNSAFE_METHODS}
    accepted = {
        method: response.status_code
        for method, response in answers.items()
        if response.status_code not in (401, 403, 405)
    }
    assert not accepted
