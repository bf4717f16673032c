"""Lyceum's own Open edX events: what it tells other services through the event bus."""

from __future__ import annotations

import attr
from openedx_events.tooling import OpenEdxPublicSignal

CONTENT_CHANGED_EVENT_TYPE = "org.lyceum.catalog.content.changed.v1"


@attr.s(frozen=True)
class CatalogContentChangeData:
    """One change-log entry: which public object changed, and whether it now exists.

    Attributes:
        object_type: ``course``, ``courserun``, ``program``, ``organization``, ``person``,
            ``learnerpathway`` (its steps and nodes are reported as the pathway), ...
        action: ``upsert`` (look at the object now) or ``delete`` (it is gone).
        key: the object's key where it has one (``edX+CS101``, ``course-v1:edX+CS101+2T2024``), else "".
        uuid: the object's UUID where it has one, else "".
        course_uuid: the owning course's UUID for courses and runs, else "".
        position: the entry's change-log cursor (``"<txid>.<id>"``); strictly increasing, so a consumer
            that sees a position it has already handled (a redelivery) can skip it.
    """

    object_type = attr.ib(type=str)
    action = attr.ib(type=str)
    key = attr.ib(type=str)
    uuid = attr.ib(type=str)
    course_uuid = attr.ib(type=str)
    position = attr.ib(type=str)


# A public course, run, program, organization, person or learner pathway changed or was deleted.
CATALOG_CONTENT_CHANGED = OpenEdxPublicSignal(
    event_type=CONTENT_CHANGED_EVENT_TYPE,
    data={"content": CatalogContentChangeData},
)
