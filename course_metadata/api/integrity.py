"""Which model fields a database IntegrityError is about, on PostgreSQL and SQLite.

Services check what they can before writing, but a concurrent write can still get between the check and
the INSERT; the database's constraint then has the last word. The API answers that as a 4xx naming the
fields (course_metadata.api.errors), so this module turns the driver's error into model field names:
by constraint name first (every named constraint of every installed model), else by the columns the
database reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import IntegrityError, models

UNIQUE, FOREIGN_KEY, NOT_NULL, CHECK, UNKNOWN = "unique", "foreign_key", "not_null", "check", "unknown"

# PostgreSQL SQLSTATE codes of the integrity-constraint-violation class.
_SQLSTATE_KINDS = {"23505": UNIQUE, "23503": FOREIGN_KEY, "23502": NOT_NULL, "23514": CHECK}
# "Key (partner_id, url_slug, draft)=(1, intro, t) already exists." / "... is not present in table ..."
_PG_KEY_COLUMNS = re.compile(r"Key \((?P<columns>[^)]*)\)=")
# "UNIQUE constraint failed: table.a, table.b" / "... failed: index 'name'" / "CHECK constraint failed: name"
_SQLITE_MESSAGE = re.compile(r"^(?P<kind>UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?::\s*(?P<rest>.*))?$")
_SQLITE_KINDS = {"UNIQUE": UNIQUE, "NOT NULL": NOT_NULL, "CHECK": CHECK, "FOREIGN KEY": FOREIGN_KEY}


@dataclass(frozen=True)
class Violation:
    kind: str
    model: type[models.Model] | None
    fields: tuple[str, ...]
    constraint: str = ""


@cache
def _named_constraints() -> dict[str, tuple[type[models.Model], tuple[str, ...]]]:
    named: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            fields = tuple(getattr(constraint, "fields", ()) or ())
            named[constraint.name] = (model, fields)
    return named


@cache
def _tables() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def _fields_of_columns(model: type[models.Model] | None, columns: list[str]) -> tuple[str, ...]:
    if model is None:
        return tuple(columns)
    by_column = {field.column: field.name for field in model._meta.concrete_fields}
    return tuple(by_column.get(column, column) for column in columns)


def violation_of(error: IntegrityError) -> Violation:
    """What ``error`` violated, as far as the database says."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # psycopg (PostgreSQL)
        return _postgresql_violation(cause, diag)
    return _sqlite_violation(str(error))


def _postgresql_violation(cause: object, diag: object) -> Violation:
    kind = _SQLSTATE_KINDS.get(getattr(cause, "sqlstate", None) or "", UNKNOWN)
    name = getattr(diag, "constraint_name", None) or ""
    if name in _named_constraints():
        named_model, fields = _named_constraints()[name]
        if fields:
            return Violation(kind, named_model, fields, name)
    model = _tables().get(getattr(diag, "table_name", None) or "")
    if column := getattr(diag, "column_name", None):
        return Violation(kind, model, _fields_of_columns(model, [column]), name)
    match = _PG_KEY_COLUMNS.search(getattr(diag, "message_detail", None) or "")
    columns = [column.strip() for column in match["columns"].split(",")] if match else []
    if name in _named_constraints() and not columns:
        model = _named_constraints()[name][0]
    return Violation(kind, model, _fields_of_columns(model, columns), name)


def _sqlite_violation(message: str) -> Violation:
    match = _SQLITE_MESSAGE.match(message.strip())
    if match is None:
        return Violation(UNKNOWN, None, ())
    kind, rest = _SQLITE_KINDS[match["kind"]], (match["rest"] or "").strip()
    index = re.fullmatch(r"index '(?P<name>[^']+)'", rest)
    name = index["name"] if index else rest if kind == CHECK else ""
    if name in _named_constraints():
        named_model, fields = _named_constraints()[name]
        return Violation(kind, named_model, fields, name)
    qualified = [part.strip() for part in rest.split(",") if "." in part]
    if not qualified:
        return Violation(kind, None, (), name)
    model = _tables().get(qualified[0].rsplit(".", 1)[0])
    return Violation(kind, model, _fields_of_columns(model, [part.rsplit(".", 1)[1] for part in qualified]), name)
