"""Change tracking: ``data_modified_timestamp`` moves exactly when an object's data changes, and every such
change appends one entry to the change log in the same transaction.

What is tracked is declared in :mod:`course_metadata.tracking.registry`; the machinery is generic. Public
interface:

* :func:`suppressed` — a block whose writes are bookkeeping, not data (no timestamps, no entries);
* :func:`mark_changed` — say explicitly that objects changed (for writes the ORM cannot see);
* :class:`ChangeTrackedMixin` and :class:`TrackedQuerySet` — what every tracked model is built from;
* :func:`connect` — called once from ``course_metadata.receivers``.

A save that gives a row another row's primary key (a ``set_official``-style swap) is compared with the
row stored under that key, so copying identical data onto an official row moves nothing, and copying
different data moves the official row's timestamp; no suppression is needed for that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_metadata.tracking.mixins import ChangeTrackedMixin
from course_metadata.tracking.queryset import TrackedQuerySet
from course_metadata.tracking.state import is_suppressed, suppressed

if TYPE_CHECKING:
    from django.db.models import Model

__all__ = ["ChangeTrackedMixin", "TrackedQuerySet", "connect", "is_suppressed", "mark_changed", "suppressed"]


def connect() -> None:
    from course_metadata.tracking.descriptors import field_trackers_speed_up
    from course_metadata.tracking.handlers import connect as connect_handlers

    connect_handlers()
    field_trackers_speed_up()


def mark_changed(*objects: Model, using: str | None = None) -> None:
    """Record that ``objects`` (model instances) changed, as if their data had been saved."""
    from django.db import router, transaction

    from course_metadata.tracking.recorder import rows_changed

    for obj in objects:
        model = type(obj)
        alias = using or router.db_for_write(model, instance=obj)
        with transaction.atomic(using=alias, savepoint=False):
            rows_changed(model, {obj.pk}, alias=alias)
