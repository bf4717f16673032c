"""The parsed search query: a small boolean tree every search backend compiles.

The query-string parser (course-discovery's Lucene syntax) and the catalog query tree both produce these
nodes; the database backend turns them into SQL, the Elasticsearch backend into its query DSL, and the
Python evaluator (the reference the others are tested against) walks them over documents.

``field`` is a name from ``search.schema`` or ``None`` for the default full-text fields (a bare word).
How a leaf matches depends on the field's kind: text fields match by analysed tokens (stemmed, accent- and
case-insensitive), keyword fields match the whole value exactly, numbers and dates compare as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchAll:
    """``*``, ``*:*`` or an empty query: every document."""


@dataclass(frozen=True)
class Term:
    """One word or value: ``medicine``, ``org:edX``, ``hidden:true``."""

    field: str | None
    value: str


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase: ``"data science"``; on a keyword field the same as an exact Term."""

    field: str | None
    value: str


@dataclass(frozen=True)
class Prefix:
    """A trailing wildcard, ``id:course*`` or ``pyth*``: what typeahead asks for."""

    field: str | None
    value: str


@dataclass(frozen=True)
class Wildcard:
    """Any other ``*``/``?`` pattern, ``title:*science``; ``pattern`` keeps the wildcards."""

    field: str | None
    pattern: str


@dataclass(frozen=True)
class Range:
    """``start:[2024-01-01 TO *]``, ``price:{10 TO 100}``, ``weeks_to_complete:>=4``; None is an open end."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Exists:
    """``field:*`` or ``_exists_:field``: the document has a value for the field."""

    field: str


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Leaf = MatchAll | Term | Phrase | Prefix | Wildcard | Range | Exists
Node = Leaf | And | Or | Not
