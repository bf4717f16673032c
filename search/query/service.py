"""Answering query strings for the rest of Lyceum: parse, then ask the search backend which objects match.

``course_metadata.selectors.query_strings`` declares the question; ``search.apps`` registers
``matching_uuids`` as its answer. The backend is anything with a field table and a way to find the
UUIDs of the documents of one content type a node tree selects (``QueryBackend``). Until the search
backends are wired in, the default is ``EvaluatorBackend`` over the interim documents of
``search.query.interim``: the reference evaluator, object by object.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID

from course_metadata.selectors.query_strings import QueryRejected
from search.query import evaluate
from search.query.errors import QueryError
from search.query.fields import FieldTable
from search.query.nodes import MatchAll, Node
from search.query.parse import parse_query


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


_backend: QueryBackend | None = None


def current_backend() -> QueryBackend:
    if _backend is not None:
        return _backend
    from search.query import interim

    return EvaluatorBackend(interim.FIELDS, interim.documents)


@contextmanager
def use_backend(backend: QueryBackend) -> Iterator[QueryBackend]:
    """Answer query strings from ``backend`` inside the block (tests)."""
    global _backend
    previous, _backend = _backend, backend
    try:
        yield backend
    finally:
        _backend = previous


def parse(text: str) -> Node:
    """The node tree of ``text`` over the current backend's fields; QueryRejected when it cannot be read."""
    try:
        return parse_query(text, current_backend().fields)
    except QueryError as error:
        raise QueryRejected(str(error)) from None


def matching_uuids(text: str, content_type: str, among: Collection[UUID] | None) -> frozenset[UUID] | None:
    """What ``course_metadata`` asks (see ``QueryStringMatcher``): the UUIDs ``text`` selects."""
    node = parse(text)
    if isinstance(node, MatchAll):
        return None if among is None else frozenset(among)
    if among is not None and not among:
        return frozenset()
    wanted = None if among is None else [str(value) for value in among]
    return frozenset(UUID(value) for value in current_backend().matching_uuids(node, content_type, wanted))
