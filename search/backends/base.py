"""What every search backend does: the one interface the indexer, ``update_index`` and the API call.

A backend stores ``Document``s (built by ``search.documents``) and answers ``SearchRequest``s whose query is
a ``search.query.nodes`` tree over the fields of ``search.schema``. It never decides what is visible: the
documents hold what may be indexed at all (no drafts), the views add ``published``/``hidden`` conditions to
the tree as course-discovery's views do. Ranking comes from ``search.ranking`` so both backends share it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from search import schema
from search.query.nodes import And, Exists, Node, Not, Or, Prefix, Term
from search.text import words


@dataclass(frozen=True)
class Document:
    """One indexed document.

    ``id`` is course-discovery's ``aggregation_uuid``: ``"<content_type>:<uuid>"``, unique across types.
    ``body`` is what a hit returns and what queries match: every schema field the content type carries as a
    top-level key (lists for multi-valued fields, ISO strings for dates), plus display-only keys the search
    serializers need. It must be JSON-serialisable.
    """

    id: str
    content_type: str
    body: Mapping[str, Any]

    @property
    def uuid(self) -> str:
        return self.id.split(":", 1)[1]


@dataclass(frozen=True)
class DocRef:
    """Which document matched, without its body: for ``q`` filters and ``contains`` answers."""

    content_type: str
    uuid: str
    key: str | None  # a course's or run's key; None for programs, people and pathways


@dataclass(frozen=True)
class SearchRequest:
    """One search.

    ``query`` is the whole condition (the parsed ``q`` AND'ed with the filters and visibility rules).
    ``text`` is the free text the user typed, for relevance ranking (None: no ranking by text).
    ``facets`` are schema field names to count; ``facet_queries`` named conditions to count (course-
    discovery's ``availability_current`` …). ``ordering`` names sortable fields, ``-`` for descending; empty
    means by relevance (then ``aggregation_key`` as the tie-breaker, so paging is stable).
    Paging is ``offset``/``size``, or ``search_after`` (the ``sort`` of the last hit of the previous page).
    """

    query: Node
    content_types: tuple[str, ...]
    partner: str | None = None
    text: str | None = None
    facets: tuple[str, ...] = ()
    facet_queries: Mapping[str, Node] = field(default_factory=dict)
    ordering: tuple[str, ...] = ()
    offset: int = 0
    size: int = 20
    search_after: tuple[Any, ...] | None = None
    now: datetime.datetime | None = None  # for the ranking's date conditions; None: the current time


@dataclass(frozen=True)
class Hit:
    id: str
    content_type: str
    score: float
    sort: tuple[Any, ...]  # pass back as ``search_after`` to get the next page
    body: Mapping[str, Any]


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[Any, int]]]  # field → (value, count), most frequent first
    facet_queries: dict[str, int]


@dataclass(frozen=True)
class TypeaheadRequest:
    """Suggestions of one content type for what was typed: published, not hidden documents whose title has a
    word starting with each typed word; at most ``size``, best first."""

    text: str
    content_type: str
    partner: str | None = None
    size: int = 3


def typeahead_search_request(request: TypeaheadRequest) -> SearchRequest:
    """A typeahead as an ordinary search: what a backend without a typeahead index of its own runs."""
    visible = And((Not(Term("hidden", "true")), Or((Not(Exists("published")), Term("published", "true")))))
    prefixes = tuple(Prefix(name, token) for name in schema.TYPEAHEAD_FIELDS for token in words(request.text))
    return SearchRequest(
        query=And((visible, And(prefixes))),
        content_types=(request.content_type,),
        partner=request.partner,
        text=request.text,
        size=request.size,
    )


class IndexBuild(Protocol):
    """A fresh index (table or Elasticsearch index) being filled by ``update_index``; not live until swapped."""

    name: str

    def add(self, documents: Sequence[Document]) -> None: ...

    def count(self) -> int: ...

    def swap(self) -> None:
        """Make this index the live one, atomically (readers see the old or the new, never a mix)."""

    def discard(self) -> None: ...


class SearchBackend(Protocol):
    name: str

    def index(self, documents: Sequence[Document]) -> None:
        """Insert or replace these documents in the live index (idempotent)."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove these document ids from the live index; ids not there are ignored."""

    def count(self, content_types: Iterable[str] | None = None) -> int:
        """How many documents the live index holds (of these types)."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def matching_ids(self, node: Node, content_types: Iterable[str]) -> set[DocRef]:
        """Every document of ``content_types`` the query matches (no paging, no ranking)."""

    def typeahead(self, request: TypeaheadRequest) -> list[Hit]:
        """Suggestions for a typeahead (search/typeahead/), best first."""

    def new_build(self) -> IndexBuild:
        """Start a fresh timestamped index for ``update_index``."""

    def prune(self, keep: int) -> list[str]:
        """Drop all but the live index and the ``keep`` most recent older ones; return the dropped names."""

    def ensure_ready(self) -> None:
        """Create the live index if there is none (idempotent)."""


class SearchUnavailable(RuntimeError):
    """The backend cannot answer (cluster down, index missing): the API answers 503."""
