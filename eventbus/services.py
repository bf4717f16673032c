"""Applying Studio's course events exactly once and in order, through the catalog's own service.

The bus delivers at least once and may deliver late: a consumer that restarts replays what it had not
acknowledged, and two Studio publishes of the same run can arrive in either order. Each run therefore keeps
the time of the newest event applied to it (``StudioEventStamp``); an event no newer than that changes
nothing. The stamp is locked, compared, and moved in the transaction that writes the run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from openedx_events.content_authoring.data import CourseCatalogData

from course_metadata.models import Partner
from course_metadata.services.studio_catalog import (
    StudioCatalogInfo,
    StudioCatalogResult,
    course_run_apply_studio_catalog,
)
from eventbus.models import StudioEventStamp

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StudioEventOutcome:
    outcome: Literal["created", "updated", "unchanged", "stale"]
    course_run_key: str
    result: StudioCatalogResult | None = None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def studio_catalog_info(catalog_info: CourseCatalogData) -> StudioCatalogInfo:
    """The event's payload in the catalog's own terms (naive times are UTC, as Studio sends them)."""
    schedule = catalog_info.schedule_data
    return StudioCatalogInfo(
        course_run_key=str(catalog_info.course_key),
        name=catalog_info.name,
        start=_aware(schedule.start),
        end=_aware(schedule.end),
        enrollment_start=_aware(schedule.enrollment_start),
        enrollment_end=_aware(schedule.enrollment_end),
        pacing=schedule.pacing,
        hidden=bool(catalog_info.hidden),
    )


def studio_partner() -> Partner | None:
    """The partner that new courses from Studio belong to: ``EVENT_BUS_STUDIO_PARTNER``, else the only one."""
    short_code = getattr(settings, "EVENT_BUS_STUDIO_PARTNER", "")
    if short_code:
        partner = Partner.objects.filter(short_code=short_code).first()
        if partner is None:
            raise ImproperlyConfigured(
                f"LYCEUM_EVENT_BUS_PARTNER={short_code!r} names no partner; set it to an existing partner's short code."
            )
        return partner
    partners = list(Partner.objects.order_by("pk")[:2])
    return partners[0] if len(partners) == 1 else None


def studio_catalog_event_apply(
    *, catalog_info: CourseCatalogData, event_time: dt.datetime, event_id: UUID | None = None
) -> StudioEventOutcome:
    """Apply one ``COURSE_CATALOG_INFO_CHANGED`` unless a newer (or the same) event was applied to the run."""
    info = studio_catalog_info(catalog_info)
    event_time = _aware(event_time) or event_time
    with transaction.atomic():
        stamp, _ = StudioEventStamp.objects.select_for_update().get_or_create(course_run_key=info.course_run_key)
        if stamp.event_time is not None and event_time <= stamp.event_time:
            logger.info(
                "studio event for %s at %s ignored: one from %s was applied already",
                info.course_run_key,
                event_time.isoformat(),
                stamp.event_time.isoformat(),
            )
            return StudioEventOutcome("stale", info.course_run_key)
        result = course_run_apply_studio_catalog(info=info, partner=studio_partner())
        stamp.event_time, stamp.event_id = event_time, event_id
        stamp.save()
    logger.info("studio event for %s at %s: %s", info.course_run_key, event_time.isoformat(), result.outcome)
    return StudioEventOutcome(result.outcome, info.course_run_key, result)
