"""A suite-wide check that production code writes rule-bearing rows through ``row_save`` (ADR 0010).

``save()`` no longer applies the row rules, so a write path that calls ``save()`` (or ``objects.create()``)
on a Course, run, curriculum, rich-text or slugged row directly would store what the rules refuse or
clean. While every test runs, ``save()`` of those models is wrapped: a save called from production code
(not from a test's own set-up, not from the demo seeder or a migration) whose row did not just go through
the row rules is recorded, and the test fails at teardown naming the model and the calling line. Any test
that drives a write path therefore also proves that path applies the rules.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

REPO = Path(__file__).resolve().parent.parent
PRODUCTION = tuple(
    f"{REPO / name}{os.sep}" for name in ("course_metadata", "publisher_api", "catalog", "search", "eventbus")
)
# The seeder builds rows that satisfy the rules by construction (tests/course_metadata/test_seed_catalog.py),
# and migrations run before the rules' code may apply to their historical models.
EXEMPT = (
    f"{REPO / 'course_metadata' / 'demo'}{os.sep}",
    f"{REPO / 'course_metadata' / 'migrations'}{os.sep}",
    str(REPO / "course_metadata" / "management" / "commands" / "bootstrap_demo.py"),
    str(REPO / "course_metadata" / "services" / "rows.py"),
)
MARK = "_row_rules_applied"


def _caller() -> tuple[str, int] | None:
    """The first frame of this repository's code that led to the save (library frames skipped)."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(str(REPO)) and f"{os.sep}.venv{os.sep}" not in filename and filename != __file__:
            return filename, frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
    return None


def guarded_models() -> list[type[models.Model]]:
    from course_metadata.rules.rows import has_row_rules

    ruled = [model for model in apps.get_app_config("course_metadata").get_models() if has_row_rules(model)]
    # A subclass (Degree) reaches its parent's wrapped save(); wrapping both would check one save twice.
    return [model for model in ruled if not any(base in ruled for base in model.__mro__[1:])]


@pytest.fixture(autouse=True)
def _row_rules_on_every_write_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    from course_metadata.services import rows

    bypasses: list[str] = []
    apply = rows.apply_row_rules

    def applying(row: models.Model, update_fields: Any = None) -> None:
        apply(row, update_fields)
        setattr(row, MARK, True)

    def wrap(model: type[models.Model]) -> Callable[..., None]:
        original = model.save

        def save(self: models.Model, *args: Any, **kwargs: Any) -> None:
            applied = self.__dict__.pop(MARK, False)
            caller = _caller()
            if not applied and caller is not None:
                filename, line = caller
                if filename.startswith(PRODUCTION) and not filename.startswith(EXEMPT):
                    bypasses.append(f"{type(self).__name__} saved without row_save at {filename}:{line}")
            original(self, *args, **kwargs)

        return save

    monkeypatch.setattr(rows, "apply_row_rules", applying)
    for model in guarded_models():
        monkeypatch.setattr(model, "save", wrap(model))
    yield bypasses
    assert not bypasses, "Write paths that skip the row rules (ADR 0010):\n" + "\n".join(sorted(set(bypasses)))
