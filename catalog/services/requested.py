"""Membership refreshes asked for by catalog edits: done once, and never lost (ADR 0074).

A catalog edit that changes the query marks the catalog (``membership_refresh_requested``) in its own
transaction and hands ``refresh_catalog_membership`` to the broker after commit. The task, retried with
backoff when it fails, clears the mark once a rebuild that read the catalog after the mark succeeded; a
newer mark (an edit during the rebuild) stays. Whatever the hand-off or the task could not do, the periodic
``refresh_requested_catalog_memberships`` finds still marked and redoes.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone

from catalog.models import Catalog
from catalog.services.membership import RebuildReport, catalog_membership_rebuild

logger = logging.getLogger(__name__)


def catalog_membership_refresh_requested(*, catalog_id: int) -> RebuildReport | None:
    """Rebuild the catalog's members (no swing guard: the user meant the change) and clear the request it answered.

    Raises what the rebuild raises, leaving the request marked; None when the catalog is gone.
    """
    catalog = Catalog.objects.filter(pk=catalog_id).first()
    if catalog is None:
        return None
    requested = catalog.membership_refresh_requested
    report = catalog_membership_rebuild(catalog=catalog, force=True)
    if requested is not None:
        # Compare-and-clear: a request made after this catalog row was read is left for the next run.
        Catalog.objects.filter(pk=catalog.pk, membership_refresh_requested=requested).update(
            membership_refresh_requested=None
        )
    return report


@dataclass
class DrainReport:
    refreshed: int = 0
    failed: int = 0


def catalog_membership_requests_drain(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> DrainReport:
    """Redo the requested refreshes marked before ``now - older_than`` (younger ones are still the task's).

    One catalog failing is logged and left marked; the others are still refreshed.
    """
    cutoff = (now or timezone.now()) - older_than
    due = (
        Catalog.objects.filter(membership_refresh_requested__lte=cutoff)
        .order_by("membership_refresh_requested", "pk")
        .values_list("pk", flat=True)
    )
    report = DrainReport()
    for catalog_id in list(due):
        try:
            catalog_membership_refresh_requested(catalog_id=catalog_id)
        except Exception:
            report.failed += 1
            logger.exception(
                "refreshing the membership of catalog %s failed; it stays marked for the next run", catalog_id
            )
        else:
            report.refreshed += 1
    return report
