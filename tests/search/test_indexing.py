"""The index follows the change log: edits, publishing, unpublishing, hiding, deleting; drafts never show."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from course_metadata.changelog.consumers import consume, consumer_position
from course_metadata.models import Course, CourseRun, CourseRunStatus
from course_metadata.services.drafts import course_run_ensure_draft
from course_metadata.services.publishing import course_run_publish_draft
from search import documents, schema
from search.backends.database import DatabaseBackend, DatabaseIndexBuild
from search.indexing import CONSUMER_NAME, rebuild_index
from search.models import SearchGeneration
from search.query.nodes import Node, Term
from tests.course_metadata.tracking.conftest import commit  # noqa: F401  (re-exported fixture)
from tests.factories import (
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    PartnerFactory,
    PersonFactory,
    SeatFactory,
)

pytestmark = pytest.mark.usefixtures("only_search_consumer")


@pytest.fixture
def sync(commit: Callable[[], None]) -> Callable[[], int]:  # noqa: F811
    """Commit what the test wrote, then run the search consumer to the end of the log."""

    def run() -> int:
        commit()
        total = 0
        while True:
            done = consume(CONSUMER_NAME)
            total += done
            if not done:
                return total

    return run


@pytest.fixture
def world(backend: DatabaseBackend, sync: Callable[[], int]) -> dict[str, Any]:
    partner = PartnerFactory(short_code="edx")
    org = OrganizationFactory(partner=partner, key="HarvardX", name="Harvard")
    course = CourseFactory(partner=partner, authoring_organization=org, title="Quantum Mechanics", number="QM1")
    run = CourseRunFactory(course=course, term="1T2030", status=CourseRunStatus.PUBLISHED, hidden=False)
    SeatFactory(course_run=run)
    person = PersonFactory(partner=partner, given_name="Zephyrine", family_name="Quark")
    run.staff.add(person)
    sync()
    return {"course": course, "run": run, "person": person}


def found(backend: DatabaseBackend, node: Node, *types: str) -> set[str]:
    return {
        f"{ref.content_type}:{ref.key or ref.uuid}" for ref in backend.matching_ids(node, types or schema.CONTENT_TYPES)
    }


def test_official_content_is_indexed(backend: DatabaseBackend, world: dict[str, Any]) -> None:
    assert found(backend, Term(None, "quantum")) == {"course:HarvardX+QM1", "courserun:course-v1:HarvardX+QM1+1T2030"}
    assert found(backend, Term("full_name", "zephyrine")) == {f"person:{world['person'].uuid}"}
    assert found(backend, Term("staff", "quark"), "courserun") == {"courserun:course-v1:HarvardX+QM1+1T2030"}


def test_an_edit_is_searchable_after_the_consumer_runs(
    backend: DatabaseBackend, world: dict[str, Any], sync: Callable[[], int]
) -> None:
    course = world["course"]
    course.title = "Relativity for Everyone"
    course.save()
    sync()
    assert found(backend, Term(None, "relativity")) == {
        "course:HarvardX+QM1",
        "courserun:course-v1:HarvardX+QM1+1T2030",
    }
    assert found(backend, Term(None, "quantum")) == set()


def test_a_draft_only_edit_is_not_visible_until_published(
    backend: DatabaseBackend, world: dict[str, Any], sync: Callable[[], int]
) -> None:
    draft_run = course_run_ensure_draft(course_run=world["run"])
    draft_course = Course.objects.get(pk=draft_run.course_id)
    draft_course.title = "Secret Draft Title"
    draft_course.save()
    draft_run.status = CourseRunStatus.PUBLISHED
    draft_run.save()
    sync()
    assert found(backend, Term(None, "secret")) == set()
    assert backend.count() == 3  # the course, its run and the person; no draft rows

    course_run_publish_draft(course_run=draft_run)
    sync()
    assert found(backend, Term(None, "secret")) == {"course:HarvardX+QM1", "courserun:course-v1:HarvardX+QM1+1T2030"}
    assert backend.count() == 3


def test_unpublish_and_hide_change_the_flags_the_api_filters_on(
    backend: DatabaseBackend, world: dict[str, Any], sync: Callable[[], int]
) -> None:
    run = world["run"]
    run_id = "courserun:course-v1:HarvardX+QM1+1T2030"
    assert found(backend, Term("published", "true"), "courserun") == {run_id}
    run.status = CourseRunStatus.UNPUBLISHED
    run.save()
    sync()
    assert found(backend, Term("published", "true"), "courserun") == set()
    assert found(backend, Term("published", "false"), "courserun") == {run_id}
    run.hidden = True
    run.save()
    sync()
    assert found(backend, Term("hidden", "true"), "courserun") == {run_id}


def test_a_deleted_run_disappears(backend: DatabaseBackend, world: dict[str, Any], sync: Callable[[], int]) -> None:
    CourseRun.objects.filter(pk=world["run"].pk).delete()
    sync()
    assert found(backend, Term(None, "quantum")) == {"course:HarvardX+QM1"}


def test_a_failed_batch_is_retried_from_the_cursor(
    backend: DatabaseBackend,
    world: dict[str, Any],
    sync: Callable[[], int],
    monkeypatch: pytest.MonkeyPatch,
    commit: Callable[[], None],  # noqa: F811
) -> None:
    course = world["course"]
    before = consumer_position(CONSUMER_NAME)

    def broken(*args: Any) -> None:
        raise RuntimeError("index down")

    monkeypatch.setattr(DatabaseBackend, "index", broken)
    course.title = "Thermodynamics"
    course.save()
    commit()  # the on-commit change-log task runs the consumer, which fails and is logged
    with pytest.raises(RuntimeError):
        consume(CONSUMER_NAME)
    assert consumer_position(CONSUMER_NAME) == before
    assert found(backend, Term(None, "thermodynamics"), "course") == set()
    monkeypatch.undo()
    sync()
    assert found(backend, Term(None, "thermodynamics"), "course") == {"course:HarvardX+QM1"}


def test_update_index_rebuilds_guards_the_count_and_swaps(backend: DatabaseBackend, world: dict[str, Any]) -> None:
    call_command("update_index", "--no-progress")
    assert backend.count() == 3
    other = CourseFactory(partner=world["course"].partner, title="Astronomy")
    CourseRunFactory(course=other)
    CourseFactory(partner=world["course"].partner, title="Botany")
    with pytest.raises(CommandError, match="disable-change-limit"):
        call_command("update_index", "--no-progress")
    assert backend.count() == 3
    assert found(backend, Term(None, "astronomy")) == set()
    call_command("update_index", "--no-progress", "--disable-change-limit")
    assert backend.count() == 6
    assert found(backend, Term(None, "astronomy"), "course") == {f"course:{other.key}"}


@pytest.mark.django_db(transaction=True)
def test_update_index_writes_from_a_second_connection_on_postgresql(
    backend: DatabaseBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction (as in production) batches are written by a writer thread on PostgreSQL; a failed
    write stops the rebuild with its error and leaves the live index as it was."""
    if connection.vendor != "postgresql":
        pytest.skip("the writer thread is PostgreSQL only")
    partner = PartnerFactory(short_code="edx")
    for title in ("Thermodynamics", "Topology", "Tectonics"):
        CourseRunFactory(course=CourseFactory(partner=partner, title=title), status=CourseRunStatus.PUBLISHED)
    batches = documents.batches
    monkeypatch.setattr(documents, "batches", lambda ids: batches(ids, 1))  # several batches through the queue
    threads: set[str] = set()
    add = DatabaseIndexBuild.add

    def watched(build: DatabaseIndexBuild, batch: Any) -> None:
        threads.add(threading.current_thread().name)
        add(build, batch)

    monkeypatch.setattr(DatabaseIndexBuild, "add", watched)
    report = rebuild_index(backend=backend, enforce_change_limit=False, workers=1)
    assert threads == {"update_index-writer"}
    assert report.documents == backend.count() == 6
    assert found(backend, Term("title", "topology"), "course") == {f"course:{Course.objects.get(title='Topology').key}"}

    def failing(build: DatabaseIndexBuild, batch: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(DatabaseIndexBuild, "add", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        rebuild_index(backend=backend, enforce_change_limit=False, workers=1)
    assert backend.count() == 6
    assert not SearchGeneration.objects.filter(state=SearchGeneration.State.BUILDING).exists()


@pytest.mark.django_db(transaction=True)
def test_update_index_builds_in_worker_processes_on_postgresql(
    backend: DatabaseBackend, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Outside a transaction on PostgreSQL, batches are built and written by forked worker processes (each
    with its own connection); the progress counts every object; a worker's error stops the rebuild with that
    error and leaves the live index as it was."""
    if connection.vendor != "postgresql":
        pytest.skip("worker processes write to PostgreSQL only")
    partner = PartnerFactory(short_code="edx")
    for title in ("Thermodynamics", "Topology", "Tectonics"):
        CourseRunFactory(course=CourseFactory(partner=partner, title=title), status=CourseRunStatus.PUBLISHED)
    batches = documents.batches
    monkeypatch.setattr(documents, "batches", lambda ids: batches(ids, 1))
    add = DatabaseIndexBuild.add

    def watched(build: DatabaseIndexBuild, batch: Any) -> None:
        (tmp_path / f"{os.getpid()}-{len(list(tmp_path.iterdir()))}").write_text(str(len(batch)))
        add(build, batch)

    monkeypatch.setattr(DatabaseIndexBuild, "add", watched)
    progressed: list[int] = []
    report = rebuild_index(backend=backend, enforce_change_limit=False, workers=2, progress=progressed.append)
    writers = {int(path.name.split("-")[0]) for path in tmp_path.iterdir()}
    assert writers and os.getpid() not in writers
    assert sum(progressed) == 3  # three courses, one per batch
    assert report.documents == backend.count() == 6
    assert found(backend, Term("title", "tectonics"), "course") == {
        f"course:{Course.objects.get(title='Tectonics').key}"
    }

    def failing(build: DatabaseIndexBuild, batch: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(DatabaseIndexBuild, "add", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        rebuild_index(backend=backend, enforce_change_limit=False, workers=2)
    assert backend.count() == 6
    assert not SearchGeneration.objects.filter(state=SearchGeneration.State.BUILDING).exists()
