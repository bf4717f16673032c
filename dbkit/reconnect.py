"""Reading after a commit on a new connection when the one that committed was lost.

A write's transaction can commit and its connection be lost a moment later (a failover, the server
restarting, an operator ending the session). Django does not reconnect by itself until the request ends, so
the write view's read of what it wrote, to answer, would fail: a committed write reported as an error, which
the client may then repeat. :func:`read_after_commit` runs such a read again, once, on a new connection, but
only when the connection really is unusable and no transaction is open (inside one, the lost connection took
the transaction with it, and a retry would hide that). Any other database error is raised as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

T = TypeVar("T")


def read_after_commit(read: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """``read()``; if it fails because the connection is gone, ``read()`` once more on a new connection."""
    try:
        return read()
    except (OperationalError, InterfaceError):
        connection = connections[using]
        if connection.in_atomic_block or connection.is_usable():
            raise
        logger.warning("database connection lost after a commit; reading again on a new connection", exc_info=True)
        connection.close()
    return read()
