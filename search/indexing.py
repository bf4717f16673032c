"""Keeping the index current: the change-log consumer (``search_index``) and the full rebuild (``update_index``).

The consumer runs in the change-log consumer's transaction (course_metadata.changelog.consumers): with the
database backend the index writes commit with the cursor, so a crash replays the batch and nothing is
lost or done twice; with Elasticsearch the writes are idempotent upserts and deletes, so a replay is
harmless. What a change touches:

- a course or one of its runs: the course's document and its runs' documents (a run's document embeds its
  course), runs of it no longer indexable removed, and the programs that contain the course;
- a program, a person or a learner pathway: its own document (removed when it is gone or no longer
  indexable: an unpublished person, an inactive pathway). A pathway's steps and nodes are data of the
  pathway in the log, so their edits arrive as the pathway's entries.

Draft rows never reach here: the consumer reads official changes only.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from course_metadata.changelog.feed import Change
from course_metadata.models import Course, CourseRun, Program
from course_metadata.models.changes import ChangeAction
from search import documents, schema
from search.backends import get_backend
from search.backends.base import Document, IndexBuild, SearchBackend
from search.query.nodes import Or, Term

CONSUMER_NAME = "search_index"

logger = logging.getLogger(__name__)


def _course_ids_of(run_ids: set[int], course_uuids: set[str]) -> set[int]:
    found = set(CourseRun.objects.filter(pk__in=run_ids).values_list("course_id", flat=True)) if run_ids else set()
    if course_uuids:
        found |= set(Course.objects.official().filter(uuid__in=course_uuids).values_list("pk", flat=True))
    return found


def apply_changes(changes: Sequence[Change], backend: SearchBackend | None = None) -> tuple[int, int]:
    """Index what these official changes touch; returns (documents written, documents deleted)."""
    backend = backend or get_backend()
    course_ids: set[int] = set()
    run_ids: set[int] = set()
    course_uuids: set[str] = set()
    program_ids: set[int] = set()
    person_ids: set[int] = set()
    pathway_ids: set[int] = set()
    expected: set[str] = set()  # documents that should exist after this batch if still indexable
    deletes: set[str] = set()
    deleted_course_keys: set[str] = set()
    for change in changes:
        if change.draft or (change.uuid is None and change.action != ChangeAction.DELETE):
            continue
        kind = change.object_type
        doc_id = f"{kind}:{change.uuid}"
        deleted = change.action == ChangeAction.DELETE
        if kind == "course":
            if deleted:
                deletes.add(doc_id)
                deleted_course_keys.add(change.key)
            else:
                course_ids.add(change.object_id)
                expected.add(doc_id)
        elif kind == "courserun":
            if change.course_uuid is not None:
                course_uuids.add(str(change.course_uuid))
            if deleted:
                deletes.add(doc_id)
            else:
                run_ids.add(change.object_id)
                expected.add(doc_id)
        elif kind == "program":
            (deletes if deleted else expected).add(doc_id)
            if not deleted:
                program_ids.add(change.object_id)
        elif kind in (schema.PERSON, schema.LEARNER_PATHWAY):
            (deletes if deleted else expected).add(doc_id)
            if not deleted:
                (person_ids if kind == schema.PERSON else pathway_ids).add(change.object_id)
    course_ids |= _course_ids_of(run_ids, course_uuids)
    if course_ids:
        program_ids |= set(
            Program.courses.through.objects.filter(course_id__in=course_ids).values_list("program_id", flat=True)
        )
    built: list[Document] = []
    built += documents.documents_of("course", course_ids)
    built += documents.documents_of("program", program_ids)
    built += documents.documents_of("person", person_ids)
    built += documents.documents_of("learnerpathway", pathway_ids)
    built_ids = {document.id for document in built}
    deletes |= expected - built_ids
    # Runs indexed under a rebuilt (or deleted) course that it no longer has.
    course_keys = {d.body["key"] for d in built if d.content_type == schema.COURSE} | deleted_course_keys
    if course_keys:
        indexed = backend.matching_ids(
            Or(tuple(Term("course_key", key) for key in sorted(course_keys))), [schema.COURSE_RUN]
        )
        deletes |= {f"{ref.content_type}:{ref.uuid}" for ref in indexed} - built_ids
    deletes -= built_ids
    backend.index(built)
    backend.delete(deletes)
    return len(built), len(deletes)


def handle_changes(changes: list[Change]) -> None:
    written, deleted = apply_changes(changes)
    if written or deleted:
        logger.info("search index: %d documents written, %d deleted", written, deleted)


@dataclass
class RebuildReport:
    name: str
    documents: int
    live_before: int
    seconds: float
    dropped: list[str]

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


class ChangeTooLarge(RuntimeError):
    pass


class _Writer:
    """Adds built batches to the new index from a second thread (its own database connection), so building
    the next batch in Python overlaps writing this one in PostgreSQL. Inside a transaction (tests) a
    second connection could not see the new generation: then, and on other backends, batches are written
    in place."""

    def __init__(self, build: IndexBuild, backend: SearchBackend) -> None:
        self.build = build
        database = transaction.get_connection()
        # PostgreSQL only: SQLite has one writer at a time, and an in-memory test database is per connection.
        self.threaded = backend.name == "database" and database.vendor == "postgresql" and not database.in_atomic_block
        self.queue: queue.Queue[list[Document] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="update_index-writer", daemon=True)

    def __enter__(self) -> _Writer:
        if self.threaded:
            self.thread.start()
        return self

    def add(self, batch: list[Document]) -> None:
        if not self.threaded:
            self.build.add(batch)
            return
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    self.build.add(batch)
        except BaseException as error:  # handed to the building thread
            self.error = error
            while self.queue.get() is not None:
                pass
        finally:
            connections.close_all()

    def __exit__(self, *exc_info: object) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
            if self.error is not None and exc_info[0] is None:
                raise self.error


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Building a batch allocates hundreds of thousands of small dicts, lists and strings that live until the
    batch is written, and the cyclic garbage collector, triggered by allocations, scanned them over and over:
    about half of the Python time of a batch. Reference counting frees a batch once it is written, so the
    collector is paused for the batch; it runs as usual afterwards and takes any cycle left then."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The build a forked ``update_index`` worker writes into: set in the parent just before the pool forks.
_POOL_BUILD: IndexBuild | None = None


def _start_worker() -> None:
    """In a new worker process: drop any database connection inherited from the parent without closing it
    (closing would end the parent's session; using it would interleave two processes on one socket), so the
    worker opens its own on its first query."""
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None


def _build_and_add(task: tuple[str, list[int], datetime.datetime]) -> int:
    """In a worker process: build one batch of documents and write it into the new index (its own connection,
    its own transaction)."""
    kind, ids, now = task
    assert _POOL_BUILD is not None
    with _no_cycle_collection():
        _POOL_BUILD.add(documents.build(kind, ids, now=now))
    return len(ids)


def _fill_in_processes(
    build: IndexBuild,
    tasks: list[tuple[str, list[int], datetime.datetime]],
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Build and write the batches in ``workers`` forked processes, so documents are built on every core
    while PostgreSQL writes other batches. The parent closes its connections before forking (a child must
    not share a socket it inherited); each worker opens its own on its first batch."""
    global _POOL_BUILD
    connections.close_all()
    _POOL_BUILD = build
    # The objects the parent holds (modules, Django, the primary keys) move out of the collector's reach, so
    # no worker's collection walks them again (nor writes to the pages it shares with the parent).
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker) as pool:
            for done in pool.imap_unordered(_build_and_add, tasks, chunksize=1):
                if progress is not None:
                    progress(done)
            pool.close()
            pool.join()
    finally:
        gc.unfreeze()
        _POOL_BUILD = None


