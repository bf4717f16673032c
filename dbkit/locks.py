"""One holder at a time for periodic work: a PostgreSQL session advisory lock, a cache lock elsewhere.

``single_flight(name)`` yields True to the one caller that got the lock and False to the others, who skip
the work: a beat schedule that fires while the last run is still going, or two beat processes by mistake,
never run the same job twice at once. On PostgreSQL the lock is ``pg_try_advisory_lock`` on the connection,
released at the end of the block (and by the server if the worker dies). On SQLite, where only one process
writes anyway, it is an ``add`` to Django's cache with a timeout, so a crashed holder frees it in time.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

CACHE_LOCK_SECONDS = 6 * 3600


def lock_id(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def single_flight(name: str) -> Iterator[bool]:
    if connection.vendor == "postgresql":
        key = lock_id(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    token = uuid.uuid4().hex
    cache_key = f"lyceum:single-flight:{name}"
    acquired = cache.add(cache_key, token, CACHE_LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired and cache.get(cache_key) == token:
            cache.delete(cache_key)
