"""The model side of change tracking: every tracked save runs in a transaction and knows what it changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.utils import timezone

from course_metadata.tracking import state
from course_metadata.tracking.specs import data_attnames, field_trackers, saveable_names, spec_for

PLAN_ATTR = "_change_tracking_plan"


@dataclass(frozen=True)
class SavePlan:
    created: bool
    changed: frozenset[str]  # attnames of data fields whose stored value this save changes


class ChangeTrackedMixin(models.Model):
    """Base of every model in course_metadata.tracking.registry.

    ``save()`` opens a transaction (a no-op inside one), so the row and its change-log entry commit together,
    and decides before writing whether the save changes data. A save that changes nothing never writes
    ``data_modified_timestamp`` (not even the possibly stale value held in memory); one that does gets a
    new timestamp in the same UPDATE.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            if not args:  # positional save() arguments are deprecated; they skip the timestamp guard
                kwargs["update_fields"] = plan_save(
                    self, kwargs.get("update_fields"), force_insert=bool(kwargs.get("force_insert")), using=using
                )
            super().save(*args, **kwargs)

    def get_deferred_fields(self) -> set[str]:
        """Django's answer (concrete attnames not loaded on the instance), worked out in C.

        model_utils' ``FieldTracker`` asks this on every read and write of a tracked attribute, and Django
        walks every concrete field in Python each time: building or bulk-writing a row of a model with 60
        fields cost thousands of field visits, most of a catalog load's CPU (ADR 0123).
        """
        loaded = self.__dict__.keys()
        attnames = _ATTNAMES.get(type(self)) or _concrete_attnames(type(self))
        if loaded >= attnames:  # the usual case, a row read or built whole
            return set()
        return set(attnames - loaded)


_ATTNAMES: dict[type[models.Model], frozenset[str]] = {}


def _concrete_attnames(model: type[models.Model]) -> frozenset[str]:
    attnames = _ATTNAMES[model] = frozenset(f.attname for f in model._meta.concrete_fields)
    return attnames


def plan_save(
    instance: models.Model, update_fields: Any, *, force_insert: bool, using: str
) -> list[str] | set[str] | None:
    """Work out what this save changes; set the timestamp accordingly; return the update_fields to use."""
    model = type(instance)
    spec = spec_for(model)
    if spec is None:
        return update_fields
    timestamp_field = spec.timestamp_field
    changed, created = _changes(instance, update_fields, force_insert=force_insert, using=using)
    suppressed = state.is_suppressed()
    instance.__dict__[PLAN_ATTR] = None if suppressed else SavePlan(created, changed)
    if timestamp_field is None or created:
        if created and timestamp_field and not suppressed:
            setattr(instance, timestamp_field, timezone.now())
        return update_fields
    if changed and not suppressed:
        setattr(instance, timestamp_field, timezone.now())
        return None if update_fields is None else {*update_fields, timestamp_field}
    if update_fields is None:
        deferred = instance.get_deferred_fields()
        return [name for name in saveable_names(model, timestamp_field) if _attname(model, name) not in deferred]
    return [name for name in update_fields if name != timestamp_field]


def _attname(model: type[models.Model], name: str) -> str:
    """update_fields may name a field or its attname (``course`` or ``course_id``)."""
    try:
        return cast(models.Field, model._meta.get_field(name)).attname
    except FieldDoesNotExist:
        return name


def _changes(
    instance: models.Model, update_fields: Any, *, force_insert: bool, using: str
) -> tuple[frozenset[str], bool]:
    """(data attnames this save changes, whether it creates the row)."""
    model = type(instance)
    data = data_attnames(model)
    if instance.pk is None or force_insert:
        return data, True
    trackers = [tracker.__get__(instance, model) for tracker in field_trackers(model)]
    pk_name = model._meta.pk.attname
    loaded_as = {tracker.saved_data.get(pk_name, instance.pk) for tracker in trackers if tracker.saved_data}
    if instance._state.adding or not trackers or loaded_as != {instance.pk}:
        # Built in memory with a primary key, or given another row's key (a set_official-style swap):
        # what counts is the row stored under that key.
        return _changes_against_stored_row(instance, data, using)
    changed: set[str] = set()
    for tracker in trackers:
        changed.update(name for name in tracker.changed() if name in data)
    if update_fields is not None:
        changed &= {_attname(model, name) for name in update_fields}
    return frozenset(changed), False


def _changes_against_stored_row(
    instance: models.Model, data: frozenset[str], using: str
) -> tuple[frozenset[str], bool]:
    model = type(instance)
    stored = model._base_manager.using(using).filter(pk=instance.pk).values(*data).first()
    if stored is None:
        return data, True
    fields = {field.attname: field for field in model._meta.concrete_fields}
    changed = {
        attname
        for attname in data
        if fields[attname].to_python(stored[attname]) != fields[attname].to_python(getattr(instance, attname))
    }
    return frozenset(changed), False
