"""Lists (and one-to-one objects) nested in rows, declared once as ``Nested`` and loaded one of two ways.

A ``Nested`` names the child rows (a queryset), the path from a child to its parent, the keys of each
child's JSON object (or one ``flat`` value) and their order. The database builds the JSON
(``json_values.JSONBuild``: ``json_build_object``, only ever rendered); the converters put its values in
API form, the same on PostgreSQL and SQLite. There is one rule for where a list is loaded:

* nested in the rows of a page: ``attach_nested`` loads every ``Nested`` of the page in a single
  ``UNION ALL`` query, each part a lookup by the page's parent keys, compiled once and prepared. That is
  one query however many relations and rows, and no correlated subquery per parent row;
* nested one level further down, inside a child's JSON (an organization's tags inside a course's
  organizations), or in the rows of a small list that DRF pages as a queryset (types, pathways):
  ``Nested.column(outer)``, the same declaration as a correlated ``ARRAY(...)`` column built in the
  statement that reads the row. It costs no query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from django.db import connections
from django.db.models import CharField, Expression, F, OuterRef, QuerySet, Subquery, TextField, Value, Window
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, RowNumber

from dbkit.cursors import fetch_all
from dbkit.json_values import (
    Converter,
    JSONBuild,
    NestedJSONField,
    Source,
    converter_of,
    converters_for,
    converters_for_vendor,
    narrowed,
)
from dbkit.rows import AnyOf, FieldSpec, Placeholder, Row, expressions_of, list_parameter

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType


@dataclass(frozen=True)
class _CompiledPart:
    sql: str
    params: tuple[Any, ...]
    slot: int  # index of the parent keys among ``params``
    converters: dict[str, Converter]


# The key a flat list's value has in the JSON of its part.
_FLAT = "value"


def columns(outer: str, *specs: Nested) -> FieldSpec:
    """Keys of a field spec: each of ``specs`` as a column, under its name (see ``Nested.column``)."""
    return {spec.name: spec.column(outer) for spec in specs}


@dataclass(frozen=True)
class Nested:
    """A list (or, with ``one``, a single object) nested in each of a set of rows.

    ``queryset`` selects the child rows (a through table, a child table, or the parent table itself for
    a one-to-one), ``parent`` is the path from a child row to the parent's ``key`` (its primary key unless
    said otherwise), ``fields`` the keys of each nested dict (or ``flat``, one value per child, for a list
    of plain values), ``ordering`` their order within one parent.
    """

    name: str
    queryset: QuerySet
    parent: str
    fields: FieldSpec = field(default_factory=dict)
    ordering: Sequence[str | Expression] = ("pk",)
    one: bool = False
    key: str = "pk"
    # With ``one``: set the object's keys on the parent row itself rather than the object under ``name``.
    spread: bool = False
    flat: Source | None = None
    # Its part compiled, by database alias. Kept on the spec itself so it lives and dies with it: a spec
    # built for one request takes its compiled SQL with it, and no other spec can ever be handed it.
    compiled: dict[str, _CompiledPart] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.flat is None) == (not self.fields):
            raise TypeError(f"Nested {self.name!r} takes either fields or flat=, not both")
        if self.flat is not None and (self.one or self.spread):
            raise TypeError(f"Nested {self.name!r}: a flat list is a list")

    def column(self, outer: str = "pk") -> _JSONRows:
        """This list as a column of the query that reads the parents, whose key is the column ``outer``."""
        if self.one:
            raise TypeError(f"Nested {self.name!r}: a one-to-one object is read by attach_nested")
        rows = self.queryset.filter(**{self.parent: OuterRef(outer)}).order_by(*self.ordering)
        return _JSONRows(rows, self.flat, self.fields)

    def _expressions(self) -> dict[str, F | BaseExpression]:
        return expressions_of(self.fields if self.flat is None else {_FLAT: self.flat})

    def empty(self, row: Row) -> None:
        if self.spread:
            row.update(dict.fromkeys(self.fields))
        else:
            row[self.name] = None if self.one else []

    def attach(self, row: Row, values: list[dict[str, Any]]) -> None:
        if self.spread:
            row.update(values[0])
        elif self.flat is not None:
            row[self.name] = [value[_FLAT] for value in values]
        else:
            row[self.name] = values[0] if self.one else values

    def part(self, placeholder: Placeholder) -> tuple[QuerySet, dict[str, Converter]]:
        """The child rows of the parents ``placeholder`` will hold, as (parent, kind, position, JSON text)."""
        expressions = self._expressions()
        ordering: list[str | F | BaseExpression] = [
            F(item[1:]).desc() if isinstance(item, str) and item.startswith("-") else item for item in self.ordering
        ]
        ordering = [F(item) if isinstance(item, str) else item for item in ordering]
        part = self.queryset.filter(AnyOf(self.parent, placeholder)).values(
            # As text, so parents keyed by integers and by UUIDs can share the UNION's column.
            _parent=Cast(F(self.parent), TextField()),
            _kind=Value(self.name, output_field=CharField()),
            _position=Window(RowNumber(), partition_by=[F(self.parent)], order_by=ordering),
            _row=Cast(JSONBuild(**expressions), TextField()),
        )
        resolved = part.query.annotations["_row"].get_source_expressions()[0].get_source_expressions()[1::2]
        return part.order_by(), converters_for(dict(zip(expressions, resolved, strict=True)))


def _compile_part(spec: Nested, connection: Any) -> _CompiledPart:
    placeholder = Placeholder()
    part, converters = spec.part(placeholder)
    sql, params = part.query.get_compiler(connection=connection).as_sql()
    slot = next(index for index, param in enumerate(params) if param is placeholder)
    sql, params, slot = _inline_constants(sql, list(params), slot, connection)
    return _CompiledPart(sql, tuple(params), slot, converters_for_vendor(converters, connection.vendor))


def _compiled_part(spec: Nested, connection: Any) -> _CompiledPart:
    """Compiling a query costs more than running these small ones, so each part is compiled once.

    The result holds SQL text and converters only, not the connection, so one per alias serves every
    thread."""
    compiled = spec.compiled.get(connection.alias)
    if compiled is None:
        compiled = spec.compiled[connection.alias] = _compile_part(spec, connection)
    return compiled


def _inline_constants(sql: str, params: list[Any], slot: int, connection: Any) -> tuple[str, list[Any], int]:
    """On PostgreSQL, write every parameter but the keys into the SQL as a literal.

    psycopg re-parses a long statement for its placeholders on every execution; the nested query has
    dozens of constant parameters (JSON keys, kinds), and inlining them leaves one placeholder per part.
    """
    if connection.vendor != "postgresql" or "%%" in sql:
        return sql, params, slot
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:
        return sql, params, slot
    before = "%s".join(pieces[: slot + 1])
    after = "%s".join(pieces[slot + 1 :])
    composed = [
        connection.ops.compose_sql(text, values).replace("%", "%%")
        for text, values in ((before, params[:slot]), (after, params[slot + 1 :]))
    ]
    return "%s".join(composed), [params[slot]], 0


def _parent_key(value: Any) -> str:
    """The same text for a key read from a row and from the UNION: SQLite renders UUIDs without dashes."""
    return str(value).replace("-", "")


def _key_text(vendor: str) -> Callable[[Any], str]:
    """How a parent key reads as text, from a row and from the UNION's text column alike. PostgreSQL writes
    integers and UUIDs as ``str`` does, so only SQLite's keys need rewriting."""
    return str if vendor == "postgresql" else _parent_key


