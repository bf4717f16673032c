"""One declaration per public resource: each field's name, where its value comes from, its type, and whether
Publisher writes it. Selector columns, read serializers and Publisher inputs are built from it (ADR 0023).

A declaration needs no request: a field's value is computed from a row and a ``ReadContext``, so the
search documents can build the same values outside DRF.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from rest_framework import serializers

from course_metadata.api.v1.serializers.common import dt_string
from dbkit.json_values import Source
from dbkit.rows import FieldSpec, Row

# A field's value: from the resource's row, the read context (``api.v1.serializers.common.ReadContext``) and
# what else the representation is given with the row: a course's runs, a run's course row.
Value = Callable[[Row, Any, Any], Any]
SchemaField = Callable[[], serializers.Field]


class Write(enum.Enum):
    """How Publisher applies a field it accepts."""

    OWN = "own"  # set on the draft row's own attribute (``attr``), validated with full_clean()
    NESTED = "nested"  # a related row or list, applied by the Publisher service's nested writers
    IMMUTABLE = "immutable"  # accepted so that an unchanged value passes; a change is refused
    # Accepted because the Publisher front end sends it, and not stored (the incumbent ignores it too, or
    # Lyceum derives it); the input serializer drops it after validating it.
    IGNORED = "ignored"


@dataclass(frozen=True)
class PublicField:
    """One field of a resource, declared once.

    ``schema`` builds the read API's declared field (OpenAPI); None means the field is input only.
    ``value`` computes it; None reads ``row[name]`` as stored. ``columns`` names the row keys the value
    reads and their ORM source (a lookup path or an expression); they become the selector's columns.
    ``write`` says whether Publisher accepts it; ``input`` builds its input field (None: Publisher declares
    that field itself, because parsing it needs Publisher's own field classes); ``attr`` is the model
    attribute an ``OWN`` write sets (default: ``name``).
    """

    name: str
    schema: SchemaField | None
    value: Value | None = None
    columns: Mapping[str, Source] = field(default_factory=dict)
    write: Write | None = None
    input: SchemaField | None = None
    attr: str | None = None


def column(name: str, schema: SchemaField, **kwargs: Any) -> PublicField:
    """A field whose value is its own column, as stored."""
    return PublicField(name, schema, columns={name: name}, **kwargs)


def timestamp(name: str) -> PublicField:
    """A read-only date and time column, formatted as the API formats them."""
    return PublicField(
        name, serializers.DateTimeField, lambda row, ctx, extra: dt_string(row[name]), columns={name: name}
    )


def selector_spec(internal: Iterable[str], *groups: Sequence[PublicField]) -> FieldSpec:
    """The selector columns: the ``internal`` ones (keys, foreign keys) and every column a field reads."""
    spec: FieldSpec = {name: name for name in internal}
    for fields in groups:
        for public in fields:
            spec.update(public.columns)
    return spec


def schema_fields(fields: Sequence[PublicField]) -> dict[str, serializers.Field]:
    """The read serializer's declared fields, in declaration order."""
    return {public.name: public.schema() for public in fields if public.schema is not None}


def shape(name: str, fields: Sequence[PublicField]) -> type[serializers.Serializer]:
    """A serializer class that only declares ``fields``: the schema of an object nested in another."""
    return type(name, (serializers.Serializer,), schema_fields(fields))


def with_overrides(base: Sequence[PublicField], extra: Sequence[PublicField]) -> tuple[PublicField, ...]:
    """A long form: ``base`` in its order with same-named fields of ``extra`` replacing them, then the rest."""
    replacing = {public.name: public for public in extra}
    base_names = {public.name for public in base}
    return (
        *(replacing.get(public.name, public) for public in base),
        *(public for public in extra if public.name not in base_names),
    )


def representation(fields: Sequence[PublicField]) -> Callable[[Row, Any, Any], dict[str, Any]]:
    """The function that builds the read representation of ``fields``: ``(row, context, given) -> dict``.

    It is generated once per declaration, as the one dict display a hand-written function would return
    (a stored column is read inline, the rest call their ``value``): read serializers sit on the hottest
    path, and a loop over (name, function) pairs costs twice as much per object.
    """
    namespace: dict[str, Any] = {}
    items = []
    for index, public in enumerate(public for public in fields if public.schema is not None):
        if public.value is None:
            items.append(f"{public.name!r}: row[{public.name!r}]")
        else:
            namespace[f"value_{index}"] = public.value
            items.append(f"{public.name!r}: value_{index}(row, context, given)")
    body = ",\n        ".join(items)
    exec(f"def represent(row, context, given):\n    return {{\n        {body},\n    }}\n", namespace)
    return cast(Callable[[Row, Any, Any], dict[str, Any]], namespace["represent"])


def writable(fields: Sequence[PublicField], kind: Write | None = None) -> tuple[PublicField, ...]:
    return tuple(public for public in fields if public.write is not None and (kind is None or public.write is kind))


def ignored_names(fields: Sequence[PublicField]) -> tuple[str, ...]:
    """The fields Publisher accepts and drops (``Write.IGNORED``)."""
    return tuple(public.name for public in writable(fields, Write.IGNORED))


def own_attrs(fields: Sequence[PublicField]) -> frozenset[str]:
    """The model attributes Publisher sets directly."""
    return frozenset(public.attr or public.name for public in writable(fields, Write.OWN))


def input_fields(
    fields: Sequence[PublicField], declared: Mapping[str, serializers.Field]
) -> dict[str, serializers.Field]:
    """A Publisher input serializer's fields, in declaration order: the declaration's input field, or the one
    the serializer ``declared`` itself. A writable field with neither is a programming error."""
    built: dict[str, serializers.Field] = {}
    for public in writable(fields):
        if public.name in declared:
            built[public.name] = declared[public.name]
        elif public.input is not None:
            built[public.name] = public.input()
        else:
            raise LookupError(f"{public.name} is writable in Publisher but has no input field")
    return built


__all__ = [
    "PublicField",
    "Value",
    "Write",
    "column",
    "ignored_names",
    "input_fields",
    "own_attrs",
    "representation",
    "schema_fields",
    "selector_spec",
    "shape",
    "with_overrides",
    "writable",
]
