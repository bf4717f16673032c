"""The database backend's storage: index generations and their documents (ADR 0081).

A generation is one complete index; exactly one is ``live`` (searched), at most one is ``building``
(``update_index`` filling it) and the ``retired`` ones are kept for a while. Documents carry their
searchable text in vendor columns the migrations add: on PostgreSQL a weighted ``tsvector`` and the
per-field lexemes (``field_tokens``), both GIN-indexed; on SQLite an FTS5 table (``search_fts``) whose
rowid is the document's id.
"""

from __future__ import annotations

from django.db import models


class SearchGeneration(models.Model):
    class State(models.TextChoices):
        BUILDING = "building"
        LIVE = "live"
        RETIRED = "retired"

    name = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    swapped = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class SearchDocument(models.Model):
    generation = models.ForeignKey(SearchGeneration, on_delete=models.CASCADE, related_name="documents")
    doc_id = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32)
    partner = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=255, blank=True)
    aggregation_key = models.CharField(max_length=300)
    sort_start = models.CharField(max_length=40, blank=True)
    sort_title = models.CharField(max_length=300, blank=True)
    body = models.JSONField()
    # The structured fields alone (search.schema.STRUCTURED): small, so conditions on them read little.
    facts = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["generation", "doc_id"], name="search_document_unique_id")]
        indexes = [models.Index(fields=["generation", "content_type", "sort_start"], name="search_doc_gen_type_start")]

    def __str__(self) -> str:
        return self.doc_id
