"""Building blocks shared by the domain models: timestamps, UUIDs, and the draft/official split."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from course_metadata.tracking import ChangeTrackedMixin, TrackedQuerySet


class UUIDMixin(models.Model):
    """A stable public identifier; consumers address most objects by it."""

    uuid = models.UUIDField(default=uuid_lib.uuid4, editable=False, verbose_name=_("UUID"), db_index=True)

    class Meta:
        abstract = True


class DataModifiedMixin(ChangeTrackedMixin):
    """When the data the API returns for this object last changed (not merely when it was saved).

    Maintained by course_metadata.tracking: set it by changing data, never by hand.
    """

    data_modified_timestamp = models.DateTimeField(
        default=timezone.now, db_index=True, editable=False, verbose_name=_("data modified timestamp")
    )

    class Meta:
        abstract = True


class RichTextMixin(models.Model):
    """Columns named in ``RICH_TEXT_FIELDS`` hold HTML and are stored sanitized on every path (ADR 0073).

    The declaration only: ``course_metadata.services.rows.row_save`` sanitizes them before a row is written
    (so change tracking compares clean text), and the loaders' bulk inserts do it for each queued row.
    """

    RICH_TEXT_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True


class DerivedFieldsMixin(models.Model):
    """Columns computed set-based by a service and written only by its ``QuerySet.update()``.

    ``save()`` of an existing row never writes them: an instance loaded before the service last ran holds a
    stale value. A new row is inserted with the value in memory (the default); the service that created the
    row then derives it (docs/decisions/0022-visible-write-path.rst).
    """

    DERIVED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.DERIVED_FIELDS and not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            names = kwargs.get("update_fields")
            if names is None:
                deferred = self.get_deferred_fields()
                names = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in deferred]
            kwargs["update_fields"] = [name for name in names if name not in self.DERIVED_FIELDS]
        super().save(*args, **kwargs)


class DraftQuerySet(TrackedQuerySet):
    """Querysets of draftable models say at the call site which versions they want (bulk writes are tracked)."""

    def official(self) -> Self:
        """Rows served to the public: never a draft."""
        return self.filter(draft=False)

    def drafts(self) -> Self:
        return self.filter(draft=True)

    def editable(self) -> Self:
        """What an editor works on: the draft where one exists, otherwise the official row."""
        return self.filter(Q(draft=True) | Q(draft=False, draft_version__isnull=True))


class DraftModelMixin(models.Model):
    """Draft and official versions are rows of the same table.

    An official row points at its draft through ``draft_version``; everything hanging off a draft row
    (runs, seats, marketing data) is itself a draft row, so relations never cross between the two worlds.
    The default manager is deliberately unfiltered: related managers keep working inside either world,
    and readers choose with ``official()``, ``drafts()`` or ``editable()``.
    """

    draft = models.BooleanField(default=False, db_index=True, editable=False, verbose_name=_("draft"))
    draft_version = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="_official_version",
        editable=False,
        verbose_name=_("draft version"),
    )
    # Declared for the type checker: django-stubs adds the ``_id`` attribute to concrete models only.
    draft_version_id: int | None
    # On draft rows only: per-field fingerprints of the official row this draft was last based on, so a
    # publish can tell what a loader changed on the official meanwhile (see course_metadata.services.draft_merge).
    draft_base = models.JSONField(null=True, blank=True, editable=False, verbose_name=_("draft base"))

    objects = DraftQuerySet.as_manager()

    class Meta:
        abstract = True

    # Bookkeeping set on insert and afterwards only by the draft services (queryset updates in
    # course_metadata.services.draft_graph): save() of an existing row never writes these columns, because an
    # instance loaded earlier holds stale values, and writing them back would unlink a draft from its official
    # or make the next publish see conflicts that are not there.
    POINTER_FIELDS = ("draft_version", "draft_base")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None and not args and not kwargs.get("force_insert"):
            names = kwargs.get("update_fields")
            if names is None:
                deferred = self.get_deferred_fields()
                names = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in deferred]
            kwargs["update_fields"] = [
                name for name in names if name not in self.POINTER_FIELDS and name != "draft_version_id"
            ]
        super().save(*args, **kwargs)

    @property
    def official_version(self) -> Any | None:
        """The official row this draft belongs to, if there is one yet."""
        if not self.draft:
            return None
        try:
            return self._official_version  # type: ignore[attr-defined]
        except self.__class__.DoesNotExist:
            return None


__all__ = [
    "ChangeTrackedMixin",
    "DataModifiedMixin",
    "DerivedFieldsMixin",
    "DraftModelMixin",
    "DraftQuerySet",
    "RichTextMixin",
    "TimeStampedModel",
    "TrackedQuerySet",
    "UUIDMixin",
]
