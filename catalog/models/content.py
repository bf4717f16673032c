"""Content documents: one row per course, run, program and learner pathway, with its query fields.

The JSON document (ContentDocument, in a table of its own) is what the Python evaluator reads. The same
values are also kept in typed columns (``f_<field>``, one per scalar query field) and in ContentFieldValue
rows (list-valued fields), so the database evaluator can run a catalog query as plain SQL on PostgreSQL and
SQLite alike. Keeping the JSON out of this table keeps its rows narrow: a rebuild scans them for every
catalog, and three times as many fit a page without it.
"""

from __future__ import annotations

from django.db import models

from catalog.query import FIELDS, Kind


class ContentType(models.TextChoices):
    COURSE = "course", "Course"
    COURSE_RUN = "courserun", "Course run"
    PROGRAM = "program", "Program"
    LEARNER_PATHWAY = "learnerpathway", "Learner pathway"


# Numbers are stored exactly with this many decimal places (prices have two).
NUMBER_DECIMAL_PLACES = 10
NUMBER_MAX_DIGITS = 30


def _text() -> models.TextField:
    # NULL means the document lacks the field; an empty string is a value a query can test.
    return models.TextField(null=True, blank=True)


class ContentMetadata(models.Model):
    """The stored document of one piece of official content, built by catalog.services.content."""

    content_type = models.CharField(max_length=16, choices=ContentType.choices)
    object_id = models.BigIntegerField(help_text="Primary key of the official course, run, program or pathway.")
    content_key = models.CharField(
        max_length=255, db_index=True, help_text="Course or run key; UUID of a program or pathway."
    )
    uuid = models.UUIDField(null=True, blank=True)
    parent_key = models.CharField(max_length=255, blank=True, help_text="A run's course key.")
    course_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text="A course's own primary key; a run's course's."
    )
    document_hash = models.CharField(max_length=32, blank=True)
    list_values_hash = models.CharField(
        max_length=32,
        blank=True,
        help_text="Fingerprint of the ContentFieldValue rows, to rewrite them only on change.",
    )
    data_modified_timestamp = models.DateTimeField(
        help_text="When the content's data (or a computed field, as time passed) last changed."
    )
    next_boundary = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When a computed field (availability, price) next changes."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    # --- query columns: one per scalar field of catalog.query.FIELDS, NULL meaning "missing" ---
    f_content_type = _text()
    f_partner = _text()
    f_key = _text()
    f_aggregation_key = _text()
    f_uuid = models.CharField(max_length=36, null=True, blank=True)  # noqa: DJ001  (NULL is "missing", "" a value)
    f_org = _text()
    f_level_type = _text()
    f_availability = _text()
    f_status = _text()
    f_pacing_type = _text()
    f_course_type = _text()
    f_program_type = _text()
    f_enterprise_subscription_inclusion = models.BooleanField(null=True, blank=True)
    f_first_enrollable_paid_seat_price = models.DecimalField(
        max_digits=NUMBER_MAX_DIGITS, decimal_places=NUMBER_DECIMAL_PLACES, null=True, blank=True
    )
    f_start = models.DateTimeField(null=True, blank=True)
    f_end = models.DateTimeField(null=True, blank=True)
    f_hidden = models.BooleanField(null=True, blank=True)
    f_title = _text()

    class Meta:
        verbose_name = "content metadata"
        verbose_name_plural = "content metadata"
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

    content = models.OneToOneField(ContentMetadata, on_delete=models.CASCADE, primary_key=True, related_name="body")
    document = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"document of {self.content_id}"


class ContentFieldValue(models.Model):
    """One value of a list-valued query field (organizations, language, subjects, seat types)."""

    # The unique (content, field, value) index serves lookups by content.
    content = models.ForeignKey(ContentMetadata, on_delete=models.CASCADE, related_name="field_values", db_index=False)
    field = models.CharField(max_length=64)
    value = models.TextField()

    class Meta:
        # (field, value, content): a catalog's list test is an index-only scan yielding content ids.
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
