"""search.query.service: the answer registered for course_metadata's query-string question."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any
from uuid import UUID

import pytest

from course_metadata.selectors import query_strings
from course_metadata.selectors.query_strings import QueryRejected
from search.query.service import EvaluatorBackend, matching_uuids, use_backend
from tests.search.query.tables import TABLE

A, B, C = (UUID(int=number) for number in (1, 2, 3))
DOCUMENTS = {
    "course": [
        {"uuid": str(A), "title": "Data science", "org": "edX"},
        {"uuid": str(B), "title": "Medicine", "org": "MITx"},
    ],
    "program": [{"uuid": str(C), "title": "Data", "org": "edX"}],
}


def documents(content_type: str, among: Collection[str] | None) -> Iterator[dict[str, Any]]:
    for document in DOCUMENTS.get(content_type, []):
        if among is None or document["uuid"] in among:
            yield document


@pytest.fixture(autouse=True)
def backend() -> Iterator[None]:
    with use_backend(EvaluatorBackend(TABLE, documents)):
        yield


def test_the_uuids_of_the_content_type_the_query_selects() -> None:
    assert matching_uuids("data", "course", None) == {A}
    assert matching_uuids("org:edX", "program", None) == {C}
    assert matching_uuids("org:edX OR org:MITx", "course", {B}) == {B}
    assert matching_uuids("org:edX", "course", set()) == frozenset()


def test_everything_is_none_or_what_was_asked_about() -> None:
    assert matching_uuids("*:*", "course", None) is None
    assert matching_uuids("  ", "course", None) is None
    assert matching_uuids("*", "course", {A, B}) == {A, B}


def test_a_bad_query_is_refused_even_with_nothing_to_test() -> None:
    with pytest.raises(QueryRejected, match="unknown field 'nope'"):
        matching_uuids("nope:x", "course", set())


def test_search_registers_this_answer_at_start_up() -> None:
    assert query_strings.query_string_matcher() is matching_uuids
