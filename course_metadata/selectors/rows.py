"""Read rows, not model instances, and load everything nested in a page of them in one query.

Three costs dominate a naive read path, and this module avoids them:

* model instances: the draftable and tracked models carry field trackers that copy every field when an
  instance is created, which costs ten times the query itself on a page of runs and seats. The read
  path selects plain values (``Row``: a dict whose keys also read as attributes) instead;
* one query per nested relation: ``attach_nested`` loads every nested list and one-to-one object of a
  page (subjects, organizations, staff, video, ...) in a single ``UNION ALL`` query, each part a simple
  lookup by parent key, instead of one query per relation or one correlated subquery per parent row;
* compiling queries: Django spends longer building the SQL of these queries than the database spends
  running them, so each is compiled once (``KeyedRows``, ``Nested``) with its keys as one list
  parameter (``AnyOf``) and afterwards only executed.

Hot code reads rows with ``row["key"]``: the attribute form costs ten times more per access.
"""

from __future__ import annotations

import uuid
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, CharField, Expression, F, Func, QuerySet, TextField, Value, Window
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, RowNumber
from psycopg import ClientCursor, Cursor, postgres
from psycopg import adapters as psycopg_adapters
from psycopg.pq import Format

from course_metadata.selectors.json_rows import Converter, JSONBuild, Source, converters_for, converters_for_vendor

FieldSpec = dict[str, Source]


class Row(dict):
    """A row of values; ``row.title`` reads ``row["title"]`` so representation code reads naturally."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def expressions_of(spec: FieldSpec) -> dict[str, F | BaseExpression]:
    return {key: F(value) if isinstance(value, str) else value for key, value in spec.items()}


def values_of(queryset: QuerySet, spec: FieldSpec) -> QuerySet:
    """``queryset.values()`` for a field spec: plain names as they are, the rest as expressions."""
    plain = [key for key, value in spec.items() if value == key]
    expressions = {key: F(value) if isinstance(value, str) else value for key, value in spec.items() if value != key}
    return queryset.values(*plain, **expressions)


def as_rows(values: Iterable[dict[str, Any]]) -> list[Row]:
    return [Row(value) for value in values]


class AnyOf(Func):
    """True where ``expression`` is one of the values of a single list parameter.

    Its SQL text is the same for any number of values, so a query that filters with it can be compiled
    once and reused (``expression = ANY(%s)`` on PostgreSQL, ``IN (SELECT value FROM json_each(%s))`` on
    SQLite, the list passed as JSON).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression: Expression | str, values: Any) -> None:
        super().__init__(F(expression) if isinstance(expression, str) else expression)
        self.values = values

    def as_sql(  # type: ignore[override]  # django-stubs wants params as a tuple; Func.as_sql itself returns a list
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        lhs, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.values]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, self.values]


def _list_parameter(values: Sequence[Any], vendor: str) -> Any:
    if vendor == "postgresql":
        if all(type(value) is int for value in values):
            # An array literal: psycopg adapts a list item by item in Python, which cost about 1 ms of a
            # page's key lists. Sent untyped, it takes the type of the column it is compared with.
            return "{" + ",".join(map(str, values)) + "}"
        return list(values)
    # SQLite stores UUIDs as 32 hex digits.
    return orjson.dumps([value.hex if isinstance(value, uuid.UUID) else value for value in values]).decode()


class _Placeholder(list):
    """Stands for the parent keys while a part is compiled; found again among the parameters by identity."""


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

    def part(self, placeholder: _Placeholder) -> tuple[QuerySet, dict[str, Converter]]:
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


class _PreparedCursor(Cursor):
    """A server-binding psycopg cursor whose statements PostgreSQL plans once per connection."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True, binary=binary)


def _cursor(connection: Any) -> Any:
    """A cursor for the compiled read queries, wrapped like Django's own so query logging, counting and
    execute wrappers see every query.

    On PostgreSQL it is prepared, with a generic plan, unless ``LYCEUM_PREPARED_READS`` is off (for poolers
    that cannot keep prepared statements): planning the nested-rows query costs about 20 ms, more than
    running it for a page of 100 courses and several times more for one course. It also reads
    ``timestamptz`` values with psycopg's C loader: Django's time-zone loader is written in Python and
    cost a quarter of a page's run time.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    cursor: Cursor
    if settings.LYCEUM_PREPARED_READS:
        if raw not in _generic_plans:
            # Only prepared statements follow this setting, and only this module prepares any. Their key
            # list is their only parameter, so one plan fits every execution.
            with raw.cursor() as setup:
                setup.execute("SET plan_cache_mode = force_generic_plan")
            # Django turns psycopg's statement preparation off (threshold None); its own client-binding
            # cursors never prepare whatever the threshold, so this only affects ``_PreparedCursor``.
            if raw.prepare_threshold is None:
                raw.prepare_threshold = 5
            _generic_plans.add(raw)
        cursor = _PreparedCursor(raw)
    else:
        cursor = ClientCursor(raw)
    if raw.info.parameter_status("TimeZone") in _UTC_ZONES:
        # The C loader gives the session's zone (UTC, as Django sets it), Django's gives its own UTC.
        cursor.adapters.register_loader(_TIMESTAMPTZ, _FAST_TIMESTAMPTZ_LOADER)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


