"""PostgreSQL: a narrow typeahead table with a word-prefix index, and document bodies stored out of line (ADR 0091).

``search_typeahead`` holds one small row per visible (published, not hidden) course run and program
document of a generation: the folded title, its words as a ``simple`` tsvector (no stemming, so
``to_tsquery('simple', 'data:*')`` is a true word-prefix match) with a GIN index, and the sort key. A typeahead
reads only these rows, then the bodies of the few it returns. ``doc`` is the document row's id; the
backend deletes a document's row with it (no foreign key: Django's flush truncates the tables it knows,
and a foreign key from this unmanaged table would stop it).

The documents' ``body`` (read only for the page of hits) is stored out of line (``STORAGE EXTERNAL``) once a
row passes 4 kB, so a heap page holds several documents' ``facts`` and ``search_vector`` (what conditions,
ranking and facets read per row) instead of one; those stay uncompressed (migration 0004's reason).
Affects rows written afterwards: ``update_index`` rewrites them all. SQLite needs neither (FTS5 prefix
queries are indexed).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

UP = [
    """
    CREATE TABLE search_typeahead (
        doc bigint PRIMARY KEY,
        generation_id bigint NOT NULL,
        content_type varchar(32) NOT NULL,
        partner varchar(64) NOT NULL,
        title text NOT NULL,
        words tsvector NOT NULL,
        sort_key varchar(300) NOT NULL
    )
    """,
    "CREATE INDEX search_typeahead_words ON search_typeahead USING gin (words)",
    "CREATE INDEX search_typeahead_generation ON search_typeahead (generation_id)",
    "ALTER TABLE search_searchdocument ALTER COLUMN body SET STORAGE EXTERNAL",
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 4096)",
]
DOWN = [
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 8160)",
    "ALTER TABLE search_searchdocument ALTER COLUMN body SET STORAGE EXTENDED",
    "DROP TABLE IF EXISTS search_typeahead",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_documents_stored_uncompressed")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
