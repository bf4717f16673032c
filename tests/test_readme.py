"""The README's configuration table lists every environment variable the application reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The application's code: what runs in a deployment (tests and benchmarks document their own variables).
SOURCES = [
    "settings",
    "course_metadata",
    "publisher_api",
    "catalog",
    "search",
    "eventbus",
    "dbkit",
    "gunicorn.conf.py",
    "manage.py",
]
_READ_RE = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|os\.environ\.setdefault|env_bool|env_list)\(\s*["'](\w+)["']"""
)
_TABLE_ROW_RE = re.compile(r"^\| `(\w+)` \|", re.M)


def variables_read() -> set[str]:
    names: set[str] = set()
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else path.rglob("*.py"):
            names |= set(_READ_RE.findall(file.read_text(encoding="utf-8")))
    return names


def test_every_environment_variable_read_is_in_the_readme_table() -> None:
    read = variables_read()
    assert {"SECRET_KEY", "DEBUG", "GUNICORN_WORKERS", "LYCEUM_PREPARED_READS"} <= read  # the scan finds them
    documented = set(_TABLE_ROW_RE.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    assert read - documented == set()
