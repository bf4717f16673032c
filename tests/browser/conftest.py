"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

One browser is started per test session (``browser``); each test gets a fresh page at a 1,400 x 900
viewport. Playwright never downloads a browser: it is given ``/usr/bin/chromium`` (``LYCEUM_CHROMIUM``
to use another), which ``make test`` installs when it is missing (see the Makefile's ``browser`` target).
Screenshots of every page a test visits are written to ``var/test-artifacts/browser/<database>/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

# Playwright's sync API keeps an event loop in this thread; Django's ORM (used by the test between page
# actions) would otherwise refuse to run "from an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
VIEWPORT = {"width": 1400, "height": 900}


def chromium_path() -> str:
    path = os.environ.get("LYCEUM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"Chromium is not installed ({path} is missing). `make test` installs Debian's chromium when run as "
            "root; otherwise run `apt-get install -y chromium`, or set LYCEUM_CHROMIUM to a Chromium binary."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # --no-sandbox: CI and the development machines run as root, where Chromium's sandbox cannot start.
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield launched
        launched.close()


class Screenshots:
    """Numbered full-page screenshots of one test, under var/test-artifacts/browser/<database>/<test>/."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def screenshot(page: Page, request: Any) -> Screenshots:
    return Screenshots(page, ARTIFACTS / connection.vendor / request.node.name)
