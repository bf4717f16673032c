"""Celery tasks of the catalog app: thin wrappers that load and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from catalog.models import Catalog
from catalog.services.membership import catalog_membership_rebuild
from catalog.services.refresh import content_refresh_due
from dbkit.locks import single_flight


@shared_task(name="catalog.tasks.refresh_catalog_membership", ignore_result=True)
def refresh_catalog_membership(catalog_id: int) -> dict[str, int] | None:
    """Recompute one catalog's members after its query changed (the user meant the change: no guard)."""
    catalog = Catalog.objects.filter(pk=catalog_id).first()
    if catalog is None:
        return None
    report = catalog_membership_rebuild(catalog=catalog, force=True)
    return {"added": report.added, "removed": report.removed, "refreshed": report.refreshed}


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
