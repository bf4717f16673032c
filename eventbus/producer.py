"""The Redis Streams producer, made to fail loudly so that the change log can retry.

``edx_event_bus_redis``'s producer logs a failed XADD and returns: the event is gone. Lyceum publishes from
the change log (eventbus.consumers), whose cursor only moves when a batch succeeds, so a failure must
raise instead; the batch is then sent again later (at least once). Nor does it trim the stream at each
write as the library does (to about 10,000 entries, read or not): eventbus.streams removes only what every
subscriber acknowledged, and records whoever loses entries to the stream's ceiling. The connection has short timeouts, so a
silent Redis cannot hold the consumer (and its cursor lock) for long.

``EVENT_BUS_PRODUCER`` names :func:`create_producer`. It leans on two internals of edx-event-bus-redis (the
message encoding and ``get_full_topic``); tests/eventbus/test_content_events.py reads what it writes back with
that library's own consumer, so an upgrade that changes them fails there.
"""

from __future__ import annotations

from django.conf import settings
from edx_event_bus_redis.internal.config import get_full_topic
from edx_event_bus_redis.internal.message import RedisMessage
from edx_event_bus_redis.internal.producer import RedisEventProducer
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.tooling import OpenEdxPublicSignal
from walrus import Database

CONNECT_TIMEOUT_SECONDS = 2
SOCKET_TIMEOUT_SECONDS = 5


class EventBusUnavailable(RuntimeError):
    """An event could not be written to the bus; nothing was acknowledged, so it will be sent again."""


class StrictRedisEventProducer(RedisEventProducer):
    def send(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str,
        event_data: dict,
        event_metadata: EventsMetadata,
    ) -> None:
        full_topic = get_full_topic(topic)
        try:
            message = RedisMessage(
                topic=full_topic,
                event_data=serialize_event_data_to_bytes(event_data, signal),
                event_metadata=event_metadata,
            )
            self.client.Stream(full_topic).add(message.to_binary_dict())
        except Exception as error:
            raise EventBusUnavailable(
                f"could not add a {signal.event_type} event to stream {full_topic}: {error}"
            ) from error


def create_producer() -> StrictRedisEventProducer:
    url = getattr(settings, "EVENT_BUS_REDIS_CONNECTION_URL", None)
    if not url:
        raise EventBusUnavailable("no event bus: set LYCEUM_EVENT_BUS_URL to the Redis that carries it.")
    client = Database.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=SOCKET_TIMEOUT_SECONDS
    )
    return StrictRedisEventProducer(client)
