"""Insert many rows of a model fast: plain rows written through a bare "shadow" model of the same table.

Why not ``Model.objects.bulk_create([Model(...), ...])``: the big course models carry a FieldTracker
(django-model-utils), which wraps every field's descriptor; each attribute read or write then scans all of
the model's fields, and each new instance deep-copies its values. At 50,000 courses (a million rows) that
costs minutes of pure overhead. A shadow model maps the same table and columns, with foreign keys as plain
integer columns, in a private app registry: no tracker, no signals, no reverse relations, nothing else
in the project can see it. Inserting through it is still Django's own ``bulk_create`` (batched, RETURNING
the new primary keys on PostgreSQL and SQLite).

Bulk writes skip ``save()`` and signals: the caller sets every derived value itself (slugs, flags,
``data_modified_timestamp``) and records the change-log entries afterwards (``course_metadata.demo.changes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps.registry import Apps
from django.db import models

_registry = Apps(installed_apps=[])
_shadows: dict[type[models.Model], type[models.Model]] = {}


def shadow_model(model: type[models.Model]) -> type[models.Model]:
    """A tracker-free model of ``model``'s table; fields are addressed by attname (``course_id``)."""
    shadow = _shadows.get(model)
    if shadow is not None:
        return shadow
    attrs: dict[str, Any] = {"__module__": __name__}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            attrs[field.attname] = models.BigAutoField(primary_key=True, db_column=field.column)
        elif field.is_relation:
            attrs[field.attname] = models.BigIntegerField(null=field.null, db_column=field.column)
        else:
            attrs[field.attname] = field.clone()
    attrs["Meta"] = type(
        "Meta",
        (),
        {"apps": _registry, "app_label": "demo_bulk", "db_table": model._meta.db_table, "managed": False},
    )
    shadow = type(f"Bulk{model.__name__}", (models.Model,), attrs)
    _shadows[model] = shadow
    return shadow


def bulk_insert(model: type[models.Model], rows: Iterable[dict[str, Any]], *, batch_size: int = 1000) -> list[int]:
    """Insert ``rows`` (dicts of attname -> value; unset columns take the field default); return the new pks.

    Each dict also gets its new primary key under ``"id"``, so callers can link rows they built earlier.
    """
    rows = list(rows)
    if not rows:
        return []
    shadow = shadow_model(model)
    created = shadow._default_manager.bulk_create([shadow(**row) for row in rows], batch_size=batch_size)
    for row, obj in zip(rows, created, strict=True):
        row["id"] = obj.pk
    return [obj.pk for obj in created]
