"""``/api-docs/`` (Swagger UI) loads nothing from the internet: its scripts and styles are our static files."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

# The addresses a page makes the browser fetch: scripts, style sheets, icons.
_ASSET_RE = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"', re.I)


def test_swagger_ui_is_served_from_our_static_files() -> None:
    response = Client().get("/api-docs/")
    assert response.status_code == 200
    assets = _ASSET_RE.findall(response.content.decode())
    assert len(assets) >= 3, assets  # the style sheet, the bundle and the standalone preset at least
    remote = [url for url in assets if re.match(r"(?:[a-z]+:)?//", url, re.I)]
    assert not remote, remote
    for url in assets:
        assert url.startswith(settings.STATIC_URL), url
        path = url.removeprefix(settings.STATIC_URL).split("?", 1)[0]
        assert finders.find(path), f"{url} is not a static file of the project"
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets), assets
