"""Values built as JSON by the database, and put back in the form the API renders them.

``JSONBuild`` builds one object of a row's values in SQL; the converters give UUIDs, booleans, datetimes,
decimals and embedded JSON the same API form on PostgreSQL and SQLite (``format_datetime`` is DRF's own
datetime format). Lists of such objects nested in rows are ``nested.Nested``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from django.db import models
from django.db.models import Expression, F
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, JSONObject

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType

Converter = Callable[[Any], Any]
# What a key of a JSON row can be given as: a field path, an F(), or an expression (subqueries included).
Source = str | F | BaseExpression


# orjson writes a datetime as DRF does: ISO 8601, a ``Z`` for UTC, naive values taken as UTC, microseconds
# only when there are some. It does so in C, three times faster than ``isoformat()`` and fixing the suffix.
_DATETIME_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC
_UTC = dt.UTC


def format_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as DRF renders datetimes (naive values are taken as UTC)."""
    if value is None:
        return None
    # Values read from the database are in UTC already; comparing the zone is cheaper than its offset.
    if value.tzinfo is not _UTC and value.utcoffset():
        value = value.astimezone(_UTC)
    return orjson.dumps(value, option=_DATETIME_OPTIONS)[1:-1].decode()


def _uuid(value: Any) -> Any:
    # SQLite stores UUIDs as 32 hex digits, PostgreSQL renders them with dashes.
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return value


def _boolean(value: Any) -> Any:
    # SQLite has no boolean type: JSON_OBJECT gives 0/1.
    return value if value is None else bool(value)


def _datetime(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return format_datetime(parsed)


def _decimal(places: int) -> Converter:
    def convert(value: Any) -> Any:
        return value if value is None or isinstance(value, str) else f"{value:.{places}f}"

    return convert


def _json(value: Any) -> Any:
    # SQLite stores JSON columns as text, which JSON_OBJECT embeds as a string.
    return orjson.loads(value) if isinstance(value, str) else value


def converter_of(expression: Expression) -> Converter | None:
    """How the JSON value of ``expression`` is put in API form, if it needs to be."""
    try:
        field = expression.output_field
    except Exception:  # a mixed-type expression has no single output field; leave its value as the database gave it
        return None
    if isinstance(field, NestedJSONField):
        return field.convert
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.UUIDField):
        return _uuid
    if isinstance(field, models.BooleanField):
        return _boolean
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.DecimalField):
        return _decimal(field.decimal_places or 0)
    return None


def converters_for(expressions: dict[str, Expression]) -> dict[str, Converter]:
    """For resolved expressions by key: the converters that put their JSON values in API form."""
    return {key: converter for key, expression in expressions.items() if (converter := converter_of(expression))}


# PostgreSQL's JSON already renders these in API form (UUIDs with dashes, true/false, JSON embedded as
# JSON); only SQLite's JSON_OBJECT needs them.
_SQLITE_ONLY: frozenset[Converter] = frozenset({_uuid, _boolean, _json})


def narrowed(converter: Converter, vendor: str) -> Converter | None:
    """``converter`` as the JSON that ``vendor`` builds needs it, or ``None`` where it would change nothing."""
    if vendor != "postgresql":
        return converter
    if converter in _SQLITE_ONLY:
        return None
    field = getattr(converter, "__self__", None)
    if isinstance(field, NestedJSONField):
        return field.converter_for(vendor)
    return converter


def converters_for_vendor(converters: dict[str, Converter], vendor: str) -> dict[str, Converter]:
    """``converters`` without the ones that change nothing in the JSON ``vendor`` builds."""
    kept = {key: narrowed(converter, vendor) for key, converter in converters.items()}
    return {key: converter for key, converter in kept.items() if converter is not None}


class JSONBuild(JSONObject):
    """``JSONObject`` that builds ``json`` rather than ``jsonb`` on PostgreSQL.

    The rows are only ever rendered as text, and ``jsonb`` would parse and re-sort every object first,
    which doubles the cost of building the large ones (a person's biography, a course's descriptions).
    """

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> _AsSqlType:
        keyed = self.copy()
        keyed.set_source_expressions(
            [
                Cast(expression, models.TextField()) if index % 2 == 0 else expression
                for index, expression in enumerate(keyed.get_source_expressions())
            ]
        )
        return super(JSONObject, keyed).as_sql(compiler, connection, function="JSON_BUILD_OBJECT", **extra_context)

    def resolve_expression(self, *args: Any, **kwargs: Any) -> JSONBuild:
        # Once its values are resolved their field types are known, and so is how to convert them.
        resolved = super().resolve_expression(*args, **kwargs)
        values = resolved.get_source_expressions()[1::2]
        keys = [key.value for key in resolved.get_source_expressions()[::2]]
        # django-stubs declares JSONObject.output_field a ClassVar; Django reads it per instance like any expression's.
        resolved.output_field = JSONObjectField(  # type: ignore[misc]
            converters_for(dict(zip(keys, values, strict=True)))
        )
        return resolved


class NestedJSONField(models.JSONField):
    """Output field of JSON built by the database and nested in other JSON: ``convert`` puts it in API form."""

    def convert(self, value: Any) -> Any:
        raise NotImplementedError

    def converter_for(self, vendor: str) -> Converter | None:
        """``convert`` as a value nested in PostgreSQL's JSON needs it (already decoded, never null where
        ``convert`` would make it empty), or ``None`` when nothing is left to do."""
        raise NotImplementedError


def _if_present(converters: dict[str, Converter]) -> Converter:
    items = tuple(converters.items())

    def convert(value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            for key, converter in items:
                value[key] = converter(value[key])
        return value

    return convert


class JSONObjectField(NestedJSONField):
    """Output field of a nested ``JSONBuild``: decodes it (SQLite may embed it as text) and converts its values."""

    def __init__(self, converters: dict[str, Converter]) -> None:
        super().__init__()
        self.converters = converters

    def converter_for(self, vendor: str) -> Converter | None:
        if vendor != "postgresql":
            return self.convert
        converters = converters_for_vendor(self.converters, vendor)
        return _if_present(converters) if converters else None

    def convert(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        if isinstance(value, (str, bytes)):
            value = orjson.loads(value)
        for key, converter in self.converters.items():
            value[key] = converter(value[key])
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> dict[str, Any] | None:
        return self.convert(value)
