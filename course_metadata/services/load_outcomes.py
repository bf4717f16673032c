"""What the loaders' services share: per-item outcomes, the one compare-and-set, row checks, bulk inserts.

Every service that writes a page of a source (``loading``, ``course_run_upsert``, ``importing``) reports
what happened to each item as an :class:`Outcome` and writes only the values that differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from course_metadata.rules.rich_text import rich_text_values, sanitize_rich_text
from course_metadata.services.rows import row_save

CREATED, UPDATED, UNCHANGED, DELETED, FAILED, SKIPPED = (
    "created",
    "updated",
    "unchanged",
    "deleted",
    "failed",
    "skipped",
)

# What a bad item raises: reported as its failure, the rest of the page goes on.
ITEM_ERRORS = (ValidationError, DatabaseError, ValueError, TypeError, KeyError)


@dataclass
class Outcome:
    """What happened to one item: ``kind`` (course, course_run, seat, entitlement), its label, and why it failed."""

    kind: str
    label: str
    outcome: str
    reason: str = ""


@dataclass
class PageOutcomes:
    items: list[Outcome] = field(default_factory=list)

    def add(self, kind: str, label: str, outcome: str, reason: str = "") -> None:
        self.items.append(Outcome(kind, label, outcome, reason))

    def fail(self, kind: str, label: str, error: Exception) -> None:
        self.add(kind, label, FAILED, error_messages(error))


def error_messages(error: Exception) -> str:
    """One line for a report: a validation error names the field of each message."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                message if name == "__all__" else f"{name}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            )
        return "; ".join(error.messages)
    if isinstance(error, DatabaseError | ValueError | TypeError):
        return str(error)
    return f"{error.__class__.__name__}: {error}"


def assign_changed(row: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the values (by attname) that differ on ``row``; return their names. The one compare-and-set."""
    changed = []
    for attname, value in rich_text_values(type(row), values).items():
        if getattr(row, attname) != value:
            setattr(row, attname, value)
            changed.append(attname)
    return changed


def differs(row: Any, values: Mapping[str, Any]) -> bool:
    return any(getattr(row, attname) != value for attname, value in rich_text_values(type(row), values).items())


def clean_row(row: models.Model) -> None:
    """Field validation and the model's ``clean()`` (its row rules), without the per-row queries.

    Uniqueness and foreign keys are the database's to check (an IntegrityError fails the item's savepoint,
    or sends a bulk write back to one row at a time): asking in Python costs a query per constraint, per
    foreign key and per row, and the loaders only link rows they have just read.
    """
    relations = [f.name for f in row._meta.concrete_fields if f.is_relation]
    # Rich text is cleaned here too, for rows queued for a bulk insert (ADR 0073); sanitizing twice is a no-op.
    sanitize_rich_text(row)
    row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def row_write(row: Any, build: Callable[[], Any], values: Mapping[str, Any]) -> tuple[Any, str]:
    """Create the row (``build()``) when there is none, else save the values that differ: (row, outcome)."""
    if row is None:
        row = build()
        clean_row(row)
        row_save(row)
        return row, CREATED
    if assign_changed(row, values):
        clean_row(row)
        row_save(row)
        return row, UPDATED
    return row, UNCHANGED


def _save_one_by_one(rows: Sequence[Any]) -> list[tuple[Any, Exception]]:
    """Save each row in its own savepoint; the rows that fail, with their error."""
    failures: list[tuple[Any, Exception]] = []
    for row in rows:
        try:
            with transaction.atomic():
                row_save(row)
        except ITEM_ERRORS as error:
            failures.append((row, error))
    return failures


def rows_insert(model: type[models.Model], rows: Sequence[Any]) -> list[tuple[Any, Exception]]:
    """Insert ``rows`` with one change-tracked bulk INSERT (history rows included when the model keeps them).

    When the bulk insert fails (a row breaks a constraint) the rows are saved one by one, each in its own
    savepoint; the rows that still fail are returned with their error, the others are inserted.
    """
    if not rows:
        return []
    manager: Any = model._default_manager
    try:
        with transaction.atomic():
            if hasattr(model, "history"):
                bulk_create_with_history(list(rows), model, batch_size=500)
            else:
                manager.bulk_create(list(rows), batch_size=500)
        return []
    except DatabaseError:
        for row in rows:
            row.pk = None
            row._state.adding = True
    failures = _save_one_by_one(rows)
    for row, _error in failures:
        row.pk = None
    return failures


def rows_update(model: type[models.Model], rows: Sequence[Any], attnames: set[str]) -> list[tuple[Any, Exception]]:
    """Write ``attnames`` of ``rows`` with one change-tracked bulk UPDATE (and their history rows).

    Change tracking compares each row before and after, so only rows whose data really changed get a new
    timestamp and a change-log entry. On a database error the rows are saved one by one (see rows_insert).
    """
    if not rows:
        return []
    try:
        with transaction.atomic():
            if hasattr(model, "history"):
                bulk_update_with_history(list(rows), model, sorted(attnames), batch_size=500)
            else:
                model._default_manager.bulk_update(list(rows), sorted(attnames), batch_size=500)
        return []
    except DatabaseError:
        return _save_one_by_one(rows)
