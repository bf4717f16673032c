"""The event bus's periodic work: trim Lyceum's stream past what every subscriber has acknowledged, and say
when a consumer group (a subscriber of Lyceum's stream, or Lyceum on Studio's) has lost entries or is about to."""

from __future__ import annotations

import logging

import redis
from celery import shared_task
from django.conf import settings
from edx_event_bus_redis.internal.config import get_full_topic

from dbkit.locks import single_flight
from eventbus.streams import stream_state, stream_trim

logger = logging.getLogger(__name__)


def bus_client() -> redis.Redis | None:
    url = getattr(settings, "EVENT_BUS_REDIS_CONNECTION_URL", None)
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10) if url else None


@shared_task(name="eventbus.tasks.trim_event_bus_streams", ignore_result=True)
def trim_event_bus_streams() -> dict[str, int] | None:
    """Trim the content-changed stream; log every group that lost entries or nears the ceiling.

    Returns entries removed per stream ({} without a bus), or None when another run holds the lock.
    """
    with single_flight("eventbus-trim-streams", expires_after=10 * 60) as acquired:
        if not acquired:
            logger.info("event bus: another trim is running; skipped")
            return None
        client = bus_client()
        if client is None:
            return {}
        try:
            content = get_full_topic(settings.EVENT_BUS_CONTENT_TOPIC)
            removed = {content: stream_trim(client, content).removed}
            for stream, trimmed_here in ((content, True), (get_full_topic(settings.EVENT_BUS_STUDIO_TOPIC), False)):
                state = stream_state(client, stream, trimmed_here=trimmed_here)
                for problem in state.problems() if state else []:
                    logger.error("event bus: %s", problem)
            return removed
        finally:
            client.close()
