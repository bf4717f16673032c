"""A QuerySet whose bulk writes are tracked like saves: update(), bulk_update() and bulk_create().

The rows a bulk write touches are locked and read before and after it, so only rows whose data really
changed move their timestamps and get change-log entries; all of it set-based, in chunks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from course_metadata.tracking import recorder, state
from course_metadata.tracking.specs import data_attnames, spec_for
from dbkit.rows import chunked

_M = TypeVar("_M", bound=models.Model)


class TrackedQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        spec = spec_for(self.model)
        attnames = _data_attnames(self.model, kwargs)
        if spec is None or state.is_suppressed() or not attnames:
            return super().update(**kwargs)
        if spec.timestamp_field:
            # The timestamp is this module's to set, and only on the rows that changed.
            kwargs.pop(spec.timestamp_field, None)
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            total, changed = 0, set()
            for batch in chunked(pks, recorder.CHUNK):
                rows = self.model._base_manager.using(self.db).filter(pk__in=batch)
                before = _values(rows.select_for_update(), attnames)
                total += rows.update(**kwargs)
                changed |= {pk for pk, values in _values(rows, attnames).items() if before.get(pk) != values}
            recorder.rows_changed(self.model, changed, alias=self.db, fields=frozenset(attnames))
        return total

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs = list(objs)
        fields = list(fields)
        spec = spec_for(self.model)
        attnames = _data_attnames(self.model, dict.fromkeys(fields))
        if spec is None or state.is_suppressed() or not attnames:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        fields = [name for name in fields if name != spec.timestamp_field]
        with transaction.atomic(using=self.db, savepoint=False):
            pks = [obj.pk for obj in objs]
            before: dict[Any, tuple] = {}
            for batch in chunked(pks, recorder.CHUNK):
                rows = self.model._base_manager.using(self.db).filter(pk__in=batch).select_for_update()
                before.update(_values(rows, attnames))
            total = super().bulk_update(objs, fields, batch_size=batch_size)
            changed = set()
            for batch in chunked(pks, recorder.CHUNK):
                after = _values(self.model._base_manager.using(self.db).filter(pk__in=batch), attnames)
                changed |= {pk for pk, values in after.items() if before.get(pk) != values}
            recorder.rows_changed(self.model, changed, alias=self.db, fields=frozenset(attnames))
        return total

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        spec = spec_for(self.model)
        if spec is None or state.is_suppressed():
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            pks = {obj.pk for obj in created if obj.pk is not None}
            # New rows carry their creation time as data_modified_timestamp (the field's default).
            recorder.rows_changed(self.model, pks, alias=self.db, stamped=True)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


def _data_attnames(model: type[models.Model], names: Iterable[str]) -> list[str]:
    data = data_attnames(model)
    attnames = []
    for name in names:
        try:
            attname = cast(models.Field, model._meta.get_field(name)).attname
        except FieldDoesNotExist:  # Django's own update() reports unknown names
            attname = name
        if attname in data:
            attnames.append(attname)
    return attnames


def _values(rows: models.QuerySet, attnames: list[str]) -> dict[Any, tuple]:
    return {row[0]: row[1:] for row in rows.values_list("pk", *attnames)}
