"""Many-to-many changes: compare the related ids before and after each operation, in order where order is data.

Each add/remove/clear is bracketed by its pre_/post_ signals: the ids are read on ``pre_*`` and compared
on ``post_*``. sortedm2m's ``set()`` clears and re-adds to keep the order, which would look like two
changes, so the registry wraps the forward manager's ``set()`` of tracked sorted fields: the ids are read
before it and compared after it, and the signals in between are ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, router, transaction

from course_metadata.tracking import recorder, state
from course_metadata.tracking.specs import M2MLink, m2m_link

Snapshot = tuple[int, ...] | frozenset[int]


class _Local(threading.local):
    def __init__(self) -> None:
        self.pending: dict[tuple[Any, ...], Snapshot] = {}
        self.batched: set[tuple[Any, ...]] = set()


_local = _Local()


def owner_ids(link: M2MLink, owner_pk: Any, alias: str) -> Snapshot:
    """The ids ``owner`` points at, in order when the order is data."""
    rows = link.through._base_manager.using(alias).filter(**{link.source: owner_pk})
    if link.sort:
        return tuple(rows.order_by(link.sort, "pk").values_list(link.target, flat=True))
    return frozenset(rows.order_by().values_list(link.target, flat=True))


def target_owners(link: M2MLink, target_pk: Any, alias: str) -> frozenset[int]:
    """The owners that point at ``target`` (for changes made from the other side)."""
    rows = link.through._base_manager.using(alias).filter(**{link.target: target_pk})
    return frozenset(rows.order_by().values_list(link.source, flat=True))


def _key(link: M2MLink, instance: models.Model, reverse: bool, alias: str) -> tuple[Any, ...]:
    return (alias, link.through, reverse, instance.pk)


def m2m_changed_handler(
    sender: type[models.Model], instance: models.Model, action: str, reverse: bool, using: str, **kwargs: Any
) -> None:
    link = m2m_link(sender)
    if link is None or state.is_suppressed() or instance.pk is None:
        return
    key = _key(link, instance, reverse, using)
    if key in _local.batched:
        return
    snapshot = target_owners if reverse else owner_ids
    if action.startswith("pre_"):
        _local.pending[key] = snapshot(link, instance.pk, using)
        return
    before = _local.pending.pop(key, None)
    if before is None:
        return
    after = snapshot(link, instance.pk, using)
    if before == after:
        return
    if reverse:
        owners = set(before) ^ set(after)
        recorder.rows_changed(link.owner, owners, alias=using, fields=frozenset({link.field_name}))
    else:
        recorder.rows_changed(link.owner, {instance.pk}, alias=using, fields=frozenset({link.field_name}))


@contextmanager
def batched(link: M2MLink, instance: models.Model, alias: str) -> Iterator[None]:
    """Compare once around a composite operation (sortedm2m's clear-then-add ``set()``)."""
    key = _key(link, instance, False, alias)
    if key in _local.batched or state.is_suppressed():
        yield
        return
    with transaction.atomic(using=alias, savepoint=False):
        before = owner_ids(link, instance.pk, alias)
        _local.batched.add(key)
        try:
            yield
        finally:
            _local.batched.discard(key)
            _local.pending.pop(key, None)
        if owner_ids(link, instance.pk, alias) != before:
            recorder.rows_changed(link.owner, {instance.pk}, alias=alias, fields=frozenset({link.field_name}))


def wrap_sorted_set(link: M2MLink) -> None:
    """Give the forward manager of a sorted field a ``set()`` that is one change (or none), not two."""
    descriptor = getattr(link.owner, link.field_name)
    manager_cls = descriptor.related_manager_cls
    if getattr(manager_cls, "_change_tracked", False):
        return
    original_set = manager_cls.set

    def set(self: Any, objs: Any, **kwargs: Any) -> None:
        alias = router.db_for_write(self.through, instance=self.instance)
        with batched(link, self.instance, alias):
            original_set(self, objs, **kwargs)

    set.alters_data = True  # type: ignore[attr-defined]
    tracked_cls = type(manager_cls.__name__, (manager_cls,), {"set": set, "_change_tracked": True})
    # related_manager_cls is a cached_property: the instance attribute replaces the cached class.
    descriptor.__dict__["related_manager_cls"] = tracked_cls
