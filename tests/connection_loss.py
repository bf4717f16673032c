"""Killing a real PostgreSQL connection, as a failover, an operator or an idle-session timeout would.

The victim is terminated from a second, separate connection with ``pg_terminate_backend``; the server ends
the backend and the victim finds out at its next statement (or in the one it is running). Nothing is mocked:
what the code under test sees is what psycopg reports for a connection the server has closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

# pg_terminate_backend waits (bounded, in milliseconds) until the backend has really gone.
TERMINATE_WAIT_MS = 10_000


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server connection that another session can kill")


def backend_pid(alias: str = "default") -> int:
    """The server process behind this thread's connection (opening it if needed)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def terminate_backend(pid: int, alias: str = "default") -> None:
    """End server process ``pid`` from a connection of its own, and wait until it has exited."""
    killer = connections.create_connection(alias)
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, %s)", [pid, TERMINATE_WAIT_MS])
            assert cursor.fetchone()[0], f"backend {pid} was not terminated"
    finally:
        killer.close()


@pytest.fixture
def drop_dead_connections() -> Iterator[None]:
    """After the test, close this thread's connections (one may be dead), so the test database's clean-up
    and the next test start on a new one even when the test failed before closing them itself."""
    yield
    connections.close_all()


def connection_lost_after(service: Any) -> Any:
    """``service``, whose connection is ended right after it returns (its transaction has committed)."""

    def committed_then_lost(**kwargs: Any) -> Any:
        result = service(**kwargs)
        terminate_backend(backend_pid())
        return result

    return committed_then_lost
