"""Catalogs: named, access-controlled groups of content defined by a query, and the index of their queries."""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_lib
from functools import lru_cache
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from catalog.query import Query, QueryError, parse_query

VIEW_PERMISSION = "catalog.view_catalog"


@lru_cache(maxsize=20_000)
def parse_query_text(text: str) -> Query:
    """Parse a stored query from its JSON text, cached by that text (equal queries, equal texts when the
    text comes from one place: the database, or ``parse_stored_query``'s canonical form)."""
    return parse_query(json.loads(text))


def parse_stored_query(query: Any) -> Query:
    """Parse a stored query (JSON object or Lucene string), cached by its canonical JSON text.

    The membership consumer evaluates the same few thousand queries over and over; parsing them
    (luqum for strings) costs more than evaluating them.
    """
    return parse_query_text(json.dumps(query, sort_keys=True, separators=(",", ":")))


def query_hash(query: Any) -> str:
    """The hash enterprise-catalog gives a content filter (MD5 of its JSON with sorted keys, Python's default
    separators), so ``catalog-queries/get_query_by_hash`` answers for the hashes its clients compute."""
    return hashlib.md5(json.dumps(query, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


def validate_query(query: Any) -> Query:
    """The parsed query, or a ValidationError on ``query`` whose message names the offending key."""
    if not isinstance(query, dict | str):
        raise ValidationError({"query": _("A query is a JSON object of field tests or a query string.")})
    try:
        return parse_stored_query(query)
    except QueryError as error:
        raise ValidationError({"query": str(error)}) from None


class Catalog(TimeStampedModel):
    """A named group of content defined by ``query``; its members are stored in CatalogMembership.

    ``content_version`` increases whenever a member is added or removed or a member's data changes, so a
    client that synced at version N knows nothing changed while the version is still N.
    """

    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False, verbose_name=_("UUID"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    query = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            'A JSON object of field tests ({"org": "edX", "level_type": "Introductory"}) or a '
            "query string (org:edX AND level_type:Introductory)."
        ),
        verbose_name=_("query"),
    )
    include_archived = models.BooleanField(
        default=False,
        help_text=_("List archived runs of the catalog's courses (courses and CSV endpoints)."),
        verbose_name=_("include archived"),
    )
    enterprise_customer_uuid = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The enterprise customer this catalog belongs to, if any."),
        verbose_name=_("enterprise customer uuid"),
    )
    # What enterprise-catalog keeps beside the query (ADR 0100): the customer's name (the enrollment URLs' UTM
    # source), the course modes and audit choice edx-enterprise sends, and the query's own identity.
    enterprise_customer_name = models.CharField(max_length=255, blank=True, verbose_name=_("enterprise customer name"))
    enabled_course_modes = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("enabled course modes"),
        help_text=_("Course modes learners may be offered (a list of mode slugs)."),
    )
    publish_audit_enrollment_urls = models.BooleanField(
        default=False,
        verbose_name=_("publish audit enrollment URLs"),
        help_text=_("Enrollment URLs of the catalog's courses and runs enroll in audit mode."),
    )
    catalog_query_uuid = models.UUIDField(
        null=True, blank=True, verbose_name=_("catalog query UUID"), help_text=_("The query's UUID in edx-enterprise.")
    )
    query_title = models.CharField(  # noqa: DJ001  (null: no title sent)
        max_length=255, null=True, blank=True, verbose_name=_("query title")
    )
    query_hash = models.CharField(
        max_length=32,
        blank=True,
        db_index=True,
        editable=False,
        verbose_name=_("query hash"),
        help_text=_("MD5 of the query's sorted JSON."),
    )
    content_version = models.PositiveBigIntegerField(default=1, editable=False, verbose_name=_("content version"))
    # Set when the query has no positive exact clause, so the index cannot narrow it down: such catalogs
    # are evaluated against every changed document.
    query_unindexable = models.BooleanField(default=False, editable=False, verbose_name=_("query unindexable"))
    # Set in the transaction that changes the query; cleared once a rebuild that started after it succeeded. A
    # refresh whose hand-off or task failed is still marked, and the periodic drain redoes it (ADR 0074).
    membership_refresh_requested = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("membership refresh requested")
    )

    class Meta:
        verbose_name = _("catalog")
        verbose_name_plural = _("catalogs")
        ordering = ["id"]
        indexes = [
            # The consumer reads the few unindexable catalogs on every change: no scan of all catalogs.
            models.Index(fields=["id"], condition=models.Q(query_unindexable=True), name="catalog_unindexable")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        validate_query(self.query)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The query is a domain invariant: it is checked on every path, not only where clean() runs; its hash
        # is derived from it and must never disagree with it.
        validate_query(self.query)
        self.query_hash = query_hash(self.query)
        if kwargs.get("update_fields") is not None and "query" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "query_hash"}
        super().save(*args, **kwargs)

    @property
    def parsed_query(self) -> Query:
        return parse_stored_query(self.query)

    @property
    def etag(self) -> str:
        return f'"{self.content_version}"'

    @property
    def viewers(self) -> models.QuerySet:
        """Users granted ``view_catalog`` on this catalog (staff see every catalog without a grant).

        Read-only: the grants are written by ``catalog.services.catalogs.catalog_viewers_set``."""
        from guardian.shortcuts import get_users_with_perms

        return cast(
            models.QuerySet, get_users_with_perms(self, only_with_perms_in=["view_catalog"], with_superusers=False)
        )


class CatalogQueryIndex(models.Model):
    """One value a catalog's query requires content to hold on its most selective indexed field.

    From ``Query.candidate_keys()``: content can only match the catalog if, on each listed field, it holds
    one of the listed values. One field is enough to narrow the catalogs a changed document could belong to,
    so only the most selective one is stored (see catalog.services.catalogs.INDEX_FIELD_PRIORITY); the
    Python evaluator then decides.
    """

    catalog = models.ForeignKey(
        Catalog, on_delete=models.CASCADE, related_name="index_entries", db_index=False, verbose_name=_("catalog")
    )
    field = models.CharField(max_length=64, verbose_name=_("field"))
    value = models.TextField(
        help_text=_("The normalized value, encoded by catalog.selectors.matching.encode_value."),
        verbose_name=_("value"),
    )

    class Meta:
        verbose_name = _("catalog query index")
        verbose_name_plural = _("catalog query indexes")
        indexes = [models.Index(fields=["field", "value"], name="catalog_index_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["catalog", "field", "value"], name="catalog_index_unique_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.catalog_id}: {self.field}={self.value}"
