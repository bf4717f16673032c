"""A save that changes nothing writes no history row (django-simple-history).

simple-history writes a historical row on every ``post_save``. Before each save of a model with history,
:func:`history_skip_if_unchanged` decides whether any field the history records differs from what is
stored; if none does it sets simple-history's own ``skip_history_when_saving`` switch for that one save,
and :func:`history_release` takes it off again afterwards. The handlers are connected in
``course_metadata.receivers``.

How "changed" is decided, cheapest first:

* a new row (or one whose primary key was cleared to copy it) always gets its "+" row;
* when the model's ``FieldTracker`` covers every recorded field, it answers without a query;
* otherwise the instance is compared with its latest historical row (one query), which is exactly the
  question "would the new row repeat the last one?".

Fields that move on every save by themselves (``modified``) are not data and are ignored.

:func:`history_baseline` gives rows written in bulk (seeded or loaded, without ``save()``) their first
history row, so the first edit of such a row shows what it changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from model_utils.fields import AutoLastModifiedField

# Set on an instance (next to simple-history's switch) when this module, not the caller, turned history off.
_MARKER = "_history_skipped_as_noop"
_SKIP = "skip_history_when_saving"


def historied_models(app_label: str = "course_metadata") -> list[type[models.Model]]:
    """Models of ``app_label`` registered with simple-history (not the historical models themselves)."""
    return [
        model
        for model in apps.get_app_config(app_label).get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]


def history_skip_if_unchanged(instance: models.Model, update_fields: Iterable[str] | None = None) -> bool:
    """Turn off the history row of this save when it would record nothing new; return whether it did."""
    history_release(instance)
    if hasattr(instance, _SKIP):
        return False  # the caller chose (save_without_historical_record); leave its choice alone
    if not history_unchanged(instance, update_fields):
        return False
    setattr(instance, _SKIP, True)
    setattr(instance, _MARKER, True)
    return True


def history_release(instance: models.Model) -> None:
    """Undo :func:`history_skip_if_unchanged` (after the save, or before a retry of a failed one)."""
    if instance.__dict__.pop(_MARKER, False):
        instance.__dict__.pop(_SKIP, None)


def history_unchanged(instance: models.Model, update_fields: Iterable[str] | None = None) -> bool:
    """Whether saving ``instance`` now would store the same recorded values as are stored already."""
    if instance.pk is None or instance._state.adding:
        return False
    fields = _recorded_fields(type(instance))
    if update_fields is not None:
        wanted = set(update_fields)
        fields = tuple(field for field in fields if field.name in wanted or field.attname in wanted)
    tracker = getattr(instance, "tracker", None)
    if tracker is not None and _covers(tracker, fields):
        try:
            changed = tracker.changed()
        except FieldError:
            pass
        else:
            return not any(_tracked_name(tracker, field) in changed for field in fields)
    manager_name = type(instance)._meta.simple_history_manager_attribute  # type: ignore[attr-defined]
    latest = getattr(instance, manager_name).first()
    if latest is None:
        return False
    return all(_same(field, getattr(instance, field.attname), getattr(latest, field.attname)) for field in fields)


@cache
def _recorded_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The model's fields its history records, minus those that change on every save by themselves."""
    manager_name = model._meta.simple_history_manager_attribute  # type: ignore[attr-defined]
    tracked = getattr(model, manager_name).model.tracked_fields
    return tuple(
        field
        for field in tracked
        if not isinstance(field, AutoLastModifiedField) and not getattr(field, "auto_now", False)
    )


def _covers(tracker: object, fields: Iterable[models.Field]) -> bool:
    tracked = getattr(tracker, "fields", ())
    return all(field.attname in tracked or field.name in tracked for field in fields)


def _tracked_name(tracker: object, field: models.Field) -> str:
    return field.attname if field.attname in getattr(tracker, "fields", ()) else field.name


def _same(field: models.Field, current: object, recorded: object) -> bool:
    try:
        current = field.to_python(current)
    except ValidationError:
        return False  # the save will reject it anyway; never hide an attempted change
    return current == recorded


# Columns simple-history adds to every historical table; the rest copy the tracked row.
_HISTORY_COLUMNS = frozenset({"history_id", "history_date", "history_change_reason", "history_type", "history_user"})
BASELINE_CHUNK = 5000


def history_baseline(
    model: type[models.Model],
    pks: Iterable[Any] | None = None,
    *,
    reason: str,
    history_date: dt.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Give every row of ``model`` (among ``pks``, or all) that has no history yet its first, "+", history row.

    Rows written in bulk (the demo seeder, loaders) skip ``save()`` and so simple-history; without a first
    row, the admin's history of their first edit has nothing to compare with and shows no change. The rows
    are copied set-based (``INSERT ... SELECT``, which also reads the parent table of a multi-table child
    such as ``Degree``), ``BASELINE_CHUNK`` primary keys per statement; rows that already have history are
    left alone, so calling this twice adds nothing. Returns how many rows were recorded.
    """
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager_name is None:
        raise ValueError(f"{model._meta.label} is not registered with simple-history.")
    historical = getattr(model, manager_name).model
    copied = [field for field in historical._meta.concrete_fields if field.name not in _HISTORY_COLUMNS]
    pk_name = model._meta.pk.attname
    connection = connections[using]
    when = connection.ops.adapt_datetimefield_value(history_date or timezone.now())
    target = ", ".join(connection.ops.quote_name(column) for column in [field.column for field in copied])
    extra = ", ".join(
        connection.ops.quote_name(name) for name in ("history_date", "history_type", "history_change_reason")
    )
    recorded = 0
    chunks: Iterable[list[Any] | None] = (
        [None] if pks is None else (chunk for chunk in _chunks(list(pks), BASELINE_CHUNK))
    )
    with transaction.atomic(using=using, savepoint=False):
        for chunk in chunks:
            rows = (
                model._base_manager.using(using)
                .order_by()
                .exclude(**{f"{pk_name}__in": historical._default_manager.using(using).values(pk_name)})
            )
            if chunk is not None:
                rows = rows.filter(pk__in=chunk)
            select_sql, params = rows.values_list(*[field.attname for field in copied]).query.sql_with_params()
            statement = (
                f"INSERT INTO {connection.ops.quote_name(historical._meta.db_table)} ({target}, {extra}) "
                f"SELECT baseline.*, %s, %s, %s FROM ({select_sql}) baseline"
            )
            with connection.cursor() as cursor:
                cursor.execute(statement, [when, "+", reason[:100], *params])
                recorded += max(cursor.rowcount, 0)
    return recorded


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
