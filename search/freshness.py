"""Keeping the index fit to answer query strings: caught up with the change log, and never missing (ADR 0082).

``q``, ``contains`` and ``query_contains`` are answered by the search index, which the ``search_index``
change-log consumer keeps current. A client that has just written expects its next query to see the write,
and an index that was never built (or was emptied) would answer "nothing matches". So before each answer
the consumer is run to the end of the log (a no-op of a couple of queries when it is current, as a worker
usually keeps it), and an index that holds no document of a type the database has is built on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from course_metadata.changelog import consumers
from search import documents
from search.backends.base import SearchBackend
from search.indexing import CONSUMER_NAME, rebuild_index

logger = logging.getLogger(__name__)

# How many consumer batches (of 500 changes) a query may index itself before it answers; a larger backlog is
# a worker's job (or update_index's), and the query answers from the index as it then is.
CATCH_UP_BATCHES = 10
# A PostgreSQL advisory lock, so that two queries finding the index missing build it once.
BUILD_LOCK = 0x5EA2C4_0082


def catch_up(index: SearchBackend) -> int:
    """Index the changes the search consumer has not seen yet; returns how many it processed."""
    if CONSUMER_NAME not in {consumer.name for consumer in consumers.registered_consumers()}:
        return 0
    try:
        return consumers.consume(CONSUMER_NAME, max_batches=CATCH_UP_BATCHES)
    except Exception:
        # The batch rolled back and stays in the log for the worker; the index answers as it is.
        logger.exception("the search consumer failed while catching up before a query; answering from the index")
        return 0


def missing(index: SearchBackend, content_type: str) -> bool:
    """The index holds no document of ``content_type`` while the database has something to index."""
    return index.count([content_type]) == 0 and documents.indexable_exists(content_type)


def build(index: SearchBackend, content_type: str) -> None:
    """Build the whole index now (once, when several queries find it missing at the same time)."""
    with _build_lock():
        if not missing(index, content_type):
            return  # another query built it while this one waited
        logger.warning("building the search index on demand: it holds no %s document", content_type)
        report = rebuild_index(backend=index, enforce_change_limit=False)
        logger.warning("search index %s built on demand: %d documents", report.name, report.documents)


@contextmanager
def _build_lock() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield  # SQLite has one writer at a time anyway
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [BUILD_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK])
