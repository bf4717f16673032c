"""Row rules applied on every write path by ``course_metadata.services.rows.row_save`` (listed per model in
``rows.py``, ADR 0011); the models' ``clean()`` calls the refusals too, for form errors.

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
