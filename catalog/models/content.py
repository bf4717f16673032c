"""Content documents: one row per course, run, program and learner pathway, with its query fields.

The JSON document (ContentDocument, in a table of its own) is what the Python evaluator reads. The same
values are also kept in typed columns (``f_<field>``, one per scalar query field) and in ContentFieldValue
rows (list-valued fields), so the database evaluator can run a catalog query as plain SQL on PostgreSQL and
SQLite alike. Keeping the JSON out of this table keeps its rows narrow: a rebuild scans them for every
catalog, and three times as many fit a page without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.query import FIELDS, Kind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ContentType(models.TextChoices):
    COURSE = "course", _("Course")
    COURSE_RUN = "courserun", _("Course run")
    PROGRAM = "program", _("Program")
    LEARNER_PATHWAY = "learnerpathway", _("Learner pathway")


# Numbers are stored exactly with this many decimal places (prices have two).
NUMBER_DECIMAL_PLACES = 10
NUMBER_MAX_DIGITS = 30


def _text(verbose_name: StrOrPromise) -> models.TextField:
    # NULL means the document lacks the field; an empty string is a value a query can test.
    return models.TextField(null=True, blank=True, verbose_name=verbose_name)


class ContentMetadata(models.Model):
    """The stored document of one piece of official content, built by catalog.services.content."""

    content_type = models.CharField(max_length=16, choices=ContentType.choices, verbose_name=_("content type"))
    object_id = models.BigIntegerField(
        help_text=_("Primary key of the official course, run, program or pathway."), verbose_name=_("object id")
    )
    content_key = models.CharField(
        max_length=255,
        db_index=True,
        help_text=_("Course or run key; UUID of a program or pathway."),
        verbose_name=_("content key"),
    )
    uuid = models.UUIDField(null=True, blank=True, verbose_name=_("uuid"))
    parent_key = models.CharField(
        max_length=255, blank=True, help_text=_("A run's course key."), verbose_name=_("parent key")
    )
    course_id = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A course's own primary key; a run's course's."),
        verbose_name=_("course id"),
    )
    document_hash = models.CharField(max_length=32, blank=True, verbose_name=_("document hash"))
    list_values_hash = models.CharField(
        max_length=32,
        blank=True,
        help_text=_("Fingerprint of the ContentFieldValue rows, to rewrite them only on change."),
        verbose_name=_("list values hash"),
    )
    data_modified_timestamp = models.DateTimeField(
        help_text=_("When the content's data (or a computed field, as time passed) last changed."),
        verbose_name=_("data modified timestamp"),
    )
    next_boundary = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When a computed field (availability, price) next changes."),
        verbose_name=_("next boundary"),
    )
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    modified = models.DateTimeField(auto_now=True, verbose_name=_("modified"))

    # --- query columns: one per scalar field of catalog.query.FIELDS, NULL meaning "missing" ---
    f_content_type = _text(_("f content type"))
    f_partner = _text(_("f partner"))
    f_key = _text(_("f key"))
    f_aggregation_key = _text(_("f aggregation key"))
    f_uuid = models.CharField(max_length=36, null=True, blank=True, verbose_name=_("f uuid"))  # noqa: DJ001  (NULL is "missing", "" a value)
    f_org = _text(_("f org"))
    f_level_type = _text(_("f level type"))
    f_availability = _text(_("f availability"))
    f_status = _text(_("f status"))
    f_pacing_type = _text(_("f pacing type"))
    f_course_type = _text(_("f course type"))
    f_program_type = _text(_("f program type"))
    f_enterprise_subscription_inclusion = models.BooleanField(
        null=True, blank=True, verbose_name=_("f enterprise subscription inclusion")
    )
    f_first_enrollable_paid_seat_price = models.DecimalField(
        max_digits=NUMBER_MAX_DIGITS,
        decimal_places=NUMBER_DECIMAL_PLACES,
        null=True,
        blank=True,
        verbose_name=_("f first enrollable paid seat price"),
    )
    f_start = models.DateTimeField(null=True, blank=True, verbose_name=_("f start"))
    f_end = models.DateTimeField(null=True, blank=True, verbose_name=_("f end"))
    f_hidden = models.BooleanField(null=True, blank=True, verbose_name=_("f hidden"))
    f_title = _text(_("f title"))

    class Meta:
        verbose_name = _("content metadata")
        verbose_name_plural = _("content metadata")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="content_unique_object"),
        ]
        indexes = [
            models.Index(fields=["f_org"], name="content_f_org"),
            models.Index(fields=["f_partner", "f_content_type"], name="content_f_partner_type"),
            models.Index(fields=["f_aggregation_key"], name="content_f_aggregation_key"),
            models.Index(fields=["f_key"], name="content_f_key"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type} {self.content_key}"

    @property
    def document(self) -> dict:
        """The stored document (select_related("body") when reading many)."""
        return self.body.document


class ContentDocument(models.Model):
    """The JSON document of one ContentMetadata row: the query fields and a few display fields."""

    content = models.OneToOneField(
        ContentMetadata, on_delete=models.CASCADE, primary_key=True, related_name="body", verbose_name=_("content")
    )
    document = models.JSONField(default=dict, verbose_name=_("document"))

    class Meta:
        verbose_name = _("content document")
        verbose_name_plural = _("content documents")

    def __str__(self) -> str:
        return f"document of {self.content_id}"


class ContentFieldValue(models.Model):
    """One value of a list-valued query field (organizations, language, subjects, seat types)."""

    # The unique (content, field, value) index serves lookups by content.
    content = models.ForeignKey(
        ContentMetadata,
        on_delete=models.CASCADE,
        related_name="field_values",
        db_index=False,
        verbose_name=_("content"),
    )
    field = models.CharField(max_length=64, verbose_name=_("field"))
    value = models.TextField(verbose_name=_("value"))

    class Meta:
        # (field, value, content): a catalog's list test is an index-only scan yielding content ids.
        verbose_name = _("content field value")
        verbose_name_plural = _("content field values")
        indexes = [models.Index(fields=["field", "value", "content"], name="content_field_value_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["content", "field", "value"], name="content_field_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.content_id}: {self.field}={self.value}"


SCALAR_COLUMNS: dict[str, str] = {name: f"f_{name}" for name, spec in FIELDS.items() if not spec.many}
MANY_FIELDS: frozenset[str] = frozenset(name for name, spec in FIELDS.items() if spec.many)


def _check_columns() -> None:
    # A field added to the query language needs a column (or side rows) before it can be stored.
    declared = {field.name for field in ContentMetadata._meta.local_fields}
    missing = [column for column in SCALAR_COLUMNS.values() if column not in declared]
    if missing:
        raise RuntimeError(f"ContentMetadata lacks query columns {missing}")
    if any(FIELDS[name].kind is not Kind.STRING for name in MANY_FIELDS):
        raise RuntimeError("list-valued query fields are stored as text; a non-string one needs a new column")


_check_columns()
