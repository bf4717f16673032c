"""Stored catalog membership: which content documents belong to which catalog, as of which data version."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.catalogs import Catalog
from catalog.models.content import ContentMetadata


class CatalogMembership(models.Model):
    """``content`` is in ``catalog``; ``date_updated`` is the content's data timestamp when last evaluated.

    Written by catalog.services.membership only: incrementally by the change-log consumer and the clock
    task, set-based by the rebuild command.
    """

    # Membership is derived data that a rebuild restores, written a million rows at a time: no database
    # foreign-key constraints (their per-row checks cost a third of a bulk insert). Deletes go through the
    # ORM, whose CASCADE removes the rows. The unique (catalog, content) index serves lookups by catalog.
    catalog = models.ForeignKey(
        Catalog,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
        db_constraint=False,
        verbose_name=_("catalog"),
    )
    content = models.ForeignKey(
        ContentMetadata,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_constraint=False,
        verbose_name=_("content"),
    )
    date_updated = models.DateTimeField(verbose_name=_("date updated"))
    created = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("catalog membership")
        verbose_name_plural = _("catalog memberships")
        constraints = [
            models.UniqueConstraint(fields=["catalog", "content"], name="catalog_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.catalog_id} ∋ {self.content_id}"
