"""A catalog edit's membership refresh is never lost: broker down, a task failing mid-way, retries exhausted (ADR 0074).

Celery runs as in production for the hand-off (not eager, a real socket that refuses connections) and eagerly
where the test needs the task's retries to run inline.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone

from catalog import tasks
from catalog.models import Catalog, CatalogMembership
from catalog.services import membership, requested
from catalog.services.catalogs import catalog_update
from catalog.services.requested import catalog_membership_requests_drain
from course_metadata.tasks import handoff
from settings import celery_app
from tests.catalog.conftest import make_course

pytestmark = pytest.mark.django_db

_real_bump = membership.catalogs_bump


def members(catalog: Catalog) -> set[str]:
    return set(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))


def marked(catalog: Catalog) -> bool:
    return Catalog.objects.get(pk=catalog.pk).membership_refresh_requested is not None


@pytest.fixture
def edx_catalog(make_catalog: Callable[..., Catalog], run_consumer: Callable[[], int]) -> Catalog:
    make_course(org_key="edX", number="A1", runs=[{}])
    make_course(org_key="MITx", number="M1", runs=[{}])
    run_consumer()
    catalog = make_catalog({"org": "edX", "content_type": "course"})
    assert members(catalog) == {"edX+A1"}
    return catalog


@contextmanager
def broker_down() -> Iterator[None]:
    """Celery as deployed (tasks go to a broker), with a broker address nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0")
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        assert handoff.wait_idle(30)
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def test_a_refreshed_catalog_is_no_longer_marked(edx_catalog: Catalog, commit: Callable[[], None]) -> None:
    catalog_update(catalog=edx_catalog, query={"org": "MITx", "content_type": "course"})
    assert marked(edx_catalog)  # recorded with the write, before anything is handed off
    commit()
    assert members(edx_catalog) == {"MITx+M1"}
    assert not marked(edx_catalog)


def test_a_refresh_lost_with_the_broker_is_redone_by_the_drain(
    edx_catalog: Catalog, commit: Callable[[], None]
) -> None:
    failed_before = handoff.hand_off_stats()["failed"]
    with broker_down():
        catalog_update(catalog=edx_catalog, query={"org": "MITx", "content_type": "course"})
        commit()
        assert handoff.wait_idle(30)
    assert handoff.hand_off_stats()["failed"] == failed_before + 1  # the publish really failed
    assert members(edx_catalog) == {"edX+A1"} and marked(edx_catalog)
    # Younger than the grace period: still the task's to do.
    assert catalog_membership_requests_drain(older_than=tasks.DRAIN_AFTER).refreshed == 0
    later = timezone.now() + tasks.DRAIN_AFTER + dt.timedelta(seconds=1)
    assert catalog_membership_requests_drain(older_than=tasks.DRAIN_AFTER, now=later).refreshed == 1
    assert members(edx_catalog) == {"MITx+M1"} and not marked(edx_catalog)


def test_the_periodic_task_drains_what_is_marked(
    edx_catalog: Catalog, commit: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    with broker_down():
        catalog_update(catalog=edx_catalog, query={"org": "MITx", "content_type": "course"})
        commit()
    monkeypatch.setattr(tasks, "DRAIN_AFTER", dt.timedelta(0))
    assert tasks.refresh_requested_catalog_memberships.apply().get() == {"refreshed": 1, "failed": 0}
    assert members(edx_catalog) == {"MITx+M1"} and not marked(edx_catalog)


@pytest.fixture
def retrying_inline() -> Iterator[None]:
    """Eager Celery whose failures are handled as a worker handles them (retried) instead of raised at the caller."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        celery_app.conf.task_eager_propagates = saved


def failing_bump(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """Make the rebuild fail inside its transaction, after it deleted and inserted members, ``failures`` times."""
    calls: list[int] = []
    real = membership.catalogs_bump

    def bump(catalog_ids: Any) -> int:
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("server closed the connection unexpectedly")
        return real(catalog_ids)

    monkeypatch.setattr(membership, "catalogs_bump", bump)
    return calls


def test_a_task_failing_mid_way_is_retried_and_the_catalog_ends_right(
    edx_catalog: Catalog, commit: Callable[[], None], monkeypatch: pytest.MonkeyPatch, retrying_inline: None
) -> None:
    calls = failing_bump(monkeypatch, failures=2)
    catalog_update(catalog=edx_catalog, query={"org": "MITx", "content_type": "course"})
    commit()  # the eager task fails twice and succeeds on its second retry
    assert len(calls) == 3
    assert members(edx_catalog) == {"MITx+M1"} and not marked(edx_catalog)


def test_a_task_out_of_retries_leaves_the_catalog_marked_for_the_drain(
    edx_catalog: Catalog, commit: Callable[[], None], monkeypatch: pytest.MonkeyPatch, retrying_inline: None
) -> None:
    calls = failing_bump(monkeypatch, failures=100)
    with broker_down():  # the edit itself commits whatever happens to its refresh
        catalog_update(catalog=edx_catalog, query={"org": "MITx", "content_type": "course"})
        commit()
    result = tasks.refresh_catalog_membership.apply(args=[edx_catalog.pk])
    assert result.failed() and isinstance(result.result, OperationalError)
    assert len(calls) == tasks.REFRESH_RETRY["max_retries"] + 1
    assert members(edx_catalog) == {"edX+A1"} and marked(edx_catalog)  # rolled back, nothing half-written
    report = catalog_membership_requests_drain(older_than=dt.timedelta(0))
    assert (report.refreshed, report.failed) == (0, 1)  # still failing: logged, still marked
    monkeypatch.setattr(membership, "catalogs_bump", _real_bump)
    assert catalog_membership_requests_drain(older_than=dt.timedelta(0)).refreshed == 1
    assert members(edx_catalog) == {"MITx+M1"} and not marked(edx_catalog)


def test_an_edit_during_a_rebuild_keeps_its_own_request(edx_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    Catalog.objects.filter(pk=edx_catalog.pk).update(membership_refresh_requested=timezone.now())
    real = membership.catalog_membership_rebuild

    def rebuild_while_edited(**kwargs: Any) -> Any:
        report = real(**kwargs)
        # Another edit commits while this rebuild runs: its request is newer than the one being answered.
        Catalog.objects.filter(pk=edx_catalog.pk).update(membership_refresh_requested=timezone.now())
        return report

    monkeypatch.setattr(requested, "catalog_membership_rebuild", rebuild_while_edited)
    requested.catalog_membership_refresh_requested(catalog_id=edx_catalog.pk)
    assert marked(edx_catalog)
