"""Keeps the reference rows shipped by data migrations present after a database flush.

``flush`` (used between transactional tests, and by operators resetting a database) empties every
table and then sends ``post_migrate``; the migrations that shipped the rows do not run again, so the
functions they use are re-applied here. Each one only creates what is missing.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps

# app label -> (migration module, function) that creates the app's reference rows
REFERENCE_DATA = {
    "course_metadata": ("course_metadata.migrations.0002_default_types", "add_defaults"),
    "publisher_api": ("publisher_api.migrations.0002_publisher_editor_role", "create_role"),
}


def ensure_reference_data(sender: AppConfig, apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    source = REFERENCE_DATA.get(sender.label)
    if source is None:
        return
    apps = apps or global_apps  # flush sends post_migrate without a migration state
    module_name, function_name = source
    try:
        apps.get_app_config(sender.label)
    except LookupError:  # the app's tables are not migrated yet
        return
    getattr(importlib.import_module(module_name), function_name)(apps, None)
