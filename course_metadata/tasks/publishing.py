"""Periodic publishing: reviewed course runs go live once their go-live date has passed."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from course_metadata.services.publishing import course_runs_publish_due
from dbkit.locks import single_flight


@shared_task(name="course_metadata.tasks.publish_due_course_runs")
def publish_due_course_runs() -> list[str] | None:
    """Run from CELERY_BEAT_SCHEDULE; returns the keys of the runs it published (None: another run holds the lock)."""
    with single_flight("publish_due_course_runs", expires_after=15 * 60) as acquired:
        if not acquired:
            return None
        return [course_run.key for course_run in course_runs_publish_due(now=timezone.now())]