def attach_nested(groups: Sequence[tuple[Sequence[Row], Sequence[Nested]]], *, using: str = "default") -> None:
    """Load every ``Nested`` of every group of rows in one query and set it on each row under its name.

    A group is a page of rows (courses, runs, ...) and what nests in them; rows without children get
    ``[]`` (or ``None`` for ``one``).
    """
    connection = connections[using]
    key_text = _key_text(connection.vendor)
    statements: list[str] = []
    params: list[Any] = []
    targets: dict[str, tuple[dict[str, list[Row]], Nested, dict[str, Converter]]] = {}
    for rows, specs in groups:
        if not rows:
            continue
        # The parents by key text, once per key column of the group (most parts are keyed by ``pk``).
        parents_by: dict[str, dict[str, list[Row]]] = {}
        for spec in specs:
            parents = parents_by.get(spec.key)
            if parents is None:
                parents = parents_by[spec.key] = defaultdict(list)
                for row in rows:
                    parents[key_text(row[spec.key])].append(row)
            for row in rows:
                spec.empty(row)
            compiled = _compiled_part(spec, connection)
            part_params = list(compiled.params)
            part_params[compiled.slot] = list_parameter(list({row[spec.key] for row in rows}), connection.vendor)
            statements.append(f"SELECT * FROM ({compiled.sql}) AS _part")
            params += part_params
            targets[spec.name] = (parents, spec, compiled.converters)
    if not statements:
        return
    collected: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    fetched = fetch_all(connection, " UNION ALL ".join(statements), params)
    if key_text is str:  # the UNION's keys already read as the rows' do
        for parent, kind, position, text in fetched:
            collected[(kind, parent)].append((position, orjson.loads(text)))
    else:
        for parent, kind, position, text in fetched:
            collected[(kind, key_text(parent))].append((position, orjson.loads(text)))
    for (kind, parent), items in collected.items():
        parents, spec, converters = targets[kind]
        items.sort(key=_position)
        values = [item[1] for item in items]
        if converters:
            converting = tuple(converters.items())
            for value in values:
                for key, converter in converting:
                    value[key] = converter(value[key])
        for row in parents[parent]:
            spec.attach(row, values)


