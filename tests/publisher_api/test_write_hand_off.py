"""A committed write is answered as a success whatever the broker does, and its work still gets done.

These tests run Celery as production does (not eager) against real sockets: a broker port that refuses
connections, a "broker" that accepts them and never answers, and then the real Redis, whose queue is
read to prove the task arrived.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from collections.abc import Iterator

import pytest
import redis
from django.contrib.auth.models import User
from django.db import connections
from rest_framework.test import APIClient

from catalog.services.catalogs import catalog_create
from course_metadata.changelog import consumers
from course_metadata.changelog.consumers import consume, register_consumer
from course_metadata.changelog.feed import Change
from course_metadata.models import Course
from course_metadata.tasks import handoff
from course_metadata.tasks.changelog import process_change_log
from settings import celery_app

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("LYCEUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
# Far longer than any write takes here, far shorter than "never": only a request that waits on the
# broker can miss it (a silent broker makes such a request hang for good).
ANSWER_WITHIN = 30
HAND_OFF_WITHIN = 30


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_broker() -> Iterator[str]:
    """A port that completes TCP handshakes (the kernel's backlog) and never sends a byte back."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()


@pytest.fixture
def queued() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.delete("celery")
    yield client
    client.delete("celery")


@pytest.fixture
def production_celery(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Celery as deployed: tasks go to a broker (the tests choose which) instead of running inline."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{_closed_port()}/0")
    _forget_broker_pools()
    try:
        yield
        assert handoff.wait_idle(HAND_OFF_WITHIN)
    finally:
        celery_app.conf.update(saved)
        _forget_broker_pools()


def _forget_broker_pools() -> None:
    """Celery caches its connection and producer pools per broker URL seen first; a changed URL needs new ones."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Change]]:
    changes: list[Change] = []
    # A copy of the registry for this test only: the probe is gone again when monkeypatch restores it.
    monkeypatch.setattr(consumers, "_consumers", dict(consumers._consumers))
    register_consumer("hand-off-probe", changes.extend, include_drafts=True)
    yield changes


def _patch_title(editor: User, course: Course, title: str) -> None:
    """PATCH from another thread, so a request stuck on the broker fails the test instead of hanging it."""
    statuses: list[int] = []

    def send() -> None:
        client = APIClient(raise_request_exception=False)  # a 500 is an answer the test reports
        client.force_authenticate(editor)
        try:
            response = client.patch(f"/api/v1/courses/{course.uuid}/", {"title": title}, format="json")
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    request = threading.Thread(target=send, daemon=True)
    request.start()
    request.join(ANSWER_WITHIN)
    assert not request.is_alive(), "the committed write is waiting on the broker"
    assert statuses == [200]


def _set_broker(url: str) -> None:
    celery_app.conf.update(broker_url=url)
    _forget_broker_pools()


@pytest.mark.parametrize("broker", ["refusing", "silent"])
def test_a_write_answers_while_the_broker_is_down_and_is_processed_later(
    editor: User,
    course: Course,
    production_celery: None,
    recorded: list[Change],
    silent_broker: str,
    broker: str,
) -> None:
    if broker == "silent":
        _set_broker(silent_broker)
    failed_before = handoff.hand_off_stats()["failed"]

    _patch_title(editor, course, "Written while the broker was down")

    draft = Course.objects.drafts().get(uuid=course.uuid)
    assert draft.title == "Written while the broker was down"
    assert handoff.wait_idle(HAND_OFF_WITHIN)
    assert handoff.hand_off_stats()["failed"] > failed_before  # the hand-off gave up; nothing was queued
    # The entry waits in the change log; the next consume (the periodic safety net's job) processes it.
    consume("hand-off-probe")
    assert ("course", draft.pk) in {(change.object_type, change.object_id) for change in recorded}


def test_once_the_broker_is_back_the_task_really_reaches_it(
    editor: User, course: Course, production_celery: None, queued: redis.Redis
) -> None:
    _patch_title(editor, course, "Broker still down")
    assert handoff.wait_idle(HAND_OFF_WITHIN)
    _set_broker(REDIS_URL)
    sent_before = handoff.hand_off_stats()["sent"]

    _patch_title(editor, course, "Broker is back")

    assert handoff.wait_idle(HAND_OFF_WITHIN)
    assert handoff.hand_off_stats()["sent"] == sent_before + 1
    messages = [json.loads(raw) for raw in queued.lrange("celery", 0, -1)]
    assert [message["headers"]["task"] for message in messages] == [process_change_log.name]


def test_a_catalog_edit_answers_while_the_broker_is_silent(production_celery: None, silent_broker: str) -> None:
    _set_broker(silent_broker)
    created: list[int] = []

    def create() -> None:
        try:
            created.append(catalog_create(title="Q", query={"org": "edX"}).pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=create, daemon=True)
    worker.start()
    worker.join(ANSWER_WITHIN)
    assert not worker.is_alive(), "the committed catalog is waiting on the broker"
    assert len(created) == 1


def test_warm_loads_the_broker_client_without_touching_the_network(production_celery: None, silent_broker: str) -> None:
    """gunicorn's post_worker_init calls warm(): it must not wait on a broker that does not answer."""
    _set_broker(silent_broker)
    warming = threading.Thread(target=handoff.warm, args=(celery_app,), daemon=True)
    warming.start()
    warming.join(ANSWER_WITHIN)
    assert not warming.is_alive()
    assert "kombu.transport.redis" in sys.modules
    assert handoff.hand_off_thread_alive()
