"""The one generic set of signal handlers, connected for every model the registry names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from course_metadata.tracking import recorder, state
from course_metadata.tracking.m2m import m2m_changed_handler, wrap_sorted_set
from course_metadata.tracking.mixins import PLAN_ATTR, ChangeTrackedMixin, SavePlan
from course_metadata.tracking.queryset import TrackedQuerySet
from course_metadata.tracking.specs import (
    build,
    field_trackers,
    m2m_links,
    spec_for,
    tracked_models,
    untracked_data_fields,
)

DELETE_ATTR = "_change_tracking_delete"
_UNPLANNED: Any = object()


def saved(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, using: str, **kwargs: Any
) -> None:
    plan: SavePlan | None = instance.__dict__.pop(PLAN_ATTR, _UNPLANNED)
    if state.is_suppressed():
        return
    if raw or plan is _UNPLANNED:
        # Fixtures, or a save that went around ChangeTrackedMixin.save(): with nothing to compare, the
        # row counts as changed.
        recorder.rows_changed(sender, {instance.pk}, alias=using)
        return
    if plan is None or not (plan.created or plan.changed):
        return
    spec = spec_for(sender)
    stamped = spec is not None and spec.timestamp_field is not None
    fields = None if plan.created else plan.changed
    recorder.rows_changed(sender, {instance.pk}, alias=using, fields=fields, stamped=stamped, instance=instance)


def deleting(sender: type[models.Model], instance: models.Model, using: str, **kwargs: Any) -> None:
    """Before the row goes: read what its tombstone says and which rows include it."""
    spec = spec_for(sender)
    if spec is None or state.is_suppressed():
        return
    tombstone = recorder.describe(spec, {instance.pk}, using).get(instance.pk) if spec.logged else None
    instance.__dict__[DELETE_ATTR] = (tombstone, recorder.parents_closure(spec, {instance.pk}, using))


def deleted(sender: type[models.Model], instance: models.Model, using: str, **kwargs: Any) -> None:
    pending = instance.__dict__.pop(DELETE_ATTR, None)
    if pending is None:
        return
    tombstone, parents = pending
    recorder.write(parents, alias=using, tombstones=[tombstone] if tombstone else [])


def check(models_: list[type[models.Model]]) -> None:
    """Every tracked model must save in a transaction, track every data field and refuse untracked updates.

    Data fields are all concrete columns but the primary key and ``registry.EXCLUDED_FIELDS`` (bookkeeping).
    """
    problems = []
    for model in models_:
        label = model._meta.label
        if not issubclass(model, ChangeTrackedMixin):
            problems.append(f"{label} does not inherit ChangeTrackedMixin")
        if not field_trackers(model):
            problems.append(f"{label} declares no FieldTracker")
        elif untracked := untracked_data_fields(model):
            problems.append(f"{label}'s FieldTrackers do not follow {', '.join(untracked)}")
        if not isinstance(model._default_manager.all(), TrackedQuerySet):
            problems.append(f"{label}'s default manager does not use TrackedQuerySet")
    if problems:
        raise ImproperlyConfigured("change tracking: " + "; ".join(problems))


def connect() -> None:
    """Connect the handlers for every tracked model and m2m table (idempotent)."""
    build()
    models_ = tracked_models()
    check(models_)
    for model in models_:
        uid = f"change_tracking_{model._meta.label}"
        post_save.connect(saved, sender=model, dispatch_uid=uid, weak=False)
        pre_delete.connect(deleting, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(deleted, sender=model, dispatch_uid=uid, weak=False)
    for link in m2m_links():
        m2m_changed.connect(
            m2m_changed_handler, sender=link.through, dispatch_uid=f"change_tracking_{link.through._meta.label}"
        )
        if link.sort:
            wrap_sorted_set(link)