def _can_fork(backend: SearchBackend) -> bool:
    """Whether this rebuild may run in worker processes: the database backend on PostgreSQL outside a
    transaction (a forked worker could not see an uncommitted generation, and SQLite has one writer)."""
    database = transaction.get_connection()
    return (
        backend.name == "database"
        and database.vendor == "postgresql"
        and not database.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )


def rebuild_index(
    *,
    backend: SearchBackend | None = None,
    enforce_change_limit: bool = True,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> RebuildReport:
    """Build a fresh index from the database, check its size against the live one, swap, prune.

    ``workers``: processes building and writing documents (default ``SEARCH_INDEX_WORKERS``; always one where
    they could not write in parallel, see ``_can_fork``)."""
    backend = backend or get_backend()
    backend.ensure_ready()
    started = time.monotonic()
    now = timezone.now()
    sources = documents.all_sources()
    if on_total is not None:
        on_total(sum(len(ids) for _, ids in sources))
    processes = max(1, workers or int(settings.SEARCH_INDEX_WORKERS)) if _can_fork(backend) else 1
    build = backend.new_build()
    try:
        if processes > 1:
            tasks = [(kind, batch, now) for kind, ids in sources for batch in documents.batches(ids)]
            _fill_in_processes(build, tasks, processes, progress)
        else:
            with _Writer(build, backend) as writer:
                for kind, ids in sources:
                    for batch in documents.batches(ids):
                        with _no_cycle_collection():
                            built = documents.build(kind, batch, now=now)
                        writer.add(built)
                        if progress is not None:
                            progress(len(batch))
        count = build.count()
        live = backend.count()
        limit = float(settings.SEARCH_INDEX_CHANGE_LIMIT)
        if enforce_change_limit and live and abs(count - live) / live > limit:
            raise ChangeTooLarge(
                f"the new index holds {count} documents against {live} in the live one, a change of more than "
                f"{limit:.0%} (SEARCH_INDEX_CHANGE_LIMIT). Check the database, then run "
                "`manage.py update_index --disable-change-limit` if the change is expected."
            )
    except BaseException:
        build.discard()
        raise
    build.swap()
    dropped = backend.prune(int(settings.SEARCH_INDEX_KEEP))
    return RebuildReport(build.name, count, live, time.monotonic() - started, dropped)
