"""If-Match under real concurrency: editors who read the same ETag and write at once, one wins (PostgreSQL).

Each editor runs in its own thread, with its own database connection, and all of them send their PATCH
together. Exactly one gets 200; the others get 412 and change nothing, whether or not the course already
had a draft (the first edit creates it, which is where a precondition checked on the official row let
every writer through).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from rest_framework.test import APIClient

from course_metadata.api.v1.views import courses as course_views
from course_metadata.models import Course, CourseRun
from course_metadata.services.drafts import course_ensure_draft

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WRITERS = 4
TIMEOUT = 60


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: there is no race to lose")


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _patch_together(user: User, url: str, etag: str, bodies: list[dict[str, str]]) -> list[int]:
    """Send one PATCH per body, each from its own thread and connection, released at the same moment."""
    start = threading.Barrier(len(bodies))
    statuses: list[int | None] = [None] * len(bodies)
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            client = _client(user)
            start.wait(timeout=TIMEOUT)
            statuses[index] = client.patch(url, bodies[index], format="json", HTTP_IF_MATCH=etag).status_code
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    assert not errors, errors
    return [status or 0 for status in statuses]


def _one_winner(statuses: list[int]) -> int:
    """The index of the only writer answered 200, after checking that every other one got 412."""
    assert sorted(statuses) == [200] + [412] * (WRITERS - 1), statuses
    return statuses.index(200)


@pytest.mark.parametrize("with_draft", [False, True], ids=["first-edit", "draft-exists"])
def test_concurrent_course_edits_with_one_etag_have_one_winner(editor: User, course: Course, with_draft: bool) -> None:
    if with_draft:
        course_ensure_draft(course=course)
    client = _client(editor)
    url = f"/api/v1/courses/{course.uuid}/"
    etag = client.get(url + "?editable=1")["ETag"]
    titles = [f"Title from writer {index}" for index in range(WRITERS)]

    statuses = _patch_together(editor, url, etag, [{"title": title} for title in titles])

    winner = _one_winner(statuses)
    assert Course.objects.editable().get(uuid=course.uuid).title == titles[winner]
    assert Course.objects.filter(uuid=course.uuid, draft=True).count() == 1


@pytest.mark.parametrize("with_draft", [False, True], ids=["first-edit", "draft-exists"])
def test_concurrent_run_edits_with_one_etag_have_one_winner(
    editor: User, course_run: CourseRun, with_draft: bool
) -> None:
    if with_draft:
        course_ensure_draft(course=course_run.course)
    client = _client(editor)
    url = f"/api/v1/course_runs/{course_run.key}/"
    etag = client.get(url + "?editable=1")["ETag"]
    titles = [f"Run title from writer {index}" for index in range(WRITERS)]

    statuses = _patch_together(editor, url, etag, [{"title_override": title} for title in titles])

    winner = _one_winner(statuses)
    assert CourseRun.objects.editable().get(uuid=course_run.uuid).title_override == titles[winner]
    assert CourseRun.objects.filter(uuid=course_run.uuid, draft=True).count() == 1
    official = CourseRun.objects.get(pk=course_run.pk)
    assert official.title_override == course_run.title_override  # edits land on the draft only


def test_a_writer_without_if_match_still_waits_for_the_lock_and_applies(editor: User, course: Course) -> None:
    """No precondition, no 412: concurrent unconditional edits all succeed, one after another."""
    url = f"/api/v1/courses/{course.uuid}/"
    titles = [f"Unconditional {index}" for index in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def write(title: str) -> None:
        try:
            client = _client(editor)
            start.wait(timeout=TIMEOUT)
            statuses.append(client.patch(url, {"title": title}, format="json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(title,)) for title in titles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert statuses == [200] * WRITERS
    assert Course.objects.filter(uuid=course.uuid, draft=True).count() == 1
    assert Course.objects.editable().get(uuid=course.uuid).title in titles


def test_an_editable_read_pairs_the_row_and_its_etag_from_one_snapshot(
    editor: User, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that commits while an editor's read is in progress never gives that editor a tag newer than its data.

    Otherwise the editor's next PATCH, built from the older data, would carry a matching tag and silently
    drop that write (the load benchmark lost one edit in 134 that way).
    """
    course_ensure_draft(course=course)
    url = f"/api/v1/courses/{course.uuid}/"
    real_validators = course_views.course_validators
    injected = threading.Event()

    def validators_after_a_concurrent_write(*args: Any, **kwargs: Any) -> Any:
        if not injected.is_set():
            injected.set()
            # The read has loaded the row; another editor's write commits before it computes the ETag.
            statuses = _patch_together(editor, url, "*", [{"full_description": "the other editor's text"}])
            assert statuses == [200]
        return real_validators(*args, **kwargs)

    monkeypatch.setattr(course_views, "course_validators", validators_after_a_concurrent_write)
    client = _client(editor)
    read = client.get(url + "?editable=1")
    monkeypatch.undo()
    assert injected.is_set()

    stale = client.patch(
        url, {"full_description": f"{read.data['full_description']} mine"}, format="json", HTTP_IF_MATCH=read["ETag"]
    )

    assert stale.status_code == 412
    assert Course.objects.editable().get(uuid=course.uuid).full_description == "the other editor's text"
