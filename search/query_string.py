"""The one entry point the search API uses to read ``q``: query string → query tree.

PLACEHOLDER until the Lucene query-string parser (``searchq``) lands: words, ``field:value``, a trailing
``*`` for a prefix, ``*`` / ``*:*`` for everything, all of them required. The API calls only
``parse_query``; swapping in the full parser changes this module alone.
"""

from __future__ import annotations

from search import schema
from search.query.nodes import And, MatchAll, Node, Prefix, Term


class QueryStringError(ValueError):
    """A malformed query string; the message says where."""


def parse_query(text: str) -> Node:
    parts: list[Node] = []
    for token in text.split():
        if token in ("*", "*:*"):
            continue
        field, separator, value = token.partition(":")
        if separator and field and value:
            schema.resolve(field)  # UnknownField names it
        else:
            field, value = "", token
        if not value:
            raise QueryStringError(f"'{token}' has no value after ':'")
        name = field or None
        parts.append(Prefix(name, value[:-1]) if value.endswith("*") and len(value) > 1 else Term(name, value))
    if not parts:
        return MatchAll()
    return parts[0] if len(parts) == 1 else And(tuple(parts))
