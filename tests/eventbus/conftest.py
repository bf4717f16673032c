"""Event-bus fixtures: the real Redis, under a stream prefix of this test's own, removed afterwards."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from edx_event_bus_redis.internal import consumer as redis_consumer
from openedx_events.event_bus import get_producer

from eventbus.redis_consumer import LyceumRedisEventConsumer
from eventbus.signals import CONTENT_CHANGED_EVENT_TYPE
from tests.course_metadata.tracking.conftest import commit  # noqa: F401  (the commit boundary fixture)

REDIS_URL = os.environ.get("LYCEUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
CONTENT_TOPIC = "content-changed"
# A consumer that has not received what the test expects by then has failed; the assertions say what it got.
GIVE_UP_AFTER_SECONDS = 30


@dataclass
class Bus:
    prefix: str
    client: redis.Redis

    def stream(self, topic: str) -> str:
        return f"{self.prefix}-{topic}"

    def length(self, topic: str) -> int:
        return int(self.client.xlen(self.stream(topic))) if self.client.exists(self.stream(topic)) else 0


@pytest.fixture
def bus(settings: Any) -> Iterator[Bus]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL} (LYCEUM_TEST_REDIS_URL)")
    prefix = f"lyceum-test-{uuid.uuid4().hex[:12]}"
    settings.EVENT_BUS_REDIS_CONNECTION_URL = REDIS_URL
    settings.EVENT_BUS_TOPIC_PREFIX = prefix
    settings.EVENT_BUS_PRODUCER_CONFIG = {
        CONTENT_CHANGED_EVENT_TYPE: {CONTENT_TOPIC: {"event_key_field": "content.key", "enabled": True}}
    }
    get_producer.cache_clear()
    try:
        yield Bus(prefix, client)
    finally:
        get_producer.cache_clear()
        for key in client.scan_iter(match=f"{prefix}-*"):
            client.delete(key)
        client.close()


class StoppingRedisConsumer(LyceumRedisEventConsumer):
    """Lyceum's bus consumer (edx-event-bus-redis's loop), unchanged but for stopping once it has handled ``stop_after`` messages
    (or when ``GIVE_UP_AFTER_SECONDS`` have passed, so a broken test fails instead of hanging)."""

    stop_after = 1
    handled = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type(self).handled = 0
        self._give_up_at = time.monotonic() + GIVE_UP_AFTER_SECONDS

    def emit_signals_from_message(self, msg: Any) -> None:
        try:
            super().emit_signals_from_message(msg)
        finally:
            type(self).handled += 1
            if type(self).handled >= self.stop_after:
                self._shut_down()

    def _add_message_monitoring(self, run_context: Any, message: Any, error: Any = None) -> None:
        super()._add_message_monitoring(run_context, message, error)
        if time.monotonic() > self._give_up_at:
            self._shut_down()


@pytest.fixture
def stopping_consumer(settings: Any, monkeypatch: pytest.MonkeyPatch) -> type[StoppingRedisConsumer]:
    """``EVENT_BUS_CONSUMER`` set to the stopping consumer, polling every second instead of every minute."""
    monkeypatch.setattr(redis_consumer, "CONSUMER_POLL_TIMEOUT", 1)
    settings.EVENT_BUS_CONSUMER = "tests.eventbus.conftest.StoppingRedisConsumer"
    StoppingRedisConsumer.stop_after = 1
    return StoppingRedisConsumer
