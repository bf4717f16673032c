"""Which courses, runs and programs a query string selects: a question the domain asks and search answers.

``q`` on the list endpoints and ``course_runs/contains/?query=`` take course-discovery's query-string
language, which only the search layer reads (``search.query``), and this app may not import it. So the
domain declares the question here and the search app registers its answer at start-up
(``search.apps``), as Publisher does for the editing rules (ADR 0056). Until something registers, every
query string is refused: a missing registration fails closed rather than answering "everything".
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from uuid import UUID

# course-discovery's content types, as search documents name them.
COURSE = "course"
COURSE_RUN = "courserun"
PROGRAM = "program"


class QueryRejected(ValueError):
    """The query string is malformed or names an unknown field; the message says what and where."""


class QueryUnavailable(RuntimeError):
    """No search layer can answer query strings right now (none registered, or its backend is down)."""


# (query string, content type, among) -> the UUIDs of the objects of that type the query selects, only
# among the given UUIDs when ``among`` is not None; None when the query selects every object of the type.
QueryStringMatcher = Callable[[str, str, Collection[UUID] | None], frozenset[UUID] | None]


def _unavailable(text: str, content_type: str, among: Collection[UUID] | None) -> frozenset[UUID] | None:
    raise QueryUnavailable("query strings are answered by the search app, which is not installed")


_matcher: QueryStringMatcher = _unavailable


def register_query_string_matcher(matcher: QueryStringMatcher) -> None:
    """Called once by the app that reads query strings, from its ``AppConfig.ready()``."""
    global _matcher
    _matcher = matcher


def query_string_matcher() -> QueryStringMatcher:
    """The registered matcher (tests swap it and put it back)."""
    return _matcher


def matching_uuids(text: str, content_type: str, *, among: Collection[UUID] | None = None) -> frozenset[UUID] | None:
    """The UUIDs of ``content_type`` objects that ``text`` selects (within ``among`` when given), or None
    for "every object": ``*``, ``*:*`` and a blank query. Raises QueryRejected or QueryUnavailable."""
    return _matcher(text, content_type, among)
