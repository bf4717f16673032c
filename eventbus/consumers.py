"""The change-log consumer that publishes Lyceum's content-changed events (registered in EventBusConfig.ready()).

Each official change-log entry becomes one ``CATALOG_CONTENT_CHANGED`` event, sent in log order. The signal
is sent unguarded (``send_robust=False``): openedx-events' producer hook puts it on the bus, and a failure
rolls the batch back with the consumer's cursor, so the batch is sent again on the next run. Events are
delivered at least once; each carries its change-log position for consumers to drop repeats.
"""

from __future__ import annotations

from django.conf import settings
from openedx_events.event_bus import get_producer

from course_metadata.changelog.feed import Change
from eventbus.producer import EventBusUnavailable, StrictRedisEventProducer
from eventbus.signals import CATALOG_CONTENT_CHANGED, CONTENT_CHANGED_EVENT_TYPE, CatalogContentChangeData

CONSUMER_NAME = "event_bus"


def bus_enabled() -> bool:
    """Whether some topic is configured to carry content-changed events."""
    topics = getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", {}).get(CONTENT_CHANGED_EVENT_TYPE, {})
    return any(topic.get("enabled") for topic in topics.values())


def content_change_data(change: Change) -> CatalogContentChangeData:
    return CatalogContentChangeData(
        object_type=change.object_type,
        action=change.action,
        key=change.key or "",
        uuid=str(change.uuid) if change.uuid else "",
        course_uuid=str(change.course_uuid) if change.course_uuid else "",
        position=str(change.position),
    )


def publish_changes(changes: list[Change]) -> None:
    """Send one event per change, in order; raise (and so keep the cursor) if any cannot reach the bus."""
    if bus_enabled() and not isinstance(get_producer(), StrictRedisEventProducer):
        # openedx-events falls back to a producer that drops everything when ours fails to load.
        raise EventBusUnavailable(
            "the event bus is enabled but its producer did not load (see the warning logged at start-up); "
            "check LYCEUM_EVENT_BUS_URL and EVENT_BUS_PRODUCER."
        )
    for change in changes:
        CATALOG_CONTENT_CHANGED.send_event(
            send_robust=False, time=change.timestamp, content=content_change_data(change)
        )
