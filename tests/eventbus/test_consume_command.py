"""``manage.py consume_events`` end to end: Studio's events written to Redis, read by the real consumer loop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openedx_events.content_authoring.signals import COURSE_CATALOG_INFO_CHANGED

from course_metadata.models import Course, CourseRun
from eventbus.models import StudioEventStamp
from eventbus.producer import create_producer
from tests.eventbus.conftest import Bus
from tests.eventbus.test_studio_events import START, T0, catalog_data

pytestmark = pytest.mark.django_db

STUDIO_TOPIC = "studio-catalog"


def publish_from_studio(data, at: dt.datetime) -> None:
    """What Studio's producer puts on the bus (openedx-events' encoding, edx-event-bus-redis's message)."""
    create_producer().send(
        signal=COURSE_CATALOG_INFO_CHANGED,
        topic=STUDIO_TOPIC,
        event_key_field="catalog_info.course_key",
        event_data={"catalog_info": data},
        event_metadata=COURSE_CATALOG_INFO_CHANGED.generate_signal_metadata(time=at),
    )


def test_studio_events_on_the_bus_update_and_create_runs_and_late_ones_change_nothing(
    bus: Bus, stopping_consumer, course_run, settings
):
    settings.EVENT_BUS_STUDIO_TOPIC = STUDIO_TOPIC
    new_key = "course-v1:Mars+GEO1+1T2027"
    publish_from_studio(catalog_data(course_run.key, name="Published in Studio"), T0)
    publish_from_studio(catalog_data(new_key, name="Martian Geology"), T0)
    # Delivered late: an earlier publish of the first run, which must not undo the later one.
    publish_from_studio(
        catalog_data(course_run.key, name="An older draft", start=START - dt.timedelta(days=60)),
        T0 - dt.timedelta(hours=1),
    )
    stopping_consumer.stop_after = 3

    call_command("consume_events", "--consumer-name", "test-1")

    assert stopping_consumer.handled == 3
    course_run.refresh_from_db()
    assert (course_run.title_override, course_run.start) == ("Published in Studio", START)
    created = CourseRun.objects.get(key=new_key)
    assert (created.title_override, created.course.key) == ("Martian Geology", "Mars+GEO1")
    assert Course.objects.get(key="Mars+GEO1").partner == course_run.course.partner
    assert StudioEventStamp.objects.get(course_run_key=course_run.key).event_time == T0
    # Everything was acknowledged: a restarted consumer of the group has nothing pending.
    assert bus.client.xpending(bus.stream(STUDIO_TOPIC), "lyceum")["pending"] == 0


def test_the_command_says_what_is_missing(settings):
    settings.EVENT_BUS_REDIS_CONNECTION_URL = None
    with pytest.raises(CommandError, match="LYCEUM_EVENT_BUS_URL"):
        call_command("consume_events")


def test_the_command_refuses_bad_extra_arguments(bus: Bus):
    with pytest.raises(CommandError, match="not JSON"):
        call_command("consume_events", "--extra", "{oops")
    with pytest.raises(CommandError, match="JSON object"):
        call_command("consume_events", "--extra", "[1]")


def test_the_blocking_read_ends_before_the_redis_client_gives_up(bus: Bus):
    """redis-py 8 gives every socket read 5 s; a longer XREADGROUP block failed each idle poll as an error."""
    from edx_event_bus_redis.internal import consumer as redis_consumer
    from openedx_events.event_bus import make_single_consumer

    consumer = make_single_consumer(topic=STUDIO_TOPIC, group_id="timeouts", consumer_name="t-1")
    try:
        pool = consumer.db.connection_pool
        connection = pool.get_connection()
        try:
            socket_timeout = connection.socket_timeout
        finally:
            pool.release(connection)
        if socket_timeout is not None:  # None: the client waits as long as Redis blocks
            assert socket_timeout > redis_consumer.CONSUMER_POLL_TIMEOUT
    finally:
        consumer.db.close()
