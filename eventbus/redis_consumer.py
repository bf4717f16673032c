"""The bus consumer (``EVENT_BUS_CONSUMER``): edx-event-bus-redis's, but an event is acknowledged only once it
has been applied or parked.

The library's loop acknowledges every message it received, whether its receivers succeeded or not (its
``finally``); a failed Studio publish would be gone. This subclass keeps the library's loop, its reading of
pending entries first, its logging and its error limit, and changes three things:

* **Retries.** A receiver that fails is called again after a pause (``EVENT_BUS_CONSUMER_RETRY_DELAYS``,
  doubling). A transient failure (a database or Redis connection error, a lock or serialization timeout:
  ``OperationalError``/``InterfaceError``) gets every delay; any other failure (the service refused the
  event) gets one retry, for races such as two consumers creating the same course.
* **Holding.** A transient failure that outlasts its retries leaves the entry unacknowledged in the group's
  pending list, its delivery count raised (``XCLAIM``), and the loop reads it again before anything new:
  nothing is lost while the database is down, in this process or after a restart.
* **Parking.** A refused event, an unreadable one, or a transient failure seen on
  ``EVENT_BUS_CONSUMER_MAX_DELIVERIES`` deliveries, is written to ``ParkedEvent`` (eventbus.parking) and then
  acknowledged, and the consumer moves on. If parking fails too, the entry is held.

The guard sits on the one place the library acknowledges (the stream's ``ack``): an id this consumer has not
settled is never acknowledged unless it is first parked.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from edx_event_bus_redis.internal.consumer import RedisEventConsumer
from edx_event_bus_redis.internal.message import RedisMessage
from openedx_events.tooling import prepare_for_new_work_cycle
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from eventbus.parking import emit_message, parked_event_park

logger = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
DEFAULT_MAX_DELIVERIES = 10
# Failures worth waiting out: the database or Redis is unreachable, or a lock/serialization conflict.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    TimeoutError,
    ConnectionError,
)


class EventHeld(Exception):
    """The event could not be applied yet; it stays pending and is read again before anything new."""


def is_transient(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, TRANSIENT_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__
    return False


def _id(message_id: bytes | str) -> bytes:
    return message_id.encode() if isinstance(message_id, str) else message_id


class _AckOnlySettled:
    """The consumer group stream, whose ``ack`` asks the consumer first (everything else passes through)."""

    def __init__(self, stream: Any, consumer: LyceumRedisEventConsumer) -> None:
        self._stream = stream
        self._consumer = consumer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __getitem__(self, item: Any) -> Any:
        return self._stream[item]

    def ack(self, *id_list: Any) -> int:
        return self._consumer.ack_settled(self._stream, id_list)


class LyceumRedisEventConsumer(RedisEventConsumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._settled: set[bytes] = set()
        self._held: set[bytes] = set()
        self._last_error: BaseException | None = None
        super().__init__(*args, **kwargs)

    @property
    def retry_delays(self) -> tuple[float, ...]:
        return tuple(getattr(settings, "EVENT_BUS_CONSUMER_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))

    @property
    def max_deliveries(self) -> int:
        return int(getattr(settings, "EVENT_BUS_CONSUMER_MAX_DELIVERIES", DEFAULT_MAX_DELIVERIES))

    def _create_consumer(self, db: Any, full_topic: str) -> Any:
        return _AckOnlySettled(super()._create_consumer(db, full_topic), self)

    # --- applying, with retries ------------------------------------------------------------------------

    def emit_signals_from_message(self, msg: RedisMessage) -> None:
        message_id = _id(msg.msg_id or b"")
        self._held.discard(message_id)
        attempt = 0
        while True:
            attempt += 1
            try:
                self._log_message_received(msg)
                emit_message(msg)
            except Exception as error:
                transient = is_transient(error)
                allowed = len(self.retry_delays) + 1 if transient else min(2, len(self.retry_delays) + 1)
                if attempt < allowed:
                    delay = self.retry_delays[attempt - 1]
                    logger.warning(
                        "event bus: %s %s failed (attempt %d, %s): %r; retrying in %.1f s",
                        msg.event_metadata.event_type,
                        message_id.decode(),
                        attempt,
                        "transient" if transient else "refused",
                        error,
                        delay,
                    )
                    time.sleep(delay)
                    prepare_for_new_work_cycle()  # closes a database connection the failure left unusable
                    continue
                self._give_up(msg, message_id, error, attempt, transient)
                return
            self._settled.add(message_id)
            return

    def _give_up(self, msg: RedisMessage, message_id: bytes, error: Exception, attempts: int, transient: bool) -> None:
        """Out of retries: hold a transient failure (unless it keeps coming back), park anything else."""
        if transient and self._deliveries(message_id) < self.max_deliveries:
            self._hold(message_id)
            raise EventHeld(
                f"{msg.event_metadata.event_type} {message_id.decode()} still fails after {attempts} attempts "
                f"({error!r}); it stays pending and is retried"
            ) from error
        try:
            prepare_for_new_work_cycle()
            parked_event_park(
                stream=self.full_topic,
                consumer_group=self.group_id,
                message_id=message_id,
                fields=self._entry_fields(message_id, msg),
                error=error,
                attempts=attempts,
                message=msg,
            )
        except Exception as park_error:
            self._hold(message_id)
            raise EventHeld(
                f"{message_id.decode()} could not be parked ({park_error!r}); it stays pending and is retried"
            ) from error
        self._settled.add(message_id)

    def _entry_fields(self, message_id: bytes, msg: RedisMessage) -> dict[bytes, bytes]:
        """The entry as it is on the stream (re-encoded from the parsed message if it cannot be read)."""
        try:
            entries = self.consumer.database.xrange(self.consumer.key, message_id, message_id, count=1)
        except Exception:  # the parsed message carries the same fields
            entries = []
        return dict(entries[0][1]) if entries else msg.to_binary_dict()

    def _deliveries(self, message_id: bytes) -> int:
        """How many times the group handed this entry out (Redis counts it, so it survives a restart)."""
        try:
            pending = self.consumer.pending(start=message_id, stop=message_id, count=1)
        except Exception as error:  # Redis is away too: hold the event rather than decide anything
            logger.warning("event bus: could not read the deliveries of %s: %r", message_id.decode(), error)
            return 0
        return int(pending[0]["times_delivered"]) if pending else 1

    def _hold(self, message_id: bytes) -> None:
        self._held.add(message_id)
        try:
            # XCLAIM to ourselves raises the entry's delivery count, which is what ends a retry loop.
            self.consumer.claim(message_id, min_idle_time=0)
        except Exception as error:  # the count is advisory; the entry stays pending regardless
            logger.warning("event bus: could not count a delivery of %s: %r", message_id.decode(), error)
        self.has_pending_msgs = True

    # --- acknowledging ---------------------------------------------------------------------------------

    def record_event_consuming_error(self, run_context: Any, error: Any, maybe_message: Any) -> None:
        self._last_error = error
        super().record_event_consuming_error(run_context, error, maybe_message)

    def ack_settled(self, stream: Any, id_list: tuple[Any, ...]) -> int:
        """Acknowledge what was applied or parked; keep what is held; park what the library could not read."""
        to_ack = []
        for raw_id in id_list:
            message_id = _id(raw_id)
            if message_id in self._held:
                continue
            if message_id not in self._settled:
                self._park_unreadable(stream, message_id)
            self._settled.discard(message_id)
            to_ack.append(message_id)
        return int(stream.ack(*to_ack)) if to_ack else 0

    def _park_unreadable(self, stream: Any, message_id: bytes) -> None:
        """The library read this entry but failed before our handler (its headers do not parse): park it raw.

        If that fails the error propagates, the entry stays pending and the consumer stops (to be restarted).
        """
        entries = stream.database.xrange(stream.key, message_id, message_id, count=1)
        fields = entries[0][1] if entries else {}
        error = self._last_error or RuntimeError("the entry could not be read")
        prepare_for_new_work_cycle()
        parked_event_park(
            stream=self.full_topic,
            consumer_group=self.group_id,
            message_id=message_id,
            fields=fields,
            error=error,
            attempts=1,
        )

    def _read_pending_msgs(self) -> tuple | None:
        """The library's, but an entry still pending after the stream was trimmed past it is reported and
        dropped: the library would stop reading pending entries there, and never retry a held one behind it."""
        raw = super()._read_pending_msgs()
        if raw is not None:
            return raw
        pending = self.consumer.pending(count=1, consumer=self.consumer_name)
        if not pending:
            return None
        message_id = _id(pending[0]["message_id"])
        logger.error(
            "event bus: pending entry %s of %s was trimmed from the stream before it was applied; it is lost "
            "(refresh_course_metadata brings the catalog up to date)",
            message_id.decode(),
            self.full_topic,
        )
        self._held.discard(message_id)
        self._settled.add(message_id)
        self.consumer.ack(message_id)
        return self._read_pending_msgs()
