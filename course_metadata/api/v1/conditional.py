"""Conditional GETs of detail responses: ETag and Last-Modified, and 304 for If-None-Match / If-Modified-Since.

A representation changes when its data changes (``data_modified_timestamp`` of the object and of the
objects it nests) and when time crosses an instant its computed fields depend on (a run starts,
enrollment closes, ...). Its *version* is the latest of those instants that has passed; the ETag is a
digest of the object's identity, draft flag and version, and Last-Modified is the version. So a 304 is
never answered for a representation that would differ, and nothing needs to be invalidated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def as_datetime(value: Any) -> dt.datetime | None:
    """A model datetime, or one rendered into a JSON row (``...Z``)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def version(data_timestamps: Iterable[Any], thresholds: Iterable[dt.datetime], now: dt.datetime) -> dt.datetime:
    """The latest data change or passed threshold: the representation is the same until this moves."""
    instants = [stamp for value in data_timestamps if (stamp := as_datetime(value)) is not None]
    instants += [instant for instant in thresholds if instant <= now]
    return max(instants, default=EPOCH)


def version_etag(kind: str, identity: Any, draft: bool, at: dt.datetime) -> str:
    digest = hashlib.blake2b(f"{kind}|{identity}|{int(draft)}|{at.isoformat()}".encode(), digest_size=12)
    return f'"{digest.hexdigest()}"'


def not_modified(request: HttpRequest, etag: str, last_modified: dt.datetime) -> HttpResponseBase | None:
    """The 304 to answer with (carrying the validators), or ``None`` to send the full response."""
    response = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
    if response is not None:
        add_validators(response, etag, last_modified)
    return response


def add_validators(response: HttpResponseBase, etag: str, last_modified: dt.datetime) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(last_modified.timestamp()))


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Every read inside sees the database as of one instant (REPEATABLE READ on PostgreSQL).

    An editor's read (``editable=1``) returns a row and the ETag they will send back in ``If-Match``. Read
    in separate snapshots, a write that commits between the two pairs the old data with the new tag, and
    the editor's next PATCH, made from that old data, passes the precondition and silently drops the
    write. SQLite already reads one snapshot inside a transaction. Inside an outer transaction (a test,
    a sub-request) the isolation level can no longer be chosen; the outer one decides.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield
