"""The bus consumer and producer when their real connections die: PostgreSQL terminated in the middle of
applying or publishing, Redis stopped between applying an event and acknowledging it or in the middle of a
batch. Nothing is lost, nothing takes effect twice."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.management import CommandError
from django.db import DatabaseError
from openedx_events.event_bus import get_producer

from course_metadata.changelog import consumers as changelog_consumers
from course_metadata.changelog.consumers import consume, consumer_position
from course_metadata.changelog.cursor import Position
from course_metadata.changelog.feed import change_log_page
from course_metadata.models import ChangeLogEntry, CourseRun
from eventbus import services
from eventbus.consumers import CONSUMER_NAME
from eventbus.models import ParkedEvent, StudioEventStamp
from eventbus.producer import EventBusUnavailable, StrictRedisEventProducer
from eventbus.signals import CONTENT_CHANGED_EVENT_TYPE
from tests.connection_loss import backend_pid, needs_postgresql, terminate_backend
from tests.eventbus.conftest import CONTENT_TOPIC, Bus
from tests.eventbus.test_consume_command import STUDIO_TOPIC, publish_from_studio
from tests.eventbus.test_consumer_failures import consume as consume_studio
from tests.eventbus.test_consumer_failures import pending
from tests.eventbus.test_content_events import drain, read_back
from tests.eventbus.test_studio_events import T0, catalog_data
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

# A bound on waiting for a Redis server to start or stop (never a synchronisation).
SERVER_WAIT_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of this test's own, on a free port, that the test may stop and start again.

    Its append-only file is written before each reply, so what Redis acknowledged survives a restart, as on
    a production Redis with persistence; ``save ''`` turns snapshots off.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        give_up = time.monotonic() + SERVER_WAIT_SECONDS
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < give_up, "redis-server did not start"
                time.sleep(0.02)  # polling an external process's readiness, bounded
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: Redis closes its clients and exits
            self.process.wait(SERVER_WAIT_SECONDS)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path, settings: Any) -> Iterator[tuple[RedisServer, Bus]]:
    """The bus on a Redis of the test's own (``bus`` of conftest, on a server that can be stopped)."""
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server to start")
    server = RedisServer(tmp_path)
    server.start()
    prefix = f"lyceum-test-{uuid.uuid4().hex[:12]}"
    settings.EVENT_BUS_REDIS_CONNECTION_URL = server.url
    settings.EVENT_BUS_TOPIC_PREFIX = prefix
    settings.EVENT_BUS_PRODUCER_CONFIG = {
        CONTENT_CHANGED_EVENT_TYPE: {CONTENT_TOPIC: {"event_key_field": "content.key", "enabled": True}}
    }
    get_producer.cache_clear()
    client = redis.Redis.from_url(server.url, socket_connect_timeout=1)
    try:
        yield server, Bus(prefix, client)
    finally:
        get_producer.cache_clear()
        client.close()
        server.stop()


@pytest.fixture
def studio_settings(settings: Any, stopping_consumer: Any) -> Any:
    settings.EVENT_BUS_STUDIO_TOPIC = STUDIO_TOPIC
    settings.EVENT_BUS_CONSUMER_RETRY_DELAYS = (0.01, 0.02, 0.04)
    settings.EVENT_BUS_CONSUMER_MAX_DELIVERIES = 100
    return stopping_consumer


def _run_entries(run: CourseRun) -> int:
    """Change-log entries of the run: one per transaction that changed it."""
    return ChangeLogEntry.objects.filter(object_type="courserun", object_id=run.pk).count()


# --- Studio's events in -------------------------------------------------------------------------------------


def test_a_studio_event_whose_database_connection_is_killed_while_applying_is_retried_and_applied_once(
    bus: Bus, studio_settings: Any, course_run: CourseRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    real_apply = services.course_run_apply_studio_catalog
    kills: list[int] = []

    def apply_on_a_dying_connection(**kwargs: Any) -> Any:
        if not kills:  # the stamp is locked; the run's write is next
            kills.append(backend_pid())
            terminate_backend(kills[0])
        return real_apply(**kwargs)

    monkeypatch.setattr(services, "course_run_apply_studio_catalog", apply_on_a_dying_connection)
    entries_before = _run_entries(course_run)
    publish_from_studio(catalog_data(course_run.key, name="After the failover"), T0)

    consume_studio(studio_settings, stop_after=1)

    assert len(kills) == 1
    course_run.refresh_from_db()
    assert course_run.title_override == "After the failover"
    assert StudioEventStamp.objects.get(course_run_key=course_run.key).event_time == T0
    assert _run_entries(course_run) == entries_before + 1  # the killed attempt left nothing behind
    assert pending(bus) == []  # acknowledged once applied
    assert not ParkedEvent.objects.exists()


def test_redis_stopping_between_applying_a_studio_event_and_acknowledging_it_loses_nothing_and_applies_once(
    redis_server: tuple[RedisServer, Bus],
    studio_settings: Any,
    course_run: CourseRun,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needs_postgresql()
    server, bus = redis_server
    real_apply = services.course_run_apply_studio_catalog

    def apply_then_lose_redis(**kwargs: Any) -> Any:
        result = real_apply(**kwargs)
        server.stop()  # the event is applied (it commits next); its acknowledgement will find no Redis
        return result

    monkeypatch.setattr(services, "course_run_apply_studio_catalog", apply_then_lose_redis)
    entries_before = _run_entries(course_run)
    publish_from_studio(catalog_data(course_run.key, name="Applied before Redis went"), T0)

    with pytest.raises(CommandError, match="stopped"):
        consume_studio(studio_settings, stop_after=1)  # the consumer exits; its process manager restarts it

    course_run.refresh_from_db()
    assert course_run.title_override == "Applied before Redis went"
    monkeypatch.setattr(services, "course_run_apply_studio_catalog", real_apply)
    server.start()
    assert len(pending(bus)) == 1  # never acknowledged: still owed after Redis's restart

    consume_studio(studio_settings, stop_after=1)  # the restarted consumer reads it again

    assert pending(bus) == []
    assert _run_entries(course_run) == entries_before + 1  # the redelivery was stale: applied once in effect
    assert not ParkedEvent.objects.exists()


# --- Lyceum's content-changed events out --------------------------------------------------------------------


def _logged_after(start: Any) -> list[str]:
    return [str(change.position) for change in change_log_page(after=start, limit=1000).changes]


def _course_waiting_in_the_log(monkeypatch: pytest.MonkeyPatch, key: str, number: str) -> tuple[Position, list[str]]:
    """A new organization, course and run whose change-log entries wait for the bus consumer: the hand-off
    after each commit is lost (a broker outage). The position before them, and theirs."""
    start = drain()
    monkeypatch.setattr(changelog_consumers, "request_processing", lambda: None)
    organization = OrganizationFactory.create(key=key)
    course = CourseFactory.create(partner=organization.partner, authoring_organization=organization, number=number)
    CourseRunFactory.create(course=course)
    return start, _logged_after(start)


def test_a_publishing_batch_whose_database_connection_is_killed_after_sending_is_sent_again_whole(
    bus: Bus, stopping_consumer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    start, logged = _course_waiting_in_the_log(monkeypatch, "Failover", "FO1")
    assert len(logged) >= 3

    real_send = StrictRedisEventProducer.send
    sent: list[int] = []

    def send_then_kill_the_database(self: StrictRedisEventProducer, **kwargs: Any) -> None:
        real_send(self, **kwargs)
        sent.append(1)
        if len(sent) == 2:  # two events are on the stream; the cursor has not moved
            terminate_backend(backend_pid())

    monkeypatch.setattr(StrictRedisEventProducer, "send", send_then_kill_the_database)
    with pytest.raises(DatabaseError):
        consume(CONSUMER_NAME)
    assert consumer_position(CONSUMER_NAME) == start
    on_stream_before = bus.length(CONTENT_TOPIC)
    assert on_stream_before == len(logged)  # sent in full; the commit of the cursor is what failed

    monkeypatch.setattr(StrictRedisEventProducer, "send", real_send)
    assert consume(CONSUMER_NAME) == len(logged)

    positions = [event["content"].position for event in read_back(stopping_consumer, bus.length(CONTENT_TOPIC))]
    assert positions == logged + logged  # at least once, in log order
    assert list(dict.fromkeys(positions)) == logged  # a subscriber that drops seen positions gets each once


def test_redis_stopping_in_the_middle_of_a_publishing_batch_keeps_the_cursor_and_the_batch_is_sent_after_restart(
    redis_server: tuple[RedisServer, Bus], stopping_consumer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    server, bus = redis_server
    start, logged = _course_waiting_in_the_log(monkeypatch, "Outage", "OU1")

    real_send = StrictRedisEventProducer.send
    sent: list[int] = []

    def send_then_stop_redis(self: StrictRedisEventProducer, **kwargs: Any) -> None:
        real_send(self, **kwargs)
        sent.append(1)
        if len(sent) == 1:
            server.stop()

    monkeypatch.setattr(StrictRedisEventProducer, "send", send_then_stop_redis)
    with pytest.raises(EventBusUnavailable):
        consume(CONSUMER_NAME)
    assert consumer_position(CONSUMER_NAME) == start

    server.start()
    monkeypatch.setattr(StrictRedisEventProducer, "send", real_send)
    assert consume(CONSUMER_NAME) == len(logged)

    positions = [event["content"].position for event in read_back(stopping_consumer, bus.length(CONTENT_TOPIC))]
    assert positions == logged[:1] + logged  # the one sent before Redis went, then the whole batch again
    assert list(dict.fromkeys(positions)) == logged
    assert changelog_consumers.consumer_position(CONSUMER_NAME) > start
