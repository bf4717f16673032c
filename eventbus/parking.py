"""Parking events the bus consumer cannot apply, and replaying them once the cause is fixed.

A parked event is a row (``ParkedEvent``, shown in the admin) holding the stream entry exactly as it was
read. Parking is what lets the consumer acknowledge a poison event and move on without losing it; replaying
decodes the entry and sends its signal in this process, to the same receivers the consumer would call.
Receivers are idempotent (Studio's events keep a stamp per run), so replaying an event that was overtaken
by a newer one changes nothing.
"""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from edx_event_bus_redis.internal.message import RedisMessage
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.tooling import OpenEdxPublicSignal

from eventbus.models import ParkedEvent, ParkedEventStatus

logger = logging.getLogger(__name__)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def encode_fields(fields: Mapping[Any, Any]) -> dict[str, str]:
    return {
        _text(name): base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()
        for name, value in fields.items()
    }


def decode_fields(fields: Mapping[str, str]) -> dict[bytes, bytes]:
    return {name.encode(): base64.b64decode(value) for name, value in fields.items()}


def describe_error(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)).strip()


def parked_event_park(
    *,
    stream: str,
    consumer_group: str,
    message_id: bytes | str,
    fields: Mapping[Any, Any],
    error: BaseException,
    attempts: int,
    message: RedisMessage | None = None,
) -> ParkedEvent:
    """Set an entry aside (once per stream, group and entry: parking it again records the newer failure)."""
    metadata = message.event_metadata if message is not None else None
    parked, _created = ParkedEvent.objects.update_or_create(
        stream=stream,
        consumer_group=consumer_group,
        message_id=_text(message_id),
        defaults={
            "event_type": metadata.event_type if metadata else "",
            "event_id": metadata.id if metadata else None,
            "event_time": metadata.time if metadata else None,
            "fields": encode_fields(fields),
            "error": describe_error(error),
            "attempts": attempts,
            "status": ParkedEventStatus.PARKED,
            "parked_at": timezone.now(),
            "replayed_at": None,
        },
    )
    logger.error(
        "event bus: parked %s entry %s of %s (group %s) after %d attempt(s): %r; "
        "fix the cause, then run `manage.py replay_parked_events %d`",
        parked.event_type or "an unreadable",
        parked.message_id,
        stream,
        consumer_group,
        attempts,
        error,
        parked.pk,
    )
    return parked


class ReplayFailed(Exception):
    """A receiver of the replayed event raised (the causes are chained and recorded on the row)."""


@dataclass(frozen=True)
class ReplayOutcome:
    parked: ParkedEvent
    replayed: bool
    error: str = ""


def emit_message(message: RedisMessage) -> None:
    """Send a stream message's signal to its receivers in this process; raise if any of them failed."""
    signal = OpenEdxPublicSignal.get_signal_by_type(message.event_metadata.event_type)
    data = deserialize_bytes_to_event_data(message.event_data, signal)
    results = signal.send_event_with_custom_metadata(message.event_metadata, **data)
    errors = [response for _receiver, response in results if isinstance(response, BaseException)]
    if errors:
        raise ReplayFailed(f"{len(errors)} receiver(s) of {signal.event_type} failed: {errors!r}") from errors[0]


def parked_event_replay(*, parked: ParkedEvent) -> ReplayOutcome:
    """Deliver a parked event again; it is marked replayed when every receiver succeeded, else keeps its place."""
    try:
        message = RedisMessage.parse((parked.message_id.encode(), decode_fields(parked.fields)), parked.stream)
        emit_message(message)
    except Exception as error:
        cause = error.__cause__ if isinstance(error, ReplayFailed) and error.__cause__ else error
        with transaction.atomic():
            ParkedEvent.objects.filter(pk=parked.pk).update(error=describe_error(cause), attempts=parked.attempts + 1)
        parked.refresh_from_db()
        logger.warning("event bus: replay of parked event %d failed: %r", parked.pk, cause)
        return ReplayOutcome(parked, False, repr(cause))
    parked.status, parked.replayed_at = ParkedEventStatus.REPLAYED, timezone.now()
    parked.attempts += 1
    parked.save(update_fields=["status", "replayed_at", "attempts"])
    logger.info("event bus: parked event %d (%s) replayed", parked.pk, parked.message_id)
    return ReplayOutcome(parked, True)


def parked_event_discard(*, parked: ParkedEvent) -> ParkedEvent:
    """Give up on a parked event that can never apply (not an event, or for content that no longer exists)."""
    parked.status, parked.replayed_at = ParkedEventStatus.DISCARDED, timezone.now()
    parked.save(update_fields=["status", "replayed_at"])
    logger.warning("event bus: parked event %d (%s) discarded", parked.pk, parked.message_id)
    return parked
