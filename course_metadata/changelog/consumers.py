"""Named consumers of the change log, each with a stored cursor, processing batches exactly once.

A batch is read after the consumer's cursor, handed to its handler, and the cursor is moved in the same
transaction as the handler's own database writes. A handler that raises rolls all of it back: the cursor
stays, and the next run retries the same batch. Two workers never run one consumer at once: the cursor
row is locked for the batch (and skipped, not waited for, by the second worker).

Register consumers at import time (from an app's ``ready()``)::

    @register_consumer("search", include_drafts=False)
    def index_changes(changes: list[Change]) -> None: ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from course_metadata.changelog.cursor import Position
from course_metadata.changelog.feed import Change, change_log_page
from course_metadata.models.changes import ConsumerCursor

logger = logging.getLogger(__name__)

Handler = Callable[[list[Change]], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    handler: Handler
    include_drafts: bool = False
    batch_size: int = 500


_consumers: dict[str, Consumer] = {}


def register_consumer(
    name: str, handler: Handler | None = None, *, include_drafts: bool = False, batch_size: int = 500
) -> Callable[[Handler], Handler] | Handler:
    """Register ``handler`` under ``name`` (usable as a decorator). Re-registering a name replaces it."""

    def register(function: Handler) -> Handler:
        _consumers[name] = Consumer(name, function, include_drafts=include_drafts, batch_size=batch_size)
        return function

    return register(handler) if handler is not None else register


def registered_consumers() -> list[Consumer]:
    return sorted(_consumers.values(), key=lambda consumer: consumer.name)


def consumer_position(name: str) -> Position:
    cursor = ConsumerCursor.objects.filter(name=name).first()
    return Position(cursor.txid, cursor.entry_id) if cursor else Position(0, 0)


def _locked_cursor(name: str) -> ConsumerCursor | None:
    """The consumer's cursor, locked for this transaction; None if it is missing or another worker holds it."""
    return ConsumerCursor.objects.select_for_update(skip_locked=True).filter(name=name).first()


def _create_cursor(name: str) -> bool:
    """Create, and commit, the cursor of a consumer that has none yet; False when it exists already.

    Called outside the batch's transaction: created inside it, the new row would stay uncommitted (and
    locked) for the whole first batch, and a second worker's insert of the same name would wait for it
    instead of skipping.
    """
    if ConsumerCursor.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            ConsumerCursor.objects.create(name=name)
    except IntegrityError:
        pass  # another worker created it first
    return True


def consume(name: str, *, max_batches: int = 100) -> int:
    """Process ``name``'s new changes, batch by batch; return how many changes it processed.

    Raises whatever the handler raises, after rolling back that batch (earlier batches stay done).
    """
    consumer = _consumers[name]
    processed = 0
    first = True
    for _ in range(max_batches):
        with transaction.atomic():
            cursor = _locked_cursor(name)
            if cursor is not None:
                page = change_log_page(
                    after=Position(cursor.txid, cursor.entry_id),
                    limit=consumer.batch_size,
                    drafts=Q() if consumer.include_drafts else None,
                )
                if not page.changes:
                    return processed
                consumer.handler(page.changes)
                cursor.txid, cursor.entry_id = page.next_position.txid, page.next_position.entry_id
                cursor.processed += len(page.changes)
                cursor.save(update_fields=["txid", "entry_id", "processed", "updated"])
        if cursor is None:
            if first and _create_cursor(name):
                first = False
                continue  # the consumer's first run: its cursor exists now
            return processed  # another worker holds this consumer right now
        first = False
        processed += len(page.changes)
        if not page.has_more:
            break
    return processed


def consume_all(*, max_batches: int = 100) -> dict[str, int]:
    """Run every registered consumer; a failing one is logged and retried next time, the others go on."""
    results: dict[str, int] = {}
    for consumer in registered_consumers():
        try:
            results[consumer.name] = consume(consumer.name, max_batches=max_batches)
        except Exception:
            logger.exception("change-log consumer %r failed; it will retry from its cursor", consumer.name)
            results[consumer.name] = -1
    return results


def request_processing() -> None:
    """Ask for new entries to be processed now (called once per committed transaction that wrote some).

    Never raises and never waits for the broker: the write has committed whatever happens here, and the
    periodic ``drain-change-log`` task processes what a failed hand-off leaves behind.
    """
    from course_metadata.tasks.changelog import process_change_log
    from course_metadata.tasks.handoff import hand_off

    hand_off(process_change_log)