_TIMESTAMPTZ = postgres.types["timestamptz"].oid
_loader = psycopg_adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
if _loader is None:  # psycopg always ships one; this only informs the type checker
    raise ImportError("psycopg has no timestamptz loader")
_FAST_TIMESTAMPTZ_LOADER = _loader
_UTC_ZONES = {"UTC", "Etc/UTC"}


def _fetch_all(connection: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run one compiled read query and return its rows."""
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if connection.queries_logged and connection.queries_log and connection.queries_log[-1]["sql"] is None:
        # Django cannot show a server-bound statement: log it as the client cursor would have sent it.
        connection.queries_log[-1]["sql"] = connection.ops.compose_sql(sql, params)
    return fetched


# psycopg connections already set up for generic plans (weakly held: closed connections drop out).
_generic_plans: weakref.WeakSet[Any] = weakref.WeakSet()


class KeyedRows:
    """A ``values()`` query of the rows whose ``key_path`` is one of a list of keys, compiled once.

    ``build(keys)`` returns the queryset for a keys object (filter with ``AnyOf(key_path, keys)``). The
    SQL is compiled the first time, then each call only runs it with new keys; rows come back as
    ``Row`` dicts converted exactly as ``values()`` converts them.

    With ``lists=N``, ``build`` takes N key objects and ``fetch`` N lists (a filter on two columns, or
    the parts of a UNION each keyed by its own list); a key object may be used more than once.
    """

    def __init__(self, build: Callable[..., QuerySet], *, lists: int = 1) -> None:
        self.build = build
        self.lists = lists
        self._compiled: dict[int, tuple[Any, str, tuple[Any, ...], list[list[int]], list[str]]] = {}

    def _compile(self, connection: Any) -> tuple[Any, str, tuple[Any, ...], list[list[int]], list[str]]:
        # Per connection object (one per thread): the compiler keeps the connection it was made for.
        compiled = self._compiled.get(id(connection))
        if compiled is None:
            placeholders = [_Placeholder() for _ in range(self.lists)]
            query = self.build(*placeholders).query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = [[index for index, param in enumerate(params) if param is held] for held in placeholders]
            names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
            compiled = self._compiled[id(connection)] = (compiler, sql, tuple(params), slots, names)
        return compiled

    def fetch(self, *keys: Iterable[Any], using: str = "default") -> list[Row]:
        """The rows for these key lists; none, without a query, for a single empty list."""
        lists = [list(values) for values in keys]
        if len(lists) != self.lists:
            raise TypeError(f"fetch takes {self.lists} key lists, got {len(lists)}")
        if lists == [[]]:
            return []
        connection = connections[using]
        compiler, sql, params, slots, names = self._compile(connection)
        bound = list(params)
        for values, places in zip(lists, slots, strict=True):
            parameter = _list_parameter(values, connection.vendor)
            for place in places:
                bound[place] = parameter
        fetched = _fetch_all(connection, sql, bound)
        return [Row(zip(names, row, strict=True)) for row in compiler.results_iter(results=[fetched])]


@dataclass(frozen=True)
class _CompiledPart:
    sql: str
    params: tuple[Any, ...]
    slot: int  # index of the parent keys among ``params``
    converters: dict[str, Converter]


_compiled: dict[tuple[int, str], _CompiledPart] = {}


def _compile(spec: Nested, connection: Any) -> _CompiledPart:
    """Compiling a query costs more than running these small ones, so each part is compiled once."""
    cache_key = (id(spec), connection.alias)
    compiled = _compiled.get(cache_key)
    if compiled is None:
        placeholder = _Placeholder()
        part, converters = spec.part(placeholder)
        sql, params = part.query.get_compiler(connection=connection).as_sql()
        slot = next(index for index, param in enumerate(params) if param is placeholder)
        sql, params, slot = _inline_constants(sql, list(params), slot, connection)
        converters = converters_for_vendor(converters, connection.vendor)
        compiled = _compiled[cache_key] = _CompiledPart(sql, tuple(params), slot, converters)
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
            compiled = _compile(spec, connection)
            part_params = list(compiled.params)
            part_params[compiled.slot] = _list_parameter(list({row[spec.key] for row in rows}), connection.vendor)
            statements.append(f"SELECT * FROM ({compiled.sql}) AS _part")
            params += part_params
            targets[spec.name] = (parents, spec, compiled.converters)
    if not statements:
        return
    collected: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    fetched = _fetch_all(connection, " UNION ALL ".join(statements), params)
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