def _position(item: tuple[int, dict[str, Any]]) -> int:
    return item[0]


# --- a Nested as a column: a correlated JSON list -------------------------------------------------


def _each_row(converters: dict[str, Converter]) -> Converter:
    items = tuple(converters.items())

    def convert(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            for key, converter in items:
                row[key] = converter(row[key])
        return rows

    return convert


def _each_value(converter: Converter) -> Converter:
    def convert(values: list[Any]) -> list[Any]:
        return [converter(value) for value in values]

    return convert


class JSONRowsField(NestedJSONField):
    """Output field of a ``Nested.column``: decodes with orjson and puts each value in its API form."""

    def __init__(self, converters: dict[str, Converter], flat_converter: Converter | None = None) -> None:
        super().__init__()
        self.converters = converters
        self.flat_converter = flat_converter

    def converter_for(self, vendor: str) -> Converter | None:
        # PostgreSQL's ARRAY_TO_JSON(ARRAY(...)) gives [] for no rows, never null.
        if vendor != "postgresql":
            return self.convert
        if self.flat_converter is not None:
            flat = narrowed(self.flat_converter, vendor)
            return _each_value(flat) if flat is not None else None
        converters = converters_for_vendor(self.converters, vendor)
        return _each_row(converters) if converters else None

    def convert(self, rows: Any) -> list[Any]:
        if rows is None:
            return []
        if isinstance(rows, (str, bytes)):
            rows = orjson.loads(rows)
        if self.flat_converter is not None:
            return [self.flat_converter(value) for value in rows]
        if self.converters:
            items = self.converters.items()
            for row in rows:
                for key, converter in items:
                    row[key] = converter(row[key])
        return rows

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[dict[str, Any]]:
        return self.convert(value)

    def deconstruct(self) -> Any:  # pragma: no cover - never part of a model
        raise NotImplementedError("JSONRowsField only types query expressions")


class _JSONRows(Subquery):
    """The rows of a correlated queryset as a JSON list built in SQL (``Nested.column``), in its order:
    of objects with ``fields`` for their keys, or of one ``flat`` value each."""

    template = "ARRAY_TO_JSON(ARRAY(%(subquery)s))"

    def __init__(self, queryset: QuerySet, flat: Source | None, fields: FieldSpec) -> None:
        self.flat = flat is not None
        if flat is not None:
            rows = queryset.values(_row=expressions_of({_FLAT: flat})[_FLAT])
            converter = converter_of(rows.query.annotations["_row"])
            output = JSONRowsField({}, flat_converter=converter)
        else:
            expressions = expressions_of(fields)
            rows = queryset.values(_row=JSONBuild(**expressions))
            resolved = rows.query.annotations["_row"].get_source_expressions()[1::2]
            output = JSONRowsField(converters_for(dict(zip(expressions, resolved, strict=True))))
        super().__init__(rows, output_field=output)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> _AsSqlType:
        # JSON() keeps the result typed as JSON when it is nested inside another JSON_OBJECT; objects
        # coming out of the inner SELECT are text again and need it too, plain values must not get it.
        row = '_rows."_row"' if self.flat else 'JSON(_rows."_row")'
        template = f"JSON((SELECT JSON_GROUP_ARRAY({row}) FROM (%(subquery)s) _rows))"
        return self.as_sql(compiler, connection, template=template, **extra_context)
