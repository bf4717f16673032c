"""read_after_commit: a read after a commit survives a lost connection, and hides nothing else."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction

from dbkit.reconnect import read_after_commit
from tests.connection_loss import backend_pid, needs_postgresql, terminate_backend


def _select_one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return int(cursor.fetchone()[0])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_on_a_lost_connection_is_done_again_on_a_new_one() -> None:
    needs_postgresql()
    lost = backend_pid()
    terminate_backend(lost)
    calls: list[int] = []

    def read() -> int:
        calls.append(1)
        return _select_one()

    assert read_after_commit(read) == 1
    assert len(calls) == 2
    assert backend_pid() != lost


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_lost_connection_is_not_hidden() -> None:
    needs_postgresql()
    with pytest.raises(OperationalError), transaction.atomic():
        terminate_backend(backend_pid())
        read_after_commit(_select_one)


@pytest.mark.django_db(transaction=True)  # outside a transaction, where a retry would be allowed
def test_an_operational_error_on_a_working_connection_is_raised_without_a_second_read() -> None:
    """A statement timeout (PostgreSQL) or a missing table (SQLite): errors of the read, not of the link."""
    calls: list[int] = []

    def read() -> None:
        calls.append(1)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET statement_timeout = 1")
                try:
                    cursor.execute("SELECT pg_sleep(1)")
                finally:
                    cursor.execute("RESET statement_timeout")
            else:
                cursor.execute("SELECT * FROM no_such_table_here")

    with pytest.raises(OperationalError):
        read_after_commit(read)
    assert calls == [1]
