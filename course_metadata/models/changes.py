"""The change log: an append-only outbox of committed changes to public content, and its consumers' cursors.

Entries are written by course_metadata.tracking in the transaction that makes the change, one per object
per transaction. They are read in (txid, id) order; see docs/decisions/0020-change-log-outbox.rst for why
that order, with the snapshot-xmin horizon, never lets a reader skip an entry that commits late.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Func
from django.utils.translation import gettext_lazy as _


class CurrentTransactionId(Func):
    """The writing transaction's id on PostgreSQL; 0 on SQLite, where one writer at a time commits in id order."""

    output_field = models.BigIntegerField(verbose_name=_("output field"))

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> tuple[str, tuple]:
        return "0", ()

    def as_postgresql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> tuple[str, tuple]:
        return "(pg_current_xact_id()::text::bigint)", ()


class SnapshotHorizon(Func):
    """The smallest id a transaction of this database may still be running under (PostgreSQL only).

    Every transaction of this database with a smaller id has finished, as of the reading statement's
    snapshot: its entries are visible now or never, and no new entry can ever get a smaller txid. It is
    the snapshot's oldest running transaction, ignoring those that provably belong to other databases on
    the same server (their long transactions would otherwise hold the feed back); a transaction that
    cannot be attributed counts as ours.
    """

    output_field = models.BigIntegerField(verbose_name=_("output field"))
    SQL = (
        "(SELECT COALESCE(MIN(running.xid::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"
        " FROM pg_snapshot_xip(pg_current_snapshot()) AS running(xid)"
        " WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity AS backend"
        " WHERE backend.backend_xid = running.xid::xid AND backend.datname <> current_database()))"
    )

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> tuple[str, tuple]:
        raise NotImplementedError("the snapshot horizon only exists on PostgreSQL")

    def as_postgresql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> tuple[str, tuple]:
        return self.SQL, ()


class ChangeAction(models.TextChoices):
    UPSERT = "upsert", _("Created or changed")
    DELETE = "delete", _("Deleted")


class ChangeLogEntry(models.Model):
    """One object changed (or was deleted) in one committed transaction."""

    id = models.BigAutoField(primary_key=True, verbose_name=_("id"))
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False, verbose_name=_("txid"))
    object_type = models.CharField(
        max_length=32,
        help_text=_("course, courserun, program, organization, person, learnerpathway"),
        verbose_name=_("object type"),
    )
    object_id = models.BigIntegerField(
        help_text=_("Primary key of the row (drafts and officials are different rows)."), verbose_name=_("object id")
    )
    key = models.CharField(max_length=255, blank=True, verbose_name=_("key"))
    uuid = models.UUIDField(null=True, blank=True, verbose_name=_("uuid"))
    course_uuid = models.UUIDField(
        null=True, blank=True, help_text=_("The course a course or run belongs to."), verbose_name=_("course uuid")
    )
    draft = models.BooleanField(default=False, verbose_name=_("draft"))
    action = models.CharField(max_length=8, choices=ChangeAction.choices, verbose_name=_("action"))
    timestamp = models.DateTimeField(verbose_name=_("timestamp"))

    class Meta:
        verbose_name = _("change log entry")
        ordering = ["txid", "id"]
        verbose_name_plural = _("change log entries")
        # Readers scan this index from their position: ``(txid, id) > (%s, %s) ORDER BY txid, id``.
        indexes = [models.Index(fields=["txid", "id"], name="changelog_position")]

    def __str__(self) -> str:
        world = "draft " if self.draft else ""
        return f"{self.txid}.{self.id} {self.action} {world}{self.object_type} {self.key or self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The change log is append-only: entries are never edited.")
        super().save(*args, **kwargs)


class ConsumerCursor(models.Model):
    """How far one consumer of the change log has got: the position of the last entry it processed."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    txid = models.BigIntegerField(default=0, verbose_name=_("txid"))
    entry_id = models.BigIntegerField(default=0, verbose_name=_("entry id"))
    processed = models.BigIntegerField(
        default=0, help_text=_("Entries processed since the cursor was created."), verbose_name=_("processed")
    )
    updated = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("consumer cursor")
        verbose_name_plural = _("consumer cursors")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.txid}.{self.entry_id}"
