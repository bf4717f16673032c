"""The searchable text: on PostgreSQL a weighted tsvector and per-field lexemes with GIN indexes; on SQLite an
FTS5 table with one column per text field (``search.backends.database.FTS_COLUMNS``), rowid = document id."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Frozen here: a new text field in search.schema needs a migration that rebuilds search_fts
# (tests/search/test_schema.py compares the two).
FTS_COLUMNS = ["partner", "organizations", "text", "title", "key", "short_description", "full_description", "authoring_organizations", "sponsoring_organizations", "subjects", "level_type", "org", "outcome", "availability", "course_ends", "language", "transcript_languages", "staff", "type", "subtitle", "credit_backing_organizations", "full_name", "bio", "position", "overview"]

POSTGRES_UP = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "ALTER TABLE search_searchdocument ADD COLUMN field_tokens text[] NOT NULL DEFAULT '{}'",
    "CREATE INDEX search_doc_vector ON search_searchdocument USING gin (search_vector)",
    "CREATE INDEX search_doc_tokens ON search_searchdocument USING gin (field_tokens)",
    "CREATE INDEX search_doc_facts ON search_searchdocument USING gin (facts jsonb_path_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_doc_facts",
    "DROP INDEX IF EXISTS search_doc_tokens",
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN field_tokens",
    "ALTER TABLE search_searchdocument DROP COLUMN search_vector",
]
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({', '.join(FTS_COLUMNS)}, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS search_fts"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_documents_and_generations")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
