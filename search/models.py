"""The database backend's storage: index generations and their documents (ADR 0081).

A generation is one complete index; exactly one is ``live`` (searched), at most one is ``building``
(``update_index`` filling it) and the ``retired`` ones are kept for a while. Documents carry their
searchable text in vendor columns the migrations add: on PostgreSQL a weighted ``tsvector`` and the
per-field lexemes (``field_tokens``), both GIN-indexed; on SQLite an FTS5 table (``search_fts``) whose
rowid is the document's id.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchGeneration(models.Model):
    class State(models.TextChoices):
        BUILDING = "building", _("building")
        LIVE = "live", _("live")
        RETIRED = "retired", _("retired")

    name = models.CharField(max_length=64, unique=True, verbose_name=_("name"))
    state = models.CharField(max_length=16, choices=State.choices, db_index=True, verbose_name=_("state"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    swapped = models.DateTimeField(null=True, blank=True, verbose_name=_("swapped"))

    class Meta:
        verbose_name = _("search index generation")

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class SearchDocument(models.Model):
    generation = models.ForeignKey(
        SearchGeneration, on_delete=models.CASCADE, related_name="documents", verbose_name=_("generation")
    )
    doc_id = models.CharField(max_length=200, verbose_name=_("document id"))
    content_type = models.CharField(max_length=32, verbose_name=_("content type"))
    partner = models.CharField(max_length=64, blank=True, verbose_name=_("partner"))
    key = models.CharField(max_length=255, blank=True, verbose_name=_("key"))
    aggregation_key = models.CharField(max_length=300, verbose_name=_("aggregation key"))
    sort_start = models.CharField(max_length=40, blank=True, verbose_name=_("start (for sorting)"))
    sort_title = models.CharField(max_length=300, blank=True, verbose_name=_("title (for sorting)"))
    body = models.JSONField(verbose_name=_("body"))
    # The structured fields alone (search.schema.STRUCTURED): small, so conditions on them read little.
    facts = models.JSONField(default=dict, verbose_name=_("structured fields"))

    class Meta:
        verbose_name = _("search document")
        constraints = [models.UniqueConstraint(fields=["generation", "doc_id"], name="search_document_unique_id")]
        indexes = [models.Index(fields=["generation", "content_type", "sort_start"], name="search_doc_gen_type_start")]

    def __str__(self) -> str:
        return self.doc_id
