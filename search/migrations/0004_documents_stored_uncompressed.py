"""PostgreSQL: keep a document's structured fields and tsvector uncompressed (ADR 0081).

Every condition, boost and facet reads ``facts`` and ranking reads ``search_vector`` row by row; with the
default TOAST threshold (2 kB) a document's row had them compressed, and each of the several reads per
row decompressed them again. With the threshold at a full page, rows stay as written; a larger row has
its largest value (the body, read only for the page of hits) compressed first. Affects rows written
afterwards: ``update_index`` rewrites them all.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

UP = ["ALTER TABLE search_searchdocument SET (toast_tuple_target = 8160)"]
DOWN = ["ALTER TABLE search_searchdocument RESET (toast_tuple_target)"]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_labels")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
