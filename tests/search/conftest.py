"""Search fixtures: the database backend (on whichever database the suite runs) and small document sets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from course_metadata.changelog import consumers
from course_metadata.changelog.consumers import register_consumer
from search import schema
from search.backends import reset_backend
from search.backends.base import Document
from search.backends.database import DatabaseBackend
from search.documents import _doc
from search.indexing import CONSUMER_NAME, handle_changes


@pytest.fixture
def backend(db: None, settings: Any) -> Iterator[DatabaseBackend]:
    settings.SEARCH_BACKEND = "database"
    reset_backend()
    yield DatabaseBackend()
    reset_backend()


def make_doc(content_type: str, uuid: str, **body: Any) -> Document:
    body.setdefault("aggregation_key", f"{content_type}:{body.get('key', uuid)}")
    body.setdefault("partner", "edx")
    return _doc(content_type, uuid, dict(body))


@pytest.fixture
def doc() -> Callable[..., Document]:
    return make_doc


@pytest.fixture
def only_search_consumer() -> Iterator[None]:
    """The change log drives only the search consumer in these tests."""
    saved = dict(consumers._consumers)
    consumers._consumers.clear()
    register_consumer(CONSUMER_NAME, handle_changes)
    try:
        yield
    finally:
        consumers._consumers.clear()
        consumers._consumers.update(saved)


__all__ = ["make_doc", "schema"]
