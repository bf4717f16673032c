"""The cursor the compiled read queries run on: prepared with a generic plan, with psycopg's C loaders.

Django's own cursors bind parameters on the client and re-plan every statement; for the small read
queries that ``rows.KeyedRows`` and ``nested.attach_nested`` run again and again with new keys, planning
costs more than running. These run on a server-binding cursor instead, still wrapped like Django's own so
query logging, counting and execute wrappers see every query.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.conf import settings
from psycopg import ClientCursor, Cursor, postgres
from psycopg import adapters as psycopg_adapters
from psycopg.pq import Format


class _PreparedCursor(Cursor):
    """A server-binding psycopg cursor whose statements PostgreSQL plans once per connection."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True, binary=binary)


_TIMESTAMPTZ = postgres.types["timestamptz"].oid
_loader = psycopg_adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
if _loader is None:  # psycopg always ships one; this only informs the type checker
    raise ImportError("psycopg has no timestamptz loader")
_FAST_TIMESTAMPTZ_LOADER = _loader
_UTC_ZONES = {"UTC", "Etc/UTC"}

# psycopg connections already set up for generic plans (weakly held: closed connections drop out).
_generic_plans: weakref.WeakSet[Any] = weakref.WeakSet()


def _cursor(connection: Any) -> Any:
    """A cursor for the compiled read queries, wrapped like Django's own.

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
            # Only prepared statements follow this setting, and only this package prepares any. Their key
            # lists are their only parameters, so one plan fits every execution.
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


def fetch_all(connection: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run one compiled read query and return its rows."""
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if connection.queries_logged and connection.queries_log and connection.queries_log[-1]["sql"] is None:
        # Django cannot show a server-bound statement: log it as the client cursor would have sent it.
        connection.queries_log[-1]["sql"] = connection.ops.compose_sql(sql, params)
    return fetched
