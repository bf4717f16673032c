"""Read rows, not model instances, with queries compiled once and run with key lists.

Two costs dominate a naive read path, and this module avoids them:

* model instances: models with field trackers copy every field when an instance is created, which costs
  ten times the query itself on a page of rows. Reads select plain values instead (``Row``: a dict whose
  keys also read as attributes);
* compiling queries: Django spends longer building the SQL of a small keyed query than the database
  spends running it, so ``KeyedRows`` compiles it once per connection, with its keys as one list
  parameter (``AnyOf``), and afterwards only executes it.

Hot code reads rows with ``row["key"]``: the attribute form costs ten times more per access.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import orjson
from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, IntegerField, QuerySet, Subquery
from django.db.models.expressions import BaseExpression

from dbkit.cursors import fetch_all
from dbkit.json_values import Source

# Keys of a row and where each value comes from: a field path, an F() or an expression.
FieldSpec = dict[str, Source]


class Row(dict):
    """A row of values; ``row.title`` reads ``row["title"]`` so representation code reads naturally."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def chunked(values: Iterable[int], size: int) -> Iterator[list[int]]:
    """``values`` in lists of at most ``size``, in order: key lists for ``pk__in`` filters that must stay
    under a bound-parameter limit or a sensible batch."""
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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


class SubqueryCount(Subquery):
    """How many rows a (correlated) queryset has, as one SQL expression."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"

    def __init__(self, queryset: QuerySet) -> None:
        super().__init__(queryset.order_by().values("pk"), output_field=IntegerField())


def list_parameter(values: Sequence[Any], vendor: str) -> Any:
    """A list of keys as the one parameter ``AnyOf`` compiles to."""
    if vendor == "postgresql":
        if all(type(value) is int for value in values):
            # An array literal: psycopg adapts a list item by item in Python, which cost about 1 ms of a
            # page's key lists. Sent untyped, it takes the type of the column it is compared with.
            return "{" + ",".join(map(str, values)) + "}"
        return list(values)
    # SQLite stores UUIDs as 32 hex digits.
    return orjson.dumps([value.hex if isinstance(value, uuid.UUID) else value for value in values]).decode()


class Placeholder(list):
    """Stands for a key list while a query is compiled; found again among the parameters by identity."""


_Compiled = tuple[Any, str, tuple[Any, ...], list[list[int]], list[str]]

# Where each connection wrapper keeps its compiled ``KeyedRows`` (see ``KeyedRows._compile``).
_CACHE_ATTRIBUTE = "_dbkit_keyed_rows"


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

    def _compile(self, connection: Any) -> _Compiled:
        # A compiler keeps the connection wrapper it was made for (one per thread), so the compiled query
        # is kept on that wrapper: it goes when the thread's connection goes, and a wrapper never sees
        # another's. Weakly keyed by this object, so a KeyedRows built for one request does not stay.
        cache: weakref.WeakKeyDictionary[KeyedRows, _Compiled] | None = connection.__dict__.get(_CACHE_ATTRIBUTE)
        if cache is None:
            cache = weakref.WeakKeyDictionary()
            setattr(connection, _CACHE_ATTRIBUTE, cache)
        compiled = cache.get(self)
        if compiled is None:
            placeholders = [Placeholder() for _ in range(self.lists)]
            query = self.build(*placeholders).query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = [[index for index, param in enumerate(params) if param is held] for held in placeholders]
            names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
            compiled = cache[self] = (compiler, sql, tuple(params), slots, names)
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
            parameter = list_parameter(values, connection.vendor)
            for place in places:
                bound[place] = parameter
        fetched = fetch_all(connection, sql, bound)
        return [Row(zip(names, row, strict=True)) for row in compiler.results_iter(results=[fetched])]
