"""Keeps the reference rows shipped by data migrations present after a database flush.

``flush`` (used between transactional tests, and by operators resetting a database) empties every
table and then sends ``post_migrate``; the migrations that shipped the rows do not run again, so the
functions they use are re-applied then. Each such function must only create what is missing.

Each app names its own migration from its ``AppConfig.ready()``; nothing here knows any app.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def keep_reference_data(app_config: AppConfig, *, migration: str, function: str) -> None:
    """Re-run ``function(apps, schema_editor)`` of the module ``migration`` after each migrate or flush of
    ``app_config``'s app."""

    def ensure(sender: AppConfig, apps: Any = None, using: str = "default", **kwargs: Any) -> None:
        apps = apps or app_config.apps  # flush sends post_migrate without a migration state
        try:
            apps.get_app_config(sender.label)
        except LookupError:  # the app's tables are not migrated yet
            return
        getattr(importlib.import_module(migration), function)(apps, None)

    post_migrate.connect(ensure, sender=app_config, weak=False, dispatch_uid=f"{app_config.label}-reference-data")
