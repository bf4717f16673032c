"""The database search backend: PostgreSQL full-text search, or SQLite FTS5 for the embedded default (ADR 0081).

Documents live in ``search_searchdocument`` (one row per document and index generation) with their body as
JSON; the query tree compiles to one SQL condition. The parts, by sub-domain:

- ``storage``: tables, columns and index generations (build, swap, prune);
- ``compiler``: query tree → SQL condition;
- ``indexing``: writing and deleting documents;
- ``querying``: ranked, paged searches and counts;
- ``facets``: facet counts by SQL aggregation;
- ``typeahead``: word-prefix suggestions from a narrow table (PostgreSQL);
- ``narrow``: the narrow per-document rows searches rank, count and facet from on PostgreSQL (ADR 0092).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from search.backends.base import (
    DocRef,
    Document,
    Hit,
    SearchRequest,
    SearchResult,
    TypeaheadRequest,
    typeahead_search_request,
)
from search.backends.database import indexing, querying, storage, typeahead
from search.backends.database.compiler import Compiler
from search.backends.database.storage import FTS_COLUMNS
from search.models import SearchGeneration
from search.query.nodes import Node

__all__ = ["FTS_COLUMNS", "Compiler", "DatabaseBackend", "DatabaseIndexBuild"]


class DatabaseIndexBuild:
    def __init__(self, backend: DatabaseBackend, generation: SearchGeneration) -> None:
        self.backend = backend
        self.generation = generation
        self.name = generation.name

    def add(self, documents: Sequence[Document]) -> None:
        indexing.write([self.generation.pk], documents, rebuild=True)

    def count(self) -> int:
        return storage.count(self.generation.pk)

    def swap(self) -> None:
        storage.swap(self.generation.pk)

    def discard(self) -> None:
        storage.drop(self.generation.pk)


class DatabaseBackend:
    name = "database"

    @property
    def vendor(self) -> str:
        return storage.vendor()

    # --- generations -----------------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        storage.ensure_ready()

    def new_build(self) -> DatabaseIndexBuild:
        return DatabaseIndexBuild(self, storage.new_generation())

    def prune(self, keep: int) -> list[str]:
        return storage.prune(keep)

    # --- writes ----------------------------------------------------------------------------------------

    def index(self, documents: Sequence[Document]) -> None:
        if documents:
            indexing.write(storage.writable(), documents)

    def delete(self, ids: Iterable[str]) -> None:
        wanted = set(ids)
        if wanted:
            indexing.delete(storage.writable(), wanted)

    # --- reads -----------------------------------------------------------------------------------------

    def count(self, content_types: Iterable[str] | None = None) -> int:
        live = storage.live()
        return 0 if live is None else storage.count(live, content_types)

    def matching_ids(self, node: Node, content_types: Iterable[str]) -> set[DocRef]:
        return querying.matching_ids(node, content_types)

    def search(self, request: SearchRequest) -> SearchResult:
        return querying.search(request)

    def typeahead(self, request: TypeaheadRequest) -> list[Hit]:
        if storage.vendor() == "postgresql":
            return typeahead.search(request)
        return querying.search(typeahead_search_request(request)).hits
