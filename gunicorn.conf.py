"""gunicorn settings for Lyceum (gunicorn reads this file from its working directory: the container's
/app, and the project directory for ``make bench``). Command-line options override these."""

from __future__ import annotations

import gc
import os
from typing import Any

workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns the access log off


def post_worker_init(worker: Any) -> None:
    """Keep the objects that live as long as the worker out of garbage collection.

    A list response allocates a few hundred thousand short-lived objects; with the default thresholds the
    collector's older generations run during requests and walk every module, model and URL pattern the
    app loaded. Freezing what exists after start-up and collecting the youngest generation less often
    takes those pauses off the request path (measured on the read API benchmark).
    """
    if os.environ.get("GUNICORN_GC_TUNING", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
