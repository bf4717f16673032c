"""dbkit.locks.single_flight: one holder at a time, across connections (PostgreSQL) or processes (cache).

The holders here are real: other threads with their own database connections, and another process that is
killed while it holds the lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection, connections

from dbkit.locks import KEEPALIVE_IDLE_SECONDS, cache_key, lock_id, single_flight

pytestmark = pytest.mark.django_db

# A thread or process that has not done its part by then has failed (a guard against hanging, not a timing).
GIVE_UP_AFTER_SECONDS = 30


def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")


def test_second_holder_is_refused_while_the_first_holds_it() -> None:
    if connection.vendor == "postgresql":
        other = connection.copy()  # another session, as another worker would have
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id("job")])
            with single_flight("job") as acquired:
                assert acquired is False
            with single_flight("another job") as acquired:
                assert acquired is True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id("job")])
        finally:
            other.close()
    else:
        with single_flight("job") as first:
            assert first is True
            with single_flight("job") as second:
                assert second is False
    with single_flight("job") as again:
        assert again is True  # released at the end of the block


@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_one_holds_and_the_other_skips_at_once() -> None:
    """Two workers that reach the lock together: exactly one gets it, the other is answered without waiting."""
    start = threading.Barrier(2)
    holding, skipped, release = threading.Event(), threading.Event(), threading.Event()
    answers: dict[str, bool] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            start.wait(timeout=GIVE_UP_AFTER_SECONDS)
            with single_flight("concurrent job") as acquired:
                answers[name] = acquired
                if acquired:
                    holding.set()
                    release.wait(timeout=GIVE_UP_AFTER_SECONDS)
                else:
                    skipped.set()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    try:
        # The second is answered while the first still holds the lock: it does not wait for it.
        assert holding.wait(timeout=GIVE_UP_AFTER_SECONDS)
        assert skipped.wait(timeout=GIVE_UP_AFTER_SECONDS)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=GIVE_UP_AFTER_SECONDS)
    assert errors == []
    assert sorted(answers.values()) == [False, True]
    with single_flight("concurrent job") as again:
        assert again is True


HOLDER = """
import sys, time
import psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as holder:
    holder.execute("SELECT pg_advisory_lock(%s)", [int(sys.argv[2])])
    print("holding", flush=True)
    time.sleep(120)
"""


def _conninfo() -> str:
    settings = connection.settings_dict
    parts = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"],
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def test_a_lock_held_by_a_worker_that_is_killed_is_free_again() -> None:
    postgresql_only()
    environment = {**os.environ, "PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}
    worker = subprocess.Popen(
        [sys.executable, "-c", HOLDER, _conninfo(), str(lock_id("crashing job"))],
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "holding"
        with single_flight("crashing job") as acquired:
            assert acquired is False
    finally:
        worker.kill()  # SIGKILL: no unlock, no orderly close
        worker.wait(timeout=GIVE_UP_AFTER_SECONDS)
    give_up_at = time.monotonic() + GIVE_UP_AFTER_SECONDS
    while True:
        with single_flight("crashing job") as acquired:
            if acquired:
                break
        assert time.monotonic() < give_up_at, "the killed worker's lock was never released"
        time.sleep(0.05)


def test_the_holder_asks_the_server_to_notice_a_vanished_host() -> None:
    """Without it a host that disappears keeps its session, and so the lock, for the OS's keepalive time."""
    postgresql_only()

    def idle() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('tcp_keepalives_idle')")
            return str(cursor.fetchone()[0])

    with single_flight("kept-alive job") as acquired:
        assert acquired
        host = str(connection.settings_dict["HOST"] or "")
        if not host or host.startswith("/"):
            pytest.skip("keepalives are a TCP matter; this test database is on a Unix socket")
        assert idle() == str(KEEPALIVE_IDLE_SECONDS)


@pytest.fixture
def cache_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """single_flight as it runs on SQLite (a cache lock), whichever database the suite runs on."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    yield
    cache.delete(cache_key("cached job"))


def test_a_cache_lock_left_by_a_crashed_holder_expires(cache_path: None) -> None:
    cache.add(cache_key("cached job"), "a worker that died", 1)  # what a holder that never reached `finally` leaves
    with single_flight("cached job") as acquired:
        assert acquired is False
    time.sleep(1.2)
    with single_flight("cached job", expires_after=60) as acquired:
        assert acquired is True
        with single_flight("cached job") as second:
            assert second is False
    with single_flight("cached job") as again:
        assert again is True  # the holder removed its own entry


def test_a_cache_holder_whose_lock_expired_does_not_release_the_next_holders(cache_path: None) -> None:
    with single_flight("cached job", expires_after=1) as first:
        assert first is True
        time.sleep(1.2)  # the holder overran its expiry, and another worker took the lock
        assert cache.add(cache_key("cached job"), "the next worker", 60)
    assert cache.get(cache_key("cached job")) == "the next worker"
