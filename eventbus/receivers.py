"""The event bus's receivers: they hand each event to a service and decide nothing themselves."""

from __future__ import annotations

from typing import Any

from openedx_events.content_authoring.signals import COURSE_CATALOG_INFO_CHANGED
from openedx_events.data import EventsMetadata


def course_catalog_info_changed(
    sender: Any, catalog_info: Any = None, metadata: EventsMetadata | None = None, **kwargs: Any
) -> None:
    """Studio published a course: apply its catalog data to the run (eventbus.services)."""
    from eventbus.services import studio_catalog_event_apply

    if metadata is None:
        raise ValueError("COURSE_CATALOG_INFO_CHANGED arrived without metadata; its time orders the events.")
    studio_catalog_event_apply(catalog_info=catalog_info, event_time=metadata.time, event_id=metadata.id)


def connect() -> None:
    COURSE_CATALOG_INFO_CHANGED.connect(course_catalog_info_changed, dispatch_uid="lyceum.studio_catalog_info")
