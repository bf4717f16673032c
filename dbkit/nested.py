"""Load everything nested in a page of rows in one query.

``attach_nested`` loads every nested list and one-to-one object of a page (a course's subjects,
organizations, staff, video, ...) in a single ``UNION ALL`` query, each part a simple lookup by parent key
that yields ``(parent, kind, position, JSON)``, instead of one query per relation or one correlated
subquery per parent row. The JSON of each child is built by the database (``json_rows.JSONBuild``); a
list nested one level further down (an organization's tags inside a course's organizations) is a
``json_rows.JSONRows`` value among the child's fields, built in the same part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import connections
from django.db.models import CharField, Expression, F, QuerySet, TextField, Value, Window
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, RowNumber

from dbkit.cursors import fetch_all
from dbkit.json_rows import Converter, JSONBuild, converters_for, converters_for_vendor
from dbkit.rows import AnyOf, FieldSpec, Placeholder, Row, expressions_of, list_parameter


@dataclass(frozen=True)
class _CompiledPart:
    sql: str
    params: tuple[Any, ...]
    slot: int  # index of the parent keys among ``params``
    converters: dict[str, Converter]


@dataclass(frozen=True)
class Nested:
    """A list (or, with ``one``, a single object) nested in each row of a page.

    ``queryset`` selects the child rows (a through table, a child table, or the parent table itself for
    a one-to-one), ``parent`` is the path from a child row to the parent's ``key`` (its primary key unless
    said otherwise), ``fields`` the keys of each nested dict, ``ordering`` their order within one parent.
    """

    name: str
    queryset: QuerySet
    parent: str
    fields: FieldSpec
    ordering: Sequence[str | Expression] = ("pk",)
    one: bool = False
    key: str = "pk"
    # With ``one``: set the object's keys on the parent row itself rather than the object under ``name``.
    spread: bool = False
    # Its part compiled, by database alias. Kept on the spec itself so it lives and dies with it: a spec
    # built for one request takes its compiled SQL with it, and no other spec can ever be handed it.
    compiled: dict[str, _CompiledPart] = field(default_factory=dict, init=False, repr=False, compare=False)

    def empty(self, row: Row) -> None:
        if self.spread:
            row.update(dict.fromkeys(self.fields))
        else:
            row[self.name] = None if self.one else []

    def attach(self, row: Row, values: list[dict[str, Any]]) -> None:
        if self.spread:
            row.update(values[0])
        else:
            row[self.name] = values[0] if self.one else values

    def part(self, placeholder: Placeholder) -> tuple[QuerySet, dict[str, Converter]]:
        """The child rows of the parents ``placeholder`` will hold, as (parent, kind, position, JSON text)."""
        expressions = expressions_of(self.fields)
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
