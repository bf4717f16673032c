"""Which change-log entries a PostgreSQL reader may hand out: those below the horizon (ADR 0020).

The horizon is computed by the database in the reading statement (``SnapshotHorizon``). A transaction
that has written entries itself and then reads (the single transaction of a test, typically) would never
see its own entries, since it is still running; it may, once no older transaction of this database is
running. That is checked in a statement *before* the read: an older transaction not running then has
finished, so its entries are visible to the read's later snapshot (READ COMMITTED only).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Expression, Value
from django.db.models.functions import Greatest

from course_metadata.models.changes import SnapshotHorizon

OWN_TRANSACTION_SQL = """
SELECT pg_current_xact_id_if_assigned()::text::bigint,
       NOT EXISTS (
           SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
              AND age(backend_xid) >= age(pg_current_xact_id_if_assigned()::xid)
       )
"""


def visible_below(using: str) -> Expression | None:
    """The txid bound entries must stay below to be handed out (None: no bound, on SQLite)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None  # one writer at a time: id order is commit order
    horizon: Expression = SnapshotHorizon()
    if connection.in_atomic_block and _read_committed(connection):
        with connection.cursor() as cursor:
            cursor.execute(OWN_TRANSACTION_SQL)
            own, alone = cursor.fetchone()
        if own is not None and alone:
            horizon = Greatest(horizon, Value(own + 1))
    return horizon


def _read_committed(connection: object) -> bool:
    from psycopg import IsolationLevel

    level = getattr(connection, "isolation_level", None)
    return level in (None, IsolationLevel.READ_COMMITTED)
