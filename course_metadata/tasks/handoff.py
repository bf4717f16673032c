"""Handing a task to the broker after a commit, without ever failing or stalling the request that committed.

Once a write has committed, its answer is a success whatever happens to the broker. Publishing inline from
an on-commit callback broke that: with Redis unreachable kombu retried the connection for several seconds
per publish (13.6 s and then a 500 for a PATCH that had committed), and the first publish of each worker
process paid for importing the broker client. So a request only records that a task is wanted; one daemon
thread per process publishes it, giving up at the first failure (no retry loop, short socket timeouts).
What it could not publish is not lost: the change log keeps the entries and the periodic ``drain-change-log``
task processes them (see docs/decisions/0071-post-commit-hand-off.rst).

Identical requests still waiting are coalesced: the change-log task takes no arguments and processes
everything new, so a burst of writes sends it once.

With ``task_always_eager`` (tests, ``make run``) there is no broker: the task runs inline, as ``delay`` does,
and its failure is logged, not raised.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any

from celery import Celery, Task
from kombu import Connection

logger = logging.getLogger(__name__)

# Options of the hand-off thread's own broker connection (the workers' connections keep Celery's defaults).
# kombu retries a refused connection for about 6 s unless ``max_retries`` is 0; the socket timeouts bound a
# broker host that drops packets instead of refusing them.
PUBLISH_TRANSPORT_OPTIONS: dict[str, Any] = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}
PUBLISH_CONNECT_TIMEOUT = 2
# How long a worker process that is exiting waits for hand-offs still queued.
EXIT_GRACE_SECONDS = 2.0


class _HandOff:
    """The per-process queue of wanted tasks and the thread that publishes them."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.condition = threading.Condition()
        self.pending: dict[tuple[str, tuple[Any, ...]], Task] = {}
        self.busy = False
        self.thread: threading.Thread | None = None
        self.connection: Connection | None = None
        self.connection_url: str | None = None
        self.sent = 0
        self.failed = 0

    def submit(self, task: Task, args: tuple[Any, ...]) -> None:
        with self.condition:
            self.pending.setdefault((task.name, args), task)
            self.start()
            self.condition.notify_all()

    def start(self) -> None:
        with self.condition:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="lyceum-task-hand-off", daemon=True)
                self.thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every task submitted so far has been published or given up on, within ``timeout``."""
        with self.condition:
            return self.condition.wait_for(lambda: not self.pending and not self.busy, timeout)

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.pending:
                    self.busy = False
                    self.condition.notify_all()
                    self.condition.wait()
                batch, self.pending, self.busy = self.pending, {}, True
            for (_, args), task in batch.items():
                self._publish(task, args)

    def _publish(self, task: Task, args: tuple[Any, ...]) -> None:
        try:
            task.apply_async(args, connection=self._connection(task.app), retry=False)
        except Exception:
            self.failed += 1
            self._drop_connection()
            logger.warning(
                "could not hand task %s%r to the broker; the periodic safety net will pick its work up",
                task.name,
                args,
                exc_info=True,
            )
        else:
            self.sent += 1

    def _connection(self, app: Celery) -> Connection:
        url = app.conf.broker_write_url
        if self.connection is None or self.connection_url != url:
            self._drop_connection()
            self.connection = app.connection_for_write(
                url, connect_timeout=PUBLISH_CONNECT_TIMEOUT, transport_options=PUBLISH_TRANSPORT_OPTIONS
            )
            self.connection_url = url
        return self.connection

    def _drop_connection(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.release()
            except Exception:
                logger.debug("releasing a broken broker connection failed", exc_info=True)


_state_lock = threading.Lock()
_state: _HandOff | None = None


def _current() -> _HandOff:
    """This process's hand-off; a process forked from one that had a thread starts afresh (threads do not fork)."""
    global _state
    with _state_lock:
        if _state is None or _state.pid != os.getpid():
            _state = _HandOff()
            atexit.register(_state.wait_idle, EXIT_GRACE_SECONDS)
        return _state


def hand_off(task: Task, *args: Any) -> None:
    """Ask for ``task(*args)`` to run on a worker; never raises and never waits for the broker."""
    if task.app.conf.task_always_eager:
        # Inline (tests, ``make run``): the task's failure is this call's, after the commit. It is logged and
        # left to the safety net like a failed hand-off (ADR 0135), never raised into the committed write.
        try:
            task.delay(*args)
        except Exception:
            logger.exception(
                "task %s%r failed inline after a commit; the periodic safety net will redo it", task.name, args
            )
        return
    try:
        _current().submit(task, args)
    except Exception:
        logger.exception(
            "could not queue task %s%r for hand-off; the periodic safety net will pick it up", task.name, args
        )


def wait_idle(timeout: float) -> bool:
    """Wait until this process has nothing left to hand off (for tests and orderly shutdown)."""
    return _current().wait_idle(timeout)


def hand_off_stats() -> dict[str, int]:
    state = _current()
    return {"sent": state.sent, "failed": state.failed}


def warm(app: Celery) -> None:
    """Load the broker client and start the hand-off thread now, before the process serves requests.

    Importing kombu's transport and the broker library is slow on a busy machine (about 12 s was seen);
    gunicorn calls this from ``post_worker_init`` so no request waits for it.
    """
    if app.conf.task_always_eager:
        return
    connection = app.connection_for_write(transport_options=PUBLISH_TRANSPORT_OPTIONS)
    try:
        connection.transport  # noqa: B018  (instantiating the transport imports the broker client; no network)
    finally:
        connection.release()
    import course_metadata.tasks.changelog  # noqa: F401  (the task the first write hands off)

    _current().start()


def hand_off_thread_alive() -> bool:
    thread = _current().thread
    return thread is not None and thread.is_alive()
