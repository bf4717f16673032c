"""Answering query strings for the rest of Lyceum: parse, then ask the search index which objects match.

``course_metadata.selectors.query_strings`` declares the question; ``search.apps`` registers
``matching_uuids`` as its answer. The answer comes from the configured search backend (``IndexBackend``:
one ``matching_ids`` query over the index, with the fields of ``search.schema`` as course-discovery names
them). ``EvaluatorBackend`` walks documents one by one with the reference evaluator; the agreement tests
use it as the oracle the index must agree with.

The index must neither lag behind the writes a client has just made nor be missing (ADR 0082): before it
answers, the search consumer is brought to the end of the change log, and an answer of "nothing" from an
index that holds nothing of the type while the database does is not given: the index is built first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID

from django.utils.translation import gettext as _

from course_metadata.selectors.query_strings import QueryRejected, QueryUnavailable
from search.backends import get_backend
from search.backends.base import SearchBackend, SearchUnavailable
from search.query import evaluate
from search.query.errors import QueryError
from search.query.fields import FieldTable
from search.query.nodes import And, MatchAll, Node, Or, Term
from search.query.parse import parse_query
from search.query_string import field_table

logger = logging.getLogger(__name__)


class QueryBackend(Protocol):
    @property
    def fields(self) -> FieldTable: ...

    def matching_uuids(self, node: Node, content_type: str, among: Collection[str] | None) -> Iterable[str]:
        """The ``uuid`` of each document of ``content_type`` that ``node`` selects (only among ``among``)."""
        ...


class EvaluatorBackend:
    """The reference evaluator over documents: correct by definition, one document at a time.

    ``documents(content_type, among)`` yields the documents of a type (only those whose ``uuid`` is in
    ``among`` when it is not None); each holds its UUID under ``uuid``.
    """

    def __init__(
        self,
        fields: FieldTable,
        documents: Callable[[str, Collection[str] | None], Iterable[Mapping[str, Any]]],
    ) -> None:
        self._fields = fields
        self._documents = documents

    @property
    def fields(self) -> FieldTable:
        return self._fields

    def matching_uuids(self, node: Node, content_type: str, among: Collection[str] | None) -> Iterator[str]:
        for document in self._documents(content_type, among):
            if evaluate.matches(node, document, self._fields):
                yield str(document["uuid"])


def restricted(node: Node, among: Collection[str] | None) -> Node:
    """``node`` limited to the documents whose ``uuid`` is one of ``among`` (a non-empty collection)."""
    if among is None:
        return node
    ids = Or(tuple(Term("uuid", value) for value in sorted(set(among))))
    return ids if isinstance(node, MatchAll) else And((ids, node))


class IndexBackend:
    """The configured search backend (``SEARCH_BACKEND``) answers, in one query against its index.

    ``index`` is the backend to ask (the configured one when None). ``keep_current`` runs the search
    consumer before each answer and builds a missing index (ADR 0082); tests of the bare query turn it off.
    """

    def __init__(self, index: SearchBackend | None = None, *, keep_current: bool = True) -> None:
        self._index = index
        self.keep_current = keep_current

    @property
    def fields(self) -> FieldTable:
        return field_table()

    @property
    def index(self) -> SearchBackend:
        return self._index or get_backend()

    def matching_uuids(self, node: Node, content_type: str, among: Collection[str] | None) -> list[str]:
        from search import freshness

        index = self.index
        try:
            if self.keep_current:
                freshness.catch_up(index)
            found = self._ask(index, node, content_type, among)
            if not found and self.keep_current and freshness.missing(index, content_type):
                # An index that holds nothing of the type while the database does is not an answer.
                freshness.build(index, content_type)
                found = self._ask(index, node, content_type, among)
                if not found and freshness.missing(index, content_type):
                    raise QueryUnavailable(
                        _(
                            "the search index holds no %(content_type)s document although the database does; "
                            "run `manage.py update_index`"
                        )
                        % {"content_type": content_type}
                    )
        except SearchUnavailable as error:
            raise QueryUnavailable(_("the search index cannot answer: %(error)s") % {"error": error}) from None
        return found

    @staticmethod
    def _ask(index: SearchBackend, node: Node, content_type: str, among: Collection[str] | None) -> list[str]:
        return [ref.uuid for ref in index.matching_ids(restricted(node, among), [content_type])]


_backend: QueryBackend | None = None


def current_backend() -> QueryBackend:
    return _backend if _backend is not None else IndexBackend()


@contextmanager
def use_backend(backend: QueryBackend) -> Iterator[QueryBackend]:
    """Answer query strings from ``backend`` inside the block (tests)."""
    global _backend
    previous, _backend = _backend, backend
    try:
        yield backend
    finally:
        _backend = previous


def parse(text: str, fields: FieldTable | None = None) -> Node:
    """The node tree of ``text`` over the current backend's fields; QueryRejected when it cannot be read."""
    try:
        return parse_query(text, fields or current_backend().fields)
    except QueryError as error:
        raise QueryRejected(str(error)) from None


def matching_uuids(text: str, content_type: str, among: Collection[UUID] | None) -> frozenset[UUID] | None:
    """What ``course_metadata`` asks (see ``QueryStringMatcher``): the UUIDs ``text`` selects."""
    backend = current_backend()
    node = parse(text, backend.fields)
    if isinstance(node, MatchAll):
        return None if among is None else frozenset(among)
    if among is not None and not among:
        return frozenset()
    wanted = None if among is None else [str(value) for value in among]
    return frozenset(UUID(value) for value in backend.matching_uuids(node, content_type, wanted))
