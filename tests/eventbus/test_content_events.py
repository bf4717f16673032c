"""Lyceum's content-changed events: from the change log to Redis Streams and back, at least once and in order."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import override_settings
from openedx_events.event_bus import get_producer, make_single_consumer

from course_metadata.changelog import consumers as changelog_consumers
from course_metadata.changelog.consumers import consume, consumer_position, register_consumer
from course_metadata.changelog.cursor import Position
from course_metadata.changelog.feed import Change, change_log_page
from course_metadata.models import CourseRun
from eventbus.consumers import CONSUMER_NAME
from eventbus.producer import EventBusUnavailable
from eventbus.signals import CATALOG_CONTENT_CHANGED, CONTENT_CHANGED_EVENT_TYPE
from tests.eventbus.conftest import CONTENT_TOPIC, Bus, StoppingRedisConsumer
from tests.factories import CourseFactory, CourseRunFactory, LearnerPathwayStepFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def drain() -> Position:
    """Move the bus consumer past everything logged so far, without a bus; return its position."""
    with override_settings(EVENT_BUS_PRODUCER_CONFIG={}):
        consume(CONSUMER_NAME)
    return consumer_position(CONSUMER_NAME)


def read_back(stopping_consumer: type[StoppingRedisConsumer], count: int) -> list[dict[str, Any]]:
    """What a consumer of the stream receives, through edx-event-bus-redis's own consumer loop."""
    received: list[dict[str, Any]] = []

    def collect(sender: Any, content: Any, metadata: Any, **kwargs: Any) -> None:
        received.append({"content": content, "metadata": metadata, "from_event_bus": kwargs["from_event_bus"]})

    stopping_consumer.stop_after = count
    CATALOG_CONTENT_CHANGED.connect(collect)
    try:
        make_single_consumer(
            topic=CONTENT_TOPIC, group_id="reader", consumer_name="reader-1", check_backlog=True
        ).consume_indefinitely()
    finally:
        CATALOG_CONTENT_CHANGED.disconnect(collect)
    return received


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_changes_reach_the_bus_on_commit_in_log_order_with_deletes(bus: Bus, stopping_consumer, commit):
    start = drain()
    organization = OrganizationFactory.create(key="BusU")
    course = CourseFactory.create(partner=organization.partner, authoring_organization=organization, number="BUS1")
    run = CourseRunFactory.create(course=course)
    commit()  # the on-commit hand-off runs the change-log consumers (Celery is eager in tests)
    course.title = "Renamed"
    course.save()
    commit()
    run_key, run_uuid = run.key, str(run.uuid)
    run.delete()
    commit()

    logged = change_log_page(after=start, limit=1000).changes
    assert consumer_position(CONSUMER_NAME) == logged[-1].position
    received = read_back(stopping_consumer, bus.length(CONTENT_TOPIC))

    assert [event["content"].position for event in received] == [str(change.position) for change in logged]
    # Read now, the log reports the run's earlier upsert as a delete too (it is gone); the bus had it as sent then.
    assert [(e["content"].object_type, e["content"].key) for e in received] == [
        (change.object_type, change.key) for change in logged
    ]
    run_events = [e["content"].action for e in received if e["content"].object_type == "courserun"]
    assert run_events[0] == "upsert" and run_events[-1] == "delete"
    deletes = [e["content"] for e in received if e["content"].action == "delete"]
    assert [(d.object_type, d.key, d.uuid) for d in deletes][-1] == ("courserun", run_key, run_uuid)
    assert ("course", "upsert", "BusU+BUS1") in [
        (e["content"].object_type, e["content"].action, e["content"].key) for e in received
    ]
    metadata = received[0]["metadata"]
    assert (metadata.event_type, metadata.source, metadata.time) == (
        CONTENT_CHANGED_EVENT_TYPE,
        "openedx/lyceum/web",
        logged[0].timestamp,
    )
    assert all(event["from_event_bus"] for event in received)
    assert not CourseRun.objects.filter(key=run_key).exists()


class WorkerDied(Exception):
    """Stands for the worker dying: its transaction, and so the cursor's move, never commits."""


