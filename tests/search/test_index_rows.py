"""The text search columns a write stores on PostgreSQL: each distinct text of a batch is parsed once and shared
by the documents that hold it, so each document's columns must still be exactly what parsing its own texts gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from search import schema
from search.backends.database import DatabaseBackend
from search.backends.database.indexing import GAP, _pg_text
from search.backends.database.storage import DOCS, UNWEIGHTED_TEXT
from tests.search.conftest import make_doc

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="text search columns are PostgreSQL's")


def _batch() -> list[Any]:
    """A course and two runs that repeat its title, descriptions and organizations (one run has a title of its
    own), and a program with other texts: the batch has shared and distinct texts in every class and field."""
    shared = {
        "full_description": "<p>Waves, particles and the Schrödinger equation.</p>",
        "short_description": "An introduction to quantum physics",
        "authoring_organizations": ["HarvardX: Harvard"],
        "outcome": "Solve the hydrogen atom",
        "level_type": "Introductory",
    }
    return [
        make_doc("course", "c1", key="HarvardX+QM1", title="Quantum Mechanics", text="HarvardX+QM1", **shared),
        make_doc("courserun", "r1", key="course-v1:HarvardX+QM1+1T", title="Quantum Mechanics", **shared),
        make_doc("courserun", "r2", key="course-v1:HarvardX+QM1+2T", title="Quantum Mechanics II", **shared),
        make_doc(
            "program",
            "p1",
            title="Physics",
            subtitle="Quantum and classical",
            overview="Four courses",
            authoring_organizations=["MITx: MIT"],
        ),
    ]


def _expected(body: dict[str, Any]) -> tuple[str, list[str]]:
    """Each document's vector and per-field lexemes, computed from its own texts alone."""
    classes: dict[str, list[str]] = {klass: [] for klass in "ABCD"}
    for name, klass in schema.TEXT_WEIGHTS.items():
        if body.get(name) and (text := _pg_text(body[name])):
            classes[klass].append(text)
    vector_sql = " || ".join(f"setweight(to_tsvector('english', %s), '{klass}')" for klass in "ABCD").replace(
        " || ", f" || {GAP} || "
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ts_delete({vector_sql}, '-'::text)::text", ["\n".join(classes[klass]) for klass in "ABCD"]
        )
        vector = cursor.fetchone()[0]
        tokens: list[str] = []
        for name in UNWEIGHTED_TEXT:
            if body.get(name):
                cursor.execute(
                    "SELECT array(SELECT %s || ':' || l FROM unnest(tsvector_to_array(to_tsvector('english', %s))) l)",
                    [name, _pg_text(body[name])],
                )
                tokens += cursor.fetchone()[0]
    return vector, sorted(tokens)


def test_documents_sharing_texts_store_what_their_own_texts_give(backend: DatabaseBackend) -> None:
    batch = _batch()
    backend.index(batch)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT doc_id, search_vector::text, field_tokens, facts FROM {DOCS} ORDER BY doc_id")
        stored = {doc_id: (vector, sorted(tokens), facts) for doc_id, vector, tokens, facts in cursor.fetchall()}
    assert set(stored) == {document.id for document in batch}
    for document in batch:
        vector, tokens, facts = stored[document.id]
        facts = facts if isinstance(facts, dict) else json.loads(facts)
        assert (vector, tokens) == _expected(document.body), document.id
        assert facts == {name: value for name, value in document.body.items() if name in schema.STRUCTURED}
    # The run with a title of its own does not share the course's class A vector.
    assert "'ii'" in stored["courserun:r2"][0]
    assert "'ii'" not in stored["courserun:r1"][0]


def test_wide_rows_are_compressed_with_lz4_where_the_server_has_it(backend: DatabaseBackend) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        found = cursor.fetchone()
    if not found or not found[0]:
        pytest.skip("this PostgreSQL server has no lz4")
    runs = [f"course-v1:HarvardX+QM1+{term}T{year}" for year in range(2000, 2100) for term in (1, 2, 3)]
    backend.index([make_doc("course", "c1", key="HarvardX+QM1", title="Quantum Mechanics", course_runs=runs)])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_column_compression(facts) FROM {DOCS}")
        assert cursor.fetchone()[0] == "lz4"
