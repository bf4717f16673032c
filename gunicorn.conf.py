"""gunicorn settings for Lyceum (gunicorn reads this file from its working directory: the container's
/app, and the project directory for ``make bench``). Command-line options override these."""

from __future__ import annotations

import gc
import os
from typing import Any

workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns the access log off


def post_worker_init(worker: Any) -> None:
    """Load the broker client before the first request, then keep long-lived objects out of garbage collection.

    The first write of a worker hands a task to the broker; importing kombu's transport and the Redis
    client then took about 12 s on a busy machine, past the worker timeout. Doing it here, before the
    worker accepts connections, takes that off every request (course_metadata.tasks.handoff.warm).

    A list response allocates a few hundred thousand short-lived objects; with the default thresholds the
    collector's older generations run during requests and walk every module, model and URL pattern the
    app loaded. Freezing what exists after start-up and collecting the youngest generation less often
    takes those pauses off the request path (measured on the read API benchmark).
    """
    from course_metadata.tasks.handoff import warm
    from settings.celery import app

    warm(app)
    if os.environ.get("GUNICORN_GC_TUNING", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
