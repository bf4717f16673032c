"""Celery tasks of the catalog app: thin wrappers that load and call a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.utils import timezone

from catalog.services.refresh import content_refresh_due
from catalog.services.requested import catalog_membership_refresh_requested, catalog_membership_requests_drain
from dbkit.locks import single_flight

# A failed refresh (database restarting, a lock timeout) is retried after about 10 s, 20 s, 40 s ... at most
# 10 min apart; past the last try the catalog is still marked and the periodic drain redoes it (ADR 0074).
REFRESH_RETRY: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}
# Requests younger than this are left to their own task (and its retries) before the drain takes them.
DRAIN_AFTER = dt.timedelta(minutes=2)


@shared_task(name="catalog.tasks.refresh_catalog_membership", ignore_result=True, **REFRESH_RETRY)
def refresh_catalog_membership(catalog_id: int) -> dict[str, int] | None:
    """Recompute one catalog's members after its query changed (the user meant the change: no guard)."""
    report = catalog_membership_refresh_requested(catalog_id=catalog_id)
    if report is None:
        return None
    return {"added": report.added, "removed": report.removed, "refreshed": report.refreshed}


@shared_task(name="catalog.tasks.refresh_requested_catalog_memberships", ignore_result=True)
def refresh_requested_catalog_memberships() -> dict[str, int] | None:
    """Run from CELERY_BEAT_SCHEDULE: redo the refreshes a lost hand-off or a failed task left marked.

    None when another run still holds the lock.
    """
    with single_flight("refresh_requested_catalog_memberships", expires_after=15 * 60) as acquired:
        if not acquired:
            return None
        report = catalog_membership_requests_drain(older_than=DRAIN_AFTER)
    return {"refreshed": report.refreshed, "failed": report.failed}


@shared_task(name="catalog.tasks.refresh_content_past_boundary", ignore_result=True)
def refresh_content_past_boundary() -> dict[str, int] | None:
    """Run from CELERY_BEAT_SCHEDULE: re-evaluate content whose availability or price changed with time.

    None when another run still holds the lock (two at once would evaluate the same content twice).
    """
    with single_flight("refresh_content_past_boundary", expires_after=30 * 60) as acquired:
        if not acquired:
            return None
        stats = content_refresh_due(now=timezone.now())
    return {"documents": stats.documents, "added": stats.added, "removed": stats.removed, "updated": stats.updated}
