"""The one exception the query-string language raises for a query it cannot answer."""

from __future__ import annotations


class QueryError(ValueError):
    """A query string is malformed or names something unknown; a 400 for whoever sent it.

    ``position`` is the 0-based offset in the query text of the offending ``token`` (None when the query
    ends too early), so the message says where to look: ``... at column 12 ('OR')``.
    """

    def __init__(self, detail: str, *, position: int | None = None, token: str | None = None) -> None:
        self.detail = detail
        self.position = position
        self.token = token
        super().__init__(self._message())

    def _message(self) -> str:
        if self.position is None and self.token is None:
            return self.detail
        where = "at the end" if self.position is None else f"at column {self.position + 1}"
        shown = f" ({self.token!r})" if self.token else ""
        return f"{self.detail} {where}{shown}"
