"""Stream trimming against the real Redis: only what every consumer group acknowledged is removed; a group
that lost entries (the ceiling was reached) or nears the ceiling is reported."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from eventbus.streams import lost_entries, stream_state, stream_trim
from eventbus.tasks import trim_event_bus_streams
from tests.eventbus.conftest import CONTENT_TOPIC, Bus
from tests.eventbus.test_consume_command import STUDIO_TOPIC, publish_from_studio
from tests.eventbus.test_studio_events import T0, catalog_data

pytestmark = pytest.mark.django_db


def add(bus: Bus, topic: str, count: int) -> list[Any]:
    return [bus.client.xadd(bus.stream(topic), {b"n": str(i).encode()}) for i in range(count)]


def entries(bus: Bus, stream: str) -> list[Any]:
    found: Any = bus.client.xrange(stream)
    return list(found)


def read(bus: Bus, topic: str, group: str, count: int, *, ack: int) -> None:
    """The group reads ``count`` entries and acknowledges the first ``ack`` of them."""
    stream = bus.stream(topic)
    response: Any = bus.client.xreadgroup(group, "c1", {stream: ">"}, count=count)
    [[_name, delivered]] = response
    if ack:
        bus.client.xack(stream, group, *[entry_id for entry_id, _fields in delivered[:ack]])


def test_trimming_removes_only_what_every_group_acknowledged(bus: Bus):
    stream = bus.stream(CONTENT_TOPIC)
    ids = add(bus, CONTENT_TOPIC, 10)
    bus.client.xgroup_create(stream, "slow", id="0")
    bus.client.xgroup_create(stream, "fast", id="0")
    read(bus, CONTENT_TOPIC, "slow", 6, ack=4)  # entries 5 and 6 delivered, not acknowledged
    read(bus, CONTENT_TOPIC, "fast", 8, ack=8)

    assert stream_trim(bus.client, stream).removed == 4
    assert [entry_id for entry_id, _fields in entries(bus, stream)] == ids[4:]
    assert stream_trim(bus.client, stream).removed == 0  # the rest is still needed by someone

    bus.client.xack(stream, "slow", ids[4], ids[5])
    assert stream_trim(bus.client, stream).removed == 2  # now both have everything up to the sixth
    state = stream_state(bus.client, stream, trimmed_here=True)
    assert state is not None
    assert [group.lost for group in state.groups] == ["", ""]
    assert state.problems() == []


def test_a_group_that_never_read_keeps_everything(bus: Bus):
    stream = bus.stream(CONTENT_TOPIC)
    add(bus, CONTENT_TOPIC, 5)
    bus.client.xgroup_create(stream, "new-subscriber", id="0")
    assert stream_trim(bus.client, stream).removed == 0
    assert bus.length(CONTENT_TOPIC) == 5


def test_with_no_group_nothing_is_owed_and_the_stream_is_emptied(bus: Bus):
    add(bus, CONTENT_TOPIC, 5)
    assert stream_trim(bus.client, bus.stream(CONTENT_TOPIC)).removed == 5
    assert bus.length(CONTENT_TOPIC) == 0


def test_beyond_the_ceiling_the_oldest_entries_go_and_the_groups_that_needed_them_are_recorded(bus: Bus, settings):
    settings.EVENT_BUS_REDIS_STREAM_MAX_LEN = 100
    settings.EVENT_BUS_CONTENT_TOPIC = CONTENT_TOPIC
    stream = bus.stream(CONTENT_TOPIC)
    ids = add(bus, CONTENT_TOPIC, 300)
    bus.client.xgroup_create(stream, "search", id="0")
    bus.client.xgroup_create(stream, "current", id="0")
    read(bus, CONTENT_TOPIC, "search", 50, ack=50)
    read(bus, CONTENT_TOPIC, "current", 300, ack=300)

    outcome = stream_trim(bus.client, stream)

    assert outcome.removed == 200
    assert [entry_id for entry_id, _fields in entries(bus, stream)] == ids[200:]
    assert list(outcome.lost) == ["search"]  # "current" had read them all
    state = stream_state(bus.client, stream, trimmed_here=True)
    assert state is not None
    search, current = sorted(state.groups, key=lambda group: group.name != "search")
    assert "removed unread at the ceiling of 100" in search.lost
    assert current.lost == ""
    with pytest.raises(CommandError, match="group search lost entries"):
        call_command("event_bus_status")
    assert stream_trim(bus.client, stream).lost == {}  # nothing more to lose; the record stays until cleared
    assert "search" in lost_entries(bus.client, stream)
    with pytest.raises(CommandError, match="near the ceiling"):  # its 100 unread are still at risk
        call_command("event_bus_status", "--clear-lost")
    assert lost_entries(bus.client, stream) == {}


def test_the_producer_does_not_trim_on_write(bus: Bus, settings):
    """edx-event-bus-redis's producer trims at each write to about 10,000, read or not; Lyceum's does not."""
    settings.EVENT_BUS_REDIS_STREAM_MAX_LEN = 100
    for i in range(250):
        publish_from_studio(catalog_data(f"course-v1:Big+B{i}+1T2030"), T0)
    assert bus.length(STUDIO_TOPIC) == 250


def test_a_loss_on_studios_stream_is_inferred_from_what_is_left(bus: Bus):
    """Studio's producer trims its stream by length; Lyceum's group there is checked against what is left."""
    stream = bus.stream(STUDIO_TOPIC)
    add(bus, STUDIO_TOPIC, 10)
    bus.client.xgroup_create(stream, "lyceum", id="0")
    bus.client.xgroup_create(stream, "caught-up", id="0")
    read(bus, STUDIO_TOPIC, "lyceum", 3, ack=3)
    read(bus, STUDIO_TOPIC, "caught-up", 10, ack=10)
    state = stream_state(bus.client, stream, trimmed_here=False)
    assert state is not None and state.problems() == []

    for i in range(20):
        bus.client.xadd(stream, {b"n": str(i).encode()}, maxlen=5, approximate=False)  # as Studio's producer
    read(bus, STUDIO_TOPIC, "caught-up", 20, ack=20)

    state = stream_state(bus.client, stream, trimmed_here=False)
    assert state is not None
    [problem] = state.problems()
    assert "group lyceum lost entries" in problem and "probably trimmed unread" in problem


def test_an_unacknowledged_entry_that_was_trimmed_is_lost_for_certain(bus: Bus):
    stream = bus.stream(STUDIO_TOPIC)
    add(bus, STUDIO_TOPIC, 5)
    bus.client.xgroup_create(stream, "lyceum", id="0")
    read(bus, STUDIO_TOPIC, "lyceum", 5, ack=2)
    bus.client.xtrim(stream, maxlen=1, approximate=False)
    state = stream_state(bus.client, stream, trimmed_here=False)
    assert state is not None
    [group] = state.groups
    assert "is no longer in the stream" in group.lost


def test_a_group_near_the_ceiling_is_reported_before_it_loses_anything(bus: Bus, settings):
    settings.EVENT_BUS_REDIS_STREAM_MAX_LEN = 100
    settings.EVENT_BUS_CONTENT_TOPIC = CONTENT_TOPIC
    stream = bus.stream(CONTENT_TOPIC)
    add(bus, CONTENT_TOPIC, 90)
    bus.client.xgroup_create(stream, "behind", id="0")
    bus.client.xgroup_create(stream, "current", id="$")
    state = stream_state(bus.client, stream, trimmed_here=True)
    assert state is not None
    [problem] = state.problems()
    assert "behind is 90 entries behind" in problem
    with pytest.raises(CommandError, match="near the ceiling"):
        call_command("event_bus_status")


def test_the_periodic_task_trims_and_logs_a_group_that_lost_entries(bus: Bus, settings, caplog):
    settings.EVENT_BUS_CONTENT_TOPIC = CONTENT_TOPIC
    settings.EVENT_BUS_STUDIO_TOPIC = STUDIO_TOPIC
    content = bus.stream(CONTENT_TOPIC)
    add(bus, CONTENT_TOPIC, 6)
    bus.client.xgroup_create(content, "search", id="0")
    read(bus, CONTENT_TOPIC, "search", 3, ack=3)
    studio = bus.stream(STUDIO_TOPIC)
    add(bus, STUDIO_TOPIC, 5)
    bus.client.xgroup_create(studio, "lyceum", id="0")
    bus.client.xtrim(studio, maxlen=2, approximate=False)  # Studio's producer trimmed past our group

    with caplog.at_level(logging.ERROR, logger="eventbus.tasks"):
        assert trim_event_bus_streams() == {content: 3}

    assert bus.length(CONTENT_TOPIC) == 3
    assert any("group lyceum lost entries" in record.getMessage() for record in caplog.records)


def test_without_a_bus_the_task_does_nothing(settings):
    settings.EVENT_BUS_REDIS_CONNECTION_URL = None
    assert trim_event_bus_streams() == {}


def test_the_consumer_says_at_start_that_its_group_lost_entries(bus: Bus, stopping_consumer, settings, caplog):
    settings.EVENT_BUS_STUDIO_TOPIC = STUDIO_TOPIC
    stream = bus.stream(STUDIO_TOPIC)
    add(bus, STUDIO_TOPIC, 10)
    bus.client.xgroup_create(stream, "lyceum", id="0")
    read(bus, STUDIO_TOPIC, "lyceum", 2, ack=2)
    bus.client.xtrim(stream, maxlen=3, approximate=False)  # Studio trimmed five entries Lyceum never got
    publish_from_studio(catalog_data("course-v1:Late+L1+1T2030"), T0)

    with caplog.at_level(logging.ERROR, logger="eventbus.management.commands.consume_events"):
        call_command("consume_events", "--consumer-name", "worker-1")  # (the three left are not events: parked)

    assert any("group lyceum lost entries" in record.getMessage() for record in caplog.records)
