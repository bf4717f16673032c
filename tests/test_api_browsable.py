"""Every GET endpoint renders in the browsable API for a signed-in member of staff, with its JSON indented.

Routes are read from the URLconf (tests/api_routes.py), so a new endpoint is opened here as soon as it exists.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.api_routes import Route, api_routes
from tests.api_world import World, world_fixture  # noqa: F401  (the module-scoped ``world``)

pytestmark = pytest.mark.django_db
ROUTES = api_routes()

# DRF's template shows the response's status line and headers in a span ending in a blank line, then its
# content, in one <pre>.
_CONTENT_RE = re.compile(r'<div class="response-info"[^>]*>\s*<pre class="prettyprint">.*?\n\n</span>(.*?)</pre>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def shown_json(page: str) -> tuple[Any, str]:
    """The JSON document the browsable page displays, and its text (``urlize`` wraps its links in <a>)."""
    match = _CONTENT_RE.search(page)
    assert match, page[:500]
    text = html.unescape(_TAG_RE.sub("", match.group(1)))
    return json.loads(text), text


@pytest.fixture
def staff(world: World) -> Client:
    client = Client()
    client.force_login(world.staff)
    return client


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_endpoint_renders_in_the_browsable_api(route: Route, world: World, staff: Client) -> None:
    url = route.url(world.samples)
    as_json = staff.get(url, headers={"accept": "application/json"})
    page = staff.get(url, headers={"accept": "text/html"})
    if as_json.status_code != 200 or not as_json.get("Content-Type", "").startswith("application/json"):
        # Not a JSON GET endpoint (a POST-only action, a CSV download): the page still answers like the JSON.
        assert page.status_code == as_json.status_code, page.content[:300]
        return
    assert page.status_code == 200, page.content[:300]
    assert page["Content-Type"].startswith("text/html")
    document, text = shown_json(page.content.decode())
    assert document == as_json.json()
    if document and isinstance(document, dict | list):  # a bare string (a filter hash) has nothing to indent
        assert "\n  " in text, "the JSON is shown indented"


def test_the_json_path_still_drops_the_response_from_its_renderer_context(world: World, staff: Client) -> None:
    """ADR 0040: a JSON response does not keep itself alive through its own renderer context."""
    response = staff.get("/api/v1/courses/", headers={"accept": "application/json"})
    assert response.status_code == 200
    response.content  # noqa: B018  (rendered)
    assert "response" not in response.renderer_context  # type: ignore[attr-defined]


def test_json_is_compact_unless_a_client_asks_for_an_indent(staff: Client) -> None:
    compact = staff.get("/api/v1/subjects/", headers={"accept": "application/json"})
    indented = staff.get("/api/v1/subjects/", headers={"accept": "application/json; indent=4"})
    assert b"\n" not in compact.content
    assert indented.content.startswith(b"{\n  ")
    assert indented.json() == compact.json()
