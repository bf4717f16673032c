"""One holder at a time for periodic work: a PostgreSQL session advisory lock, a cache lock elsewhere.

``single_flight(name)`` yields True to the one caller that got the lock and False to the others, who skip
the work: a beat schedule that fires while the last run is still going, or two beat processes by mistake,
never run the same job twice at once.

On PostgreSQL the lock is ``pg_try_advisory_lock`` on the connection, released at the end of the block. A
worker that dies holds nothing: its connection closes and the server drops the session and its locks. A
worker whose host vanishes (power, network) sends no close, and the server would keep the session until
its TCP keepalive gave up, two hours and more with Linux defaults; so the holder's session asks the server
to probe an idle client after ``KEEPALIVE_IDLE_SECONDS`` and give up after ``KEEPALIVE_COUNT`` missed probes
``KEEPALIVE_INTERVAL_SECONDS`` apart (those settings are per session, and ignored on a Unix socket).

Elsewhere (SQLite, where only one process writes anyway) it is an ``add`` to Django's cache that expires
after ``expires_after`` seconds, so a crashed holder frees it in time; pass a little more than the job's
longest expected run.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

DEFAULT_EXPIRY_SECONDS = 3600
KEEPALIVE_IDLE_SECONDS = 30
KEEPALIVE_INTERVAL_SECONDS = 10
KEEPALIVE_COUNT = 3


def lock_id(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def cache_key(name: str) -> str:
    return f"lyceum:single-flight:{name}"


@contextmanager
def single_flight(name: str, *, expires_after: int = DEFAULT_EXPIRY_SECONDS) -> Iterator[bool]:
    """Yield whether this caller holds ``name``; ``expires_after`` bounds a lost holder on the cache path."""
    if connection.vendor == "postgresql":
        with _advisory_lock(lock_id(name)) as acquired:
            yield acquired
        return
    token = uuid.uuid4().hex
    key = cache_key(name)
    acquired = cache.add(key, token, expires_after)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


@contextmanager
def _advisory_lock(key: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[0])
        if acquired:
            cursor.execute(
                "SELECT set_config('tcp_keepalives_idle', %s, false), set_config('tcp_keepalives_interval', %s, false),"
                " set_config('tcp_keepalives_count', %s, false)",
                [str(KEEPALIVE_IDLE_SECONDS), str(KEEPALIVE_INTERVAL_SECONDS), str(KEEPALIVE_COUNT)],
            )
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
