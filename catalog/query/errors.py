"""The one exception the catalog query language raises for a query it cannot accept."""

from __future__ import annotations


class QueryError(ValueError):
    """A catalog query is invalid; ``key`` names the offending query key or Lucene fragment.

    Views turn this into a 400 and admin forms into a field error, so the message always
    starts with the key: an integration that stored a bad filter must see which part is wrong.
    """

    def __init__(self, key: str | None, detail: str) -> None:
        self.key = key
        self.detail = detail
        super().__init__(f"{key}: {detail}" if key is not None else detail)


class UnsupportedQuery(QueryError):
    """A well-formed query string in a form the clause tree cannot hold (OR across fields, wildcards, ...).

    ``parse_lucene`` then reads it with the search query language instead (ADR 0090).
    """
