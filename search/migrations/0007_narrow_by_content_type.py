"""PostgreSQL: ``search_narrow`` partitioned by content type, with ``words`` always out of line (ADR 0093).

The rows are copied from the table migration 0006 made (no reindex): a search of one content type reads
only that type's partition, and a row keeps its long ``words`` in the TOAST table, so a search that counts
and facets thousands of matches reads a few thousand small pages instead of one large page per match.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The content types as they were when this migration was written; a type added later lands in the default
# partition until a migration gives it its own.
PARTITIONS = ("course", "courserun", "program", "person", "learnerpathway")
# Short strings PostgreSQL would otherwise move out of line (or compress) before the filler once a row is
# being toasted; with MAIN they stay inline and uncompressed (their rows fit the page by far).
INLINE = ("content_type", "partner", "aggregation_key", "doc_id")
# PostgreSQL moves values out of line only from a row over about 2 kB (TOAST_TUPLE_THRESHOLD, fixed at
# compile time). The filler (its default: 2,100 spaces) makes every written row pass it, so ``words`` and
# ``words_b`` (STORAGE EXTERNAL, the only columns allowed out of line) always go to the TOAST table; the
# filler itself (STORAGE MAIN) is then compressed to a few dozen bytes inline.
FILLER = "toast_filler"
FILLER_LENGTH = 2100

UP = [
    "ALTER TABLE search_narrow RENAME TO search_narrow_0006",
    "CREATE TABLE search_narrow (LIKE search_narrow_0006 INCLUDING DEFAULTS INCLUDING STORAGE, "
    f"{FILLER} text NOT NULL DEFAULT repeat(' ', {FILLER_LENGTH})) PARTITION BY LIST (content_type)",
    f"ALTER TABLE search_narrow ALTER COLUMN {FILLER} SET STORAGE MAIN",
    "ALTER TABLE search_narrow ALTER COLUMN words_b SET STORAGE EXTERNAL",
    *(f"ALTER TABLE search_narrow ALTER COLUMN {name} SET STORAGE MAIN" for name in INLINE),
]
# Then the partitions (which take the filler's compression from the table) and the rows.
FILL = [
    *(f"CREATE TABLE search_narrow_{kind} PARTITION OF search_narrow FOR VALUES IN ('{kind}')" for kind in PARTITIONS),
    "CREATE TABLE search_narrow_other PARTITION OF search_narrow DEFAULT",
    # Copied in document order (the order a rebuild writes them in), each partition's rows packed.
    "INSERT INTO search_narrow SELECT * FROM search_narrow_0006 ORDER BY doc",
    "DROP TABLE search_narrow_0006",
    "ALTER TABLE search_narrow ADD PRIMARY KEY (doc, content_type)",
    "CREATE INDEX search_narrow_words ON search_narrow USING gin (words)",
    "CREATE INDEX search_narrow_words_a ON search_narrow USING gin (words_a)",
    "CREATE INDEX search_narrow_words_b ON search_narrow USING gin (words_b)",
    "CREATE INDEX search_narrow_generation ON search_narrow (generation_id)",
    "ANALYZE search_narrow",
]

# Back to migration 0006's table: one unpartitioned table, lexemes inline, the content-type lexeme that
# 0006's searches read put back into ``words``.
DOWN = [
    "ALTER TABLE search_narrow RENAME TO search_narrow_0007",
    f"ALTER TABLE search_narrow_0007 DROP COLUMN {FILLER}",
    "CREATE TABLE search_narrow (LIKE search_narrow_0007 INCLUDING DEFAULTS INCLUDING STORAGE) "
    "WITH (toast_tuple_target = 256)",
    "ALTER TABLE search_narrow ALTER COLUMN words_b SET STORAGE MAIN",
    *(f"ALTER TABLE search_narrow ALTER COLUMN {name} SET STORAGE EXTENDED" for name in INLINE),
    "INSERT INTO search_narrow SELECT * FROM search_narrow_0007 ORDER BY doc",
    "UPDATE search_narrow SET words = words || array_to_tsvector(ARRAY['~' || content_type])",
    "DROP TABLE search_narrow_0007",
    "ALTER TABLE search_narrow ADD PRIMARY KEY (doc)",
    "CREATE INDEX search_narrow_words ON search_narrow USING gin (words)",
    "CREATE INDEX search_narrow_words_a ON search_narrow USING gin (words_a)",
    "CREATE INDEX search_narrow_words_b ON search_narrow USING gin (words_b)",
    "CREATE INDEX search_narrow_generation ON search_narrow (generation_id, content_type)",
    "ANALYZE search_narrow",
]


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in UP:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    if row and row[0]:
        # Every write compresses the filler: lz4 takes about 1 µs a row where the default pglz takes about 11.
        schema_editor.execute(f"ALTER TABLE search_narrow ALTER COLUMN {FILLER} SET COMPRESSION lz4")
    for statement in FILL:
        schema_editor.execute(statement)


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DOWN:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_narrow_rows")]

    operations = [migrations.RunPython(up, down)]
