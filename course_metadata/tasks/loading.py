"""Periodic refresh from the LMS and e-commerce (``refresh-course-metadata`` in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from course_metadata.loaders.base import LoadReport, NoProgress
from course_metadata.loaders.refresh import refresh_partner
from course_metadata.models import Partner
from dbkit.locks import single_flight

logger = logging.getLogger(__name__)


@shared_task(name="course_metadata.tasks.refresh_course_metadata", ignore_result=True)
def refresh_course_metadata() -> dict[str, object] | None:
    """Refresh every partner; None when another refresh still holds the lock (it is skipped, not queued)."""
    with single_flight("refresh_course_metadata", expires_after=6 * 3600) as acquired:
        if not acquired:
            logger.info("refresh_course_metadata is already running; this run is skipped")
            return None
        report = LoadReport()
        for partner in Partner.objects.order_by("short_code"):
            refresh_partner(partner, report, NoProgress())
        for line in report.summary_lines():
            logger.info("refresh_course_metadata: %s", line)
        if report.failed:
            logger.warning("refresh_course_metadata: %d failures, first: %s", len(report.failures), report.failures[0])
        return {"changed": report.changed(), "failures": len(report.failures)}
