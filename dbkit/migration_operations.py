"""A migration operation for label-only changes (verbose names, help texts, choice labels).

Django writes one ``AlterField`` per field whose label changed. None of them touches the database, but
applying each one re-renders the model and its related models in the migration state, so marking every
field's name for translation (about 650 ``AlterField``) took a first ``migrate`` on SQLite from about 9 s
to over a minute. ``AlterLabels`` applies the same state changes at once and renders the models once
(ADR 0160).
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import Field

# What this operation may change: attributes Django itself never sends to the database.
LABEL_OPTIONS = frozenset({"verbose_name", "verbose_name_plural"})


class AlterLabels(Operation):
    """Replace fields (differing only in labels) and set model verbose names; nothing runs in the database."""

    reduces_to_sql = False
    reversible = True

    def __init__(
        self,
        fields: list[tuple[str, str, Field]] | None = None,
        options: list[tuple[str, dict[str, Any]]] | None = None,
    ) -> None:
        self.fields = list(fields or [])
        self.options = list(options or [])
        for model_name, model_options in self.options:
            unknown = set(model_options) - LABEL_OPTIONS
            if unknown:
                raise ValueError(f"AlterLabels only sets {sorted(LABEL_OPTIONS)}; {model_name} has {sorted(unknown)}")

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [], {"fields": self.fields, "options": self.options}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        touched: set[tuple[str, str]] = set()
        for model_name, name, field in self.fields:
            model_key = (app_label, model_name.lower())
            fields = state.models[model_key].fields
            if state._relations is not None:  # type: ignore[attr-defined]
                old_field = fields.pop(name)
                if old_field.is_relation:
                    state.resolve_model_field_relations(model_key, name, old_field)
                fields[name] = field
                if field.is_relation:
                    state.resolve_model_field_relations(model_key, name, field)
            else:
                fields[name] = field
            touched.add(model_key)
        for model_name, model_options in self.options:
            model_key = (app_label, model_name.lower())
            model_state = state.models[model_key]
            model_state.options = {**model_state.options, **model_options}
            touched.add(model_key)
        if touched:
            state.reload_models(sorted(touched), delay=True)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        """Labels live in Python only."""

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        """Labels live in Python only."""

    def describe(self) -> str:
        return f"Change the labels of {len(self.fields)} fields and {len(self.options)} models"

    @property
    def migration_name_fragment(self) -> str:
        return "labels"
