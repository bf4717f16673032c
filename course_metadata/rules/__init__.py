"""Domain rules checked on every write path; models call them from clean() and save().

Each rule raises ``django.core.exceptions.ValidationError`` naming what clashes, before anything is saved,
so the admin, the API, services and loaders all get the same answer. The rule modules import the models;
models import the rule modules inside their methods, so neither import runs into the other.
"""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models


def has_changed(instance: models.Model, *fields: str) -> bool:
    """Whether any of ``fields`` differs from the value loaded or last saved; True when that is unknown.

    Reads the model's ``FieldTracker`` (fields by attname, e.g. ``course_id``). A row without a primary
    key, a model without a tracker, or a field the tracker does not follow all count as changed, so a
    rule guarded by this check runs rather than being skipped by mistake.
    """
    tracker = getattr(instance, "tracker", None)
    if tracker is None or instance.pk is None or instance._state.adding:
        return True
    try:
        return any(tracker.has_changed(field) for field in fields)
    except FieldError:
        return True


def leave_out_of_save(instance: models.Model, save_kwargs: dict, *names: str) -> None:
    """Keep ``names`` out of this save of an existing row, by narrowing ``update_fields``.

    Derived columns (the subscription flags) are written by their derivation only; an instance loaded
    before a set-based refresh holds a stale value that a plain ``save()`` would otherwise write back.
    """
    if instance.pk is None or instance._state.adding or save_kwargs.get("force_insert"):
        return
    update_fields = save_kwargs.get("update_fields")
    if update_fields is None:
        deferred = instance.get_deferred_fields()
        update_fields = [
            field.name
            for field in instance._meta.concrete_fields
            if not field.primary_key and field.attname not in deferred
        ]
    save_kwargs["update_fields"] = [name for name in update_fields if name not in names]
