"""`make run`'s demo login: the password shown always works, or the output says how to set one."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from course_metadata.management.commands.serve_demo import browse_url, unapplied_migrations
from course_metadata.models import Course


@pytest.fixture
def demo(settings: Any, tmp_path: Path, course: Course, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A var/ directory of its own; the catalog has a course, so nothing is seeded."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("LYCEUM_DEMO_PASSWORD", raising=False)
    return tmp_path


def shown_password(**environment: str) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        call_command("bootstrap_demo", stdout=out)
    [line] = [line for line in out.getvalue().splitlines() if line.strip().startswith("password:")]
    return line.split("password:", 1)[1].strip()


def works(password: str) -> bool:
    return User.objects.get(username="admin").check_password(password)


def test_a_plain_run_after_a_run_with_lyceum_demo_password_shows_that_password(demo: Path) -> None:
    assert shown_password(LYCEUM_DEMO_PASSWORD="chosen-password").startswith("chosen-password ")
    again = shown_password()
    assert again.startswith("chosen-password ") and works("chosen-password")
    assert (demo / "demo-admin-password").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_generated_password_is_shown_on_every_run_and_a_new_one_replaces_it(demo: Path) -> None:
    generated = shown_password().split()[0]
    assert works(generated) and shown_password().split()[0] == generated
    assert shown_password(LYCEUM_DEMO_PASSWORD="replacement").startswith("replacement ")
    assert shown_password().startswith("replacement ") and works("replacement")


def test_a_password_changed_elsewhere_is_not_shown_and_the_output_says_how_to_set_one(demo: Path) -> None:
    shown_password()
    admin = User.objects.get(username="admin")
    admin.set_password("changed-in-the-admin")
    admin.save()
    shown = shown_password()
    assert shown.startswith("(not known to Lyceum)")
    assert "LYCEUM_DEMO_PASSWORD=<new password> make run" in shown


def test_serve_demo_finds_nothing_to_migrate_on_a_migrated_database(db: None) -> None:
    assert unapplied_migrations() == 0


@pytest.mark.parametrize(
    ("addrport", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("localhost:9", "http://localhost:9"),
    ],
)
def test_serve_demo_prints_an_address_a_browser_can_open(addrport: str, url: str) -> None:
    assert browse_url(addrport) == url


def test_an_empty_catalog_is_seeded_and_its_search_index_built(settings: Any, tmp_path: Path, db: None) -> None:
    from search.backends.database import DatabaseBackend

    settings.VAR_DIR = tmp_path
    settings.SEARCH_BACKEND = "database"
    out = io.StringIO()
    call_command("bootstrap_demo", courses=3, stdout=out)

    assert "Index search-" in out.getvalue()
    assert DatabaseBackend().count(["course"]) == Course.objects.official().count() == 3
