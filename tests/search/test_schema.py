"""The field registry and what is built on it stay in step."""

from __future__ import annotations

import importlib

import pytest

from search import schema
from search.backends.database import FTS_COLUMNS
from search.documents import _doc

migration = importlib.import_module("search.migrations.0002_text_search_columns")


def test_the_fts_table_has_a_column_for_every_text_field() -> None:
    assert tuple(migration.FTS_COLUMNS) == FTS_COLUMNS


def test_raw_forms_exist_only_for_text_fields_that_declare_them() -> None:
    assert schema.resolve("organizations.raw") == (schema.field("organizations"), True)
    assert schema.resolve("organizations") == (schema.field("organizations"), False)
    assert schema.resolve("seat_types") == (schema.field("seat_types"), True)
    assert schema.resolve("active")[0].name == "is_active"
    for name in ("title.raw", "seat_types.raw", "nothing"):
        with pytest.raises(schema.UnknownField):
            schema.resolve(name)


def test_weighted_text_fields_own_their_class_within_each_content_type() -> None:
    """The PostgreSQL backend matches a weighted field by its class and content types: no two weighted fields
    of one class may share a content type."""
    for weight in "ABCD":
        names = [name for name, klass in schema.TEXT_WEIGHTS.items() if klass == weight]
        for index, name in enumerate(names):
            for other in names[index + 1 :]:
                assert not schema.field(name).content_types & schema.field(other).content_types, (name, other)


def test_a_document_carries_every_field_of_its_type() -> None:
    document = _doc("courserun", "u1", {"title": "T"})
    assert {field.name for field in schema.fields_of(["courserun"])} <= set(document.body)
    assert document.id == "courserun:u1" and document.body["seat_types"] == []