def test_a_crash_after_sending_and_before_the_cursor_moves_sends_again_and_loses_nothing(bus: Bus, stopping_consumer):
    start = drain()
    organization = OrganizationFactory.create(key="Crash")
    course = CourseFactory.create(partner=organization.partner, authoring_organization=organization, number="CR1")
    run = CourseRunFactory.create(course=course)
    publisher = changelog_consumers._consumers[CONSUMER_NAME]

    def send_then_die(changes: list[Change]) -> None:
        publisher.handler(changes)  # the whole batch is on the stream now
        raise WorkerDied

    register_consumer(CONSUMER_NAME, send_then_die, batch_size=publisher.batch_size)
    try:
        with pytest.raises(WorkerDied):
            consume(CONSUMER_NAME)
    finally:
        changelog_consumers._consumers[CONSUMER_NAME] = publisher
    assert consumer_position(CONSUMER_NAME) == start  # the cursor did not move
    sent_before_the_crash = [str(change.position) for change in change_log_page(after=start, limit=1000).changes]
    assert bus.length(CONTENT_TOPIC) == len(sent_before_the_crash) >= 3

    run_key = run.key
    run.delete()  # written after the crash, sent with the retry
    logged = [str(change.position) for change in change_log_page(after=start, limit=1000).changes]
    assert consume(CONSUMER_NAME) == len(logged)
    assert consumer_position(CONSUMER_NAME) > start

    received = read_back(stopping_consumer, bus.length(CONTENT_TOPIC))
    positions = [event["content"].position for event in received]
    # At least once: the batch of the crashed attempt, then everything again from the cursor, in log order.
    assert positions == sent_before_the_crash + logged
    first_seen = list(dict.fromkeys(positions))  # what a subscriber that drops seen positions handles
    assert first_seen == logged
    run_actions = [
        event["content"].action
        for event in received[len(sent_before_the_crash) :]
        if (event["content"].object_type, event["content"].key) == ("courserun", run_key)
    ]
    assert run_actions[-1] == "delete"


def test_a_bus_that_cannot_be_reached_keeps_the_cursor_and_the_batch_is_sent_later(bus: Bus, settings, commit):
    drain()
    settings.EVENT_BUS_REDIS_CONNECTION_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    get_producer.cache_clear()
    OrganizationFactory.create(key="Later")
    before = consumer_position(CONSUMER_NAME)
    with pytest.raises(EventBusUnavailable, match="could not add"):
        consume(CONSUMER_NAME)
    assert consumer_position(CONSUMER_NAME) == before
    assert bus.length(CONTENT_TOPIC) == 0

    settings.EVENT_BUS_REDIS_CONNECTION_URL = bus_url(bus)
    get_producer.cache_clear()
    assert consume(CONSUMER_NAME) == 1
    assert consumer_position(CONSUMER_NAME) > before
    assert bus.length(CONTENT_TOPIC) == 1


def bus_url(bus: Bus) -> str:
    kwargs = bus.client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs['db']}"


def test_an_enabled_bus_whose_producer_did_not_load_refuses_to_move_on(bus: Bus, settings):
    drain()
    settings.EVENT_BUS_PRODUCER = "eventbus.producer.no_such_factory"
    get_producer.cache_clear()
    OrganizationFactory.create(key="Lost")
    before = consumer_position(CONSUMER_NAME)
    with pytest.warns(UserWarning, match="inactive"), pytest.raises(EventBusUnavailable, match="did not load"):
        consume(CONSUMER_NAME)
    assert consumer_position(CONSUMER_NAME) == before


def test_without_a_bus_the_events_are_in_process_signals_only(settings, commit):
    drain()
    received: list[str] = []
    CATALOG_CONTENT_CHANGED.connect(
        lambda sender, content, **kwargs: received.append(content.key), weak=False, dispatch_uid="t"
    )
    try:
        OrganizationFactory.create(key="Local")
        commit()
    finally:
        CATALOG_CONTENT_CHANGED.disconnect(dispatch_uid="t")
    assert received == ["Local"]


def test_the_settings_configure_the_event_type_that_is_sent():
    from django.conf import settings

    assert list(settings.EVENT_BUS_PRODUCER_CONFIG) == [CONTENT_CHANGED_EVENT_TYPE]
    assert list(settings.EVENT_BUS_PRODUCER_CONFIG[CONTENT_CHANGED_EVENT_TYPE]) == [settings.EVENT_BUS_CONTENT_TOPIC]


def test_learner_pathway_changes_reach_the_bus_as_the_pathway(bus: Bus, stopping_consumer, commit):
    """A pathway, a step edit and the pathway's deletion: three events, all of the pathway (ADR 0085)."""
    start = drain()
    step = LearnerPathwayStepFactory.create()
    pathway_uuid = str(step.pathway.uuid)
    commit()
    step.min_requirement = 2
    step.save()
    commit()
    step.pathway.delete()
    commit()

    logged = change_log_page(after=start, limit=1000).changes
    received = read_back(stopping_consumer, bus.length(CONTENT_TOPIC))
    pathway_events = [
        (e["content"].action, e["content"].uuid, e["content"].key)
        for e in received
        if e["content"].object_type == "learnerpathway"
    ]
    # Read back now, an upsert of a pathway that is gone says delete in the log; the bus kept what was sent.
    assert pathway_events == [("upsert", pathway_uuid, ""), ("upsert", pathway_uuid, ""), ("delete", pathway_uuid, "")]
    assert [event["content"].position for event in received] == [str(change.position) for change in logged]
