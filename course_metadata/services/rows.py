"""Writing one row the way every write path must: its row rules first, then the save (ADR 0010).

``save()`` only persists. The Publisher services, the admin, the loaders, the importer and the draft
services write rows of rule-bearing models through :func:`row_save`; a bulk insert applies
:func:`row_rules_apply` to each row before queuing it (the loaders may fill defaults such as slugs in bulk
first, which makes the per-row default a no-op).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models

from course_metadata.rules.rows import apply_row_rules

_M = TypeVar("_M", bound=models.Model)


def row_rules_apply(*, row: models.Model, update_fields: Iterable[str] | None = None) -> None:
    """Sanitize ``row``'s rich text and run its model's rules (defaults and refusals), without saving."""
    apply_row_rules(row, update_fields)


def row_save(row: _M, *, update_fields: Iterable[str] | None = None, **save_kwargs: Any) -> _M:
    """Apply ``row``'s rules, then save it (``update_fields`` limits both the sanitizing and the write)."""
    fields = list(update_fields) if update_fields is not None else None
    apply_row_rules(row, fields)
    row.save(update_fields=fields, **save_kwargs)
    return row
