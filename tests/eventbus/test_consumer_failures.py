"""A Studio event whose processing fails is never lost: retried, held while the failure lasts, parked when it
keeps failing, and replayable. End to end: the real Redis, the real consumer loop, ``consume_events``."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from course_metadata.models import CourseRun
from eventbus import services
from eventbus.models import ParkedEvent, ParkedEventStatus
from tests.eventbus.conftest import Bus
from tests.eventbus.test_consume_command import STUDIO_TOPIC, publish_from_studio
from tests.eventbus.test_studio_events import T0, catalog_data
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

GROUP = "lyceum"


class FailingService:
    """The catalog's Studio service, failing its first ``failures`` calls (or every call) with ``error``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, failures: int | None, error: Exception) -> None:
        self.calls = 0
        self.failures = failures
        self.error = error
        self.real = services.course_run_apply_studio_catalog
        monkeypatch.setattr(services, "course_run_apply_studio_catalog", self)

    def __call__(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.failures is None or self.calls <= self.failures:
            raise self.error
        return self.real(**kwargs)


@pytest.fixture
def studio(bus: Bus, stopping_consumer, settings):
    settings.EVENT_BUS_STUDIO_TOPIC = STUDIO_TOPIC
    settings.EVENT_BUS_CONSUMER_RETRY_DELAYS = (0.01, 0.02, 0.04)
    settings.EVENT_BUS_CONSUMER_MAX_DELIVERIES = 100
    return stopping_consumer


def consume(studio, stop_after: int) -> None:
    studio.stop_after = stop_after
    call_command("consume_events", "--consumer-name", "worker-1")


def pending(bus: Bus) -> list[dict[str, Any]]:
    return bus.client.xpending_range(bus.stream(STUDIO_TOPIC), GROUP, min="-", max="+", count=10)


def test_a_transient_failure_is_retried_with_backoff_and_then_applied(bus: Bus, studio, course_run, monkeypatch):
    failing = FailingService(monkeypatch, failures=2, error=OperationalError("could not obtain lock on row"))
    publish_from_studio(catalog_data(course_run.key, name="After two lock timeouts"), T0)

    consume(studio, stop_after=1)

    assert failing.calls == 3
    course_run.refresh_from_db()
    assert course_run.title_override == "After two lock timeouts"
    assert pending(bus) == []
    assert not ParkedEvent.objects.exists()


def test_a_failure_that_outlasts_the_retries_stays_pending_and_a_restarted_consumer_applies_it(
    bus: Bus, studio, course_run, monkeypatch
):
    """The database is "down" for longer than the in-process retries: the event is held, not acknowledged."""
    failing = FailingService(monkeypatch, failures=None, error=OperationalError("server closed the connection"))
    publish_from_studio(catalog_data(course_run.key, name="Survives the outage"), T0)

    consume(studio, stop_after=2)  # two rounds of retries, then the process "dies"

    assert failing.calls == 2 * 4  # each round: the first attempt and three retries
    [entry] = pending(bus)
    assert entry["times_delivered"] >= 2  # counted by Redis, so a restart does not reset it
    course_run.refresh_from_db()
    assert course_run.title_override != "Survives the outage"
    assert not ParkedEvent.objects.exists()

    failing.failures = 0  # the database is back
    consume(studio, stop_after=1)

    course_run.refresh_from_db()
    assert course_run.title_override == "Survives the outage"
    assert pending(bus) == []
    assert not ParkedEvent.objects.exists()


def test_a_transient_failure_that_keeps_coming_back_is_parked_after_max_deliveries(
    bus: Bus, studio, course_run, monkeypatch, settings
):
    settings.EVENT_BUS_CONSUMER_MAX_DELIVERIES = 2
    FailingService(monkeypatch, failures=None, error=OperationalError("canceling statement due to lock timeout"))
    publish_from_studio(catalog_data(course_run.key, name="Never applies"), T0)

    consume(studio, stop_after=2)

    [parked] = ParkedEvent.objects.all()
    assert parked.status == ParkedEventStatus.PARKED
    assert "lock timeout" in parked.error
    assert pending(bus) == []


def test_a_refused_event_is_parked_the_consumer_moves_on_and_a_replay_applies_it(
    bus: Bus, studio, course_run, settings
):
    """Two partners and none configured for Studio: a new course cannot be created, whatever the retries."""
    PartnerFactory.create(short_code="other", name="Other")
    poison_key = "course-v1:NewU+PHY9+1T2027"
    publish_from_studio(catalog_data(poison_key, name="Physics on Mars"), T0)
    publish_from_studio(catalog_data(course_run.key, name="Published after the poison"), T0)

    consume(studio, stop_after=2)

    course_run.refresh_from_db()
    assert course_run.title_override == "Published after the poison"  # the consumer moved on
    assert pending(bus) == []
    [parked] = ParkedEvent.objects.all()
    assert parked.event_type == "org.openedx.content_authoring.course.catalog_info.changed.v1"
    assert parked.attempts == 2  # a refusal gets one retry, for races
    assert "no partner" in parked.error
    assert parked.stream == bus.stream(STUDIO_TOPIC)
    assert not CourseRun.objects.filter(key=poison_key).exists()

    with pytest.raises(CommandError, match="still fail"):  # the cause is not fixed yet
        call_command("replay_parked_events", str(parked.pk))
    parked.refresh_from_db()
    assert (parked.status, parked.attempts) == (ParkedEventStatus.PARKED, 3)

    settings.EVENT_BUS_STUDIO_PARTNER = "other"  # the operator fixes the configuration
    call_command("replay_parked_events", "--all")

    parked.refresh_from_db()
    assert parked.status == ParkedEventStatus.REPLAYED
    assert CourseRun.objects.get(key=poison_key).title_override == "Physics on Mars"
    assert CourseRun.objects.get(key=poison_key).course.partner.short_code == "other"


def test_an_event_that_cannot_even_be_parked_is_held_not_acknowledged(bus: Bus, studio, settings, monkeypatch):
    """The database fails the event and then the parking too: nothing may be acknowledged."""
    from eventbus import redis_consumer

    def parking_fails(**kwargs: Any) -> None:
        raise OperationalError("the database went away")

    monkeypatch.setattr(redis_consumer, "parked_event_park", parking_fails)
    PartnerFactory.create(short_code="one", name="One")
    PartnerFactory.create(short_code="two", name="Two")  # so the event below is refused: no partner for it
    publish_from_studio(catalog_data("course-v1:NewU+PHY9+1T2027"), T0)

    consume(studio, stop_after=2)

    [entry] = pending(bus)
    assert entry["times_delivered"] >= 2
    assert not ParkedEvent.objects.exists()
    assert not CourseRun.objects.filter(key="course-v1:NewU+PHY9+1T2027").exists()


def test_an_unreadable_entry_is_parked_raw_and_the_next_event_is_applied(bus: Bus, studio, course_run):
    stream = bus.stream(STUDIO_TOPIC)
    junk_id: Any = bus.client.xadd(stream, {b"not": b"an event"})
    publish_from_studio(catalog_data(course_run.key, name="After the junk"), T0 + dt.timedelta(seconds=1))

    consume(studio, stop_after=1)

    course_run.refresh_from_db()
    assert course_run.title_override == "After the junk"
    [parked] = ParkedEvent.objects.all()
    assert (parked.message_id, parked.event_type) == (junk_id.decode(), "")
    assert parked.fields == {"not": "YW4gZXZlbnQ="}  # base64 of what was on the stream
    assert "metadata" in parked.error
    assert pending(bus) == []

    with pytest.raises(CommandError, match="still fail"):  # it never will: not an event
        call_command("replay_parked_events", str(parked.pk))
    call_command("replay_parked_events", str(parked.pk), "--discard")
    parked.refresh_from_db()
    assert parked.status == ParkedEventStatus.DISCARDED
    with pytest.raises(CommandError, match="still parked"):  # no longer offered for a replay
        call_command("replay_parked_events", str(parked.pk))


def test_replay_needs_ids_or_all_and_names_unknown_ids():
    with pytest.raises(CommandError, match="--all"):
        call_command("replay_parked_events")
    with pytest.raises(CommandError, match="12345"):
        call_command("replay_parked_events", "12345")


def test_a_pending_entry_trimmed_from_the_stream_is_reported_and_does_not_block_the_rest(
    bus: Bus, studio, course_run, caplog
):
    stream = bus.stream(STUDIO_TOPIC)
    bus.client.xgroup_create(stream, GROUP, id="0", mkstream=True)
    gone = bus.client.xadd(stream, {b"n": b"1"})
    bus.client.xreadgroup(GROUP, "worker-1", {stream: ">"}, count=1)  # delivered, never acknowledged
    bus.client.xdel(stream, gone)  # then trimmed away
    publish_from_studio(catalog_data(course_run.key, name="Behind a vanished entry"), T0)

    with caplog.at_level(logging.ERROR, logger="eventbus.redis_consumer"):
        consume(studio, stop_after=1)

    course_run.refresh_from_db()
    assert course_run.title_override == "Behind a vanished entry"
    assert pending(bus) == []
    assert any("trimmed from the stream before it was applied" in record.getMessage() for record in caplog.records)


def test_parked_events_are_listed_in_the_admin_and_replayed_from_it(admin_client, course_run):
    from edx_event_bus_redis.internal.message import RedisMessage
    from openedx_events.content_authoring.signals import COURSE_CATALOG_INFO_CHANGED
    from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes

    from eventbus.parking import parked_event_park
    from tests.course_metadata.test_admin import admin_url

    data = {"catalog_info": catalog_data(course_run.key, name="Replayed from the admin")}
    message = RedisMessage(
        topic="studio",
        event_data=serialize_event_data_to_bytes(data, COURSE_CATALOG_INFO_CHANGED),
        event_metadata=COURSE_CATALOG_INFO_CHANGED.generate_signal_metadata(time=T0),
        msg_id=b"1700000000000-0",
    )
    parked = parked_event_park(
        stream="studio",
        consumer_group=GROUP,
        message_id=b"1700000000000-0",
        fields=message.to_binary_dict(),
        error=ValueError("the database said no"),
        attempts=2,
        message=message,
    )
    url = admin_url(ParkedEvent, "changelist")

    listing = admin_client.get(url)
    assert listing.status_code == 200
    assert b"1700000000000-0" in listing.content

    response = admin_client.post(url, {"action": "replay", "_selected_action": [parked.pk]})

    assert response.status_code == 302
    parked.refresh_from_db()
    assert parked.status == ParkedEventStatus.REPLAYED
    course_run.refresh_from_db()
    assert course_run.title_override == "Replayed from the admin"
