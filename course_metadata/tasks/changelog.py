"""Change-log processing: run every registered consumer over the new entries.

Enqueued on commit by every transaction that wrote change-log entries (course_metadata.tracking), and
run every minute by Celery beat (``drain-change-log`` in settings) as the safety net.
"""

from __future__ import annotations

from celery import shared_task

from course_metadata.changelog.consumers import consume_all


@shared_task(name="course_metadata.tasks.process_change_log", ignore_result=True)
def process_change_log() -> dict[str, int]:
    """Returns how many entries each consumer processed (-1 for one that failed and will retry)."""
    return consume_all()
