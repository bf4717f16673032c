"""The one entry point the search API uses to read ``q``: course-discovery's query-string language (the
parser of ``search.query.parse``, ADR 0090) over the fields of ``search.schema``.

Each schema field keeps its kind; a text field with an exact form is also known as ``<name>.raw`` (a
keyword), so ``subjects.raw:Medicine`` matches the whole value as the search backends store it. A bare word
searches the schema's weighted full-text fields.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from search import schema
from search.query.errors import QueryError
from search.query.fields import FieldKind, FieldTable
from search.query.nodes import Node
from search.query.parse import parse_query as parse_query_string

# A malformed query string; its message says what is wrong and where (the API answers 400 with it).
QueryStringError = QueryError


@functools.cache
def field_table() -> FieldTable:
    kinds: dict[str, FieldKind] = {}
    for found in schema.FIELDS:
        kinds[found.name] = FieldKind(found.kind.value)
        if found.raw:
            kinds[f"{found.name}{schema.RAW_SUFFIX}"] = FieldKind.KEYWORD
    # course-discovery's ``id`` is unique per document, like our ``aggregation_uuid`` (``course:<uuid>``).
    aliases = {**schema.ALIASES, "id": "aggregation_uuid"}
    return FieldTable(kinds=kinds, default_fields=tuple(schema.TEXT_WEIGHTS), aliases=aliases)


def parse_query(text: str, *, now: datetime | None = None) -> Node:
    """The node tree of ``q``; QueryStringError (a QueryError) names what is malformed and where."""
    return parse_query_string(text, field_table(), now=now)


def evaluator_document(body: Mapping[str, Any]) -> dict[str, Any]:
    """A search document as the reference evaluator reads it over ``field_table()``: the exact form of each
    text field, ``<name>.raw``, holds the field's values (the index keeps it as a keyword sub-field)."""
    document = dict(body)
    for found in schema.FIELDS:
        if found.raw and found.name in body:
            document[f"{found.name}{schema.RAW_SUFFIX}"] = body[found.name]
    return document
