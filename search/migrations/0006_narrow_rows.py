"""PostgreSQL: ``search_narrow``, one small row per document for ranking, filtering, counting and facets
(ADR 0092), backfilled from the existing documents in SQL (no reindex needed); typeahead words gain their
content type as a lexeme.

The columns per field are listed here as they were when this migration was written (a test compares the
list with ``search.backends.database.narrow.FIELDS``; a change there needs a migration). The backfill uses
the backend's own expressions (``narrow.select_columns``), the ones every write uses.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FIELDS = (
    "course_type",
    "end",
    "enrollment_end",
    "enrollment_start",
    "enterprise_subscription_inclusion",
    "external_course_marketing_type",
    "first_enrollable_paid_seat_price",
    "hidden",
    "is_active",
    "language",
    "level_type",
    "mobile_available",
    "organizations",
    "pacing_type",
    "prerequisites",
    "product_source",
    "published",
    "seat_types",
    "start",
    "status",
    "subjects",
    "transcript_languages",
    "type",
)
DATE_FIELDS = frozenset({"start", "end", "enrollment_start", "enrollment_end"})


def _columns() -> str:
    return ",\n".join(
        f"v_{name} {'timestamptz[]' if name in DATE_FIELDS else 'text[]'}" for name in FIELDS
    )


UP = [
    f"""
    CREATE TABLE search_narrow (
        doc bigint PRIMARY KEY,
        generation_id bigint NOT NULL,
        content_type varchar(32) NOT NULL,
        partner varchar(64) NOT NULL,
        aggregation_key varchar(300) NOT NULL,
        doc_id varchar(200) NOT NULL,
        static_boost double precision NOT NULL,
        words tsvector NOT NULL,
        words_a tsvector NOT NULL,
        words_b tsvector NOT NULL,
        {_columns()}
    ) WITH (toast_tuple_target = 256)
    """,
    # Once a row passes 2 kB, every lexeme goes out of line first (read only by the rare unmatched-tier
    # page); the rest stays inline and uncompressed while the row fits.
    "ALTER TABLE search_narrow ALTER COLUMN words SET STORAGE EXTERNAL",
    "ALTER TABLE search_narrow ALTER COLUMN words_a SET STORAGE MAIN",
    "ALTER TABLE search_narrow ALTER COLUMN words_b SET STORAGE MAIN",
    *(f"ALTER TABLE search_narrow ALTER COLUMN v_{name} SET STORAGE MAIN" for name in FIELDS),
]
INDEXES = [
    "CREATE INDEX search_narrow_words ON search_narrow USING gin (words)",
    "CREATE INDEX search_narrow_words_a ON search_narrow USING gin (words_a)",
    "CREATE INDEX search_narrow_words_b ON search_narrow USING gin (words_b)",
    "CREATE INDEX search_narrow_generation ON search_narrow (generation_id, content_type)",
    "ANALYZE search_narrow",
]
DOWN = [
    "DROP TABLE IF EXISTS search_narrow",
    "UPDATE search_typeahead SET words = to_tsvector('simple', title)",
]


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from search.backends.database import narrow  # the writer's own expressions

    for statement in UP:
        schema_editor.execute(statement)
    # The backend's expressions fit this table while its fields are the ones listed here; once a later
    # migration changes them, that migration fills the table (on a fresh database there is nothing to fill).
    if tuple(narrow.FIELDS) == FIELDS:
        columns, params = narrow.select_columns()
        schema_editor.execute(
            f"INSERT INTO search_narrow ({', '.join(narrow.COLUMNS)}) SELECT {columns} FROM search_searchdocument d",
            params,
        )
    # Typeahead words carry the content type as a lexeme too (the writer adds it from now on).
    schema_editor.execute("UPDATE search_typeahead SET words = words || array_to_tsvector(ARRAY['~' || content_type])")
    for statement in INDEXES:
        schema_editor.execute(statement)


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_typeahead_and_narrow_rows")]

    operations = [migrations.RunPython(up, down)]
