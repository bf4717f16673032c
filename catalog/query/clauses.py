"""Building validated clauses from raw values, shared by the dict and the Lucene parsers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from catalog.query.errors import QueryError
from catalog.query.fields import FIELDS, FieldSpec, Value
from catalog.query.tree import Clause, Lookup


def build_clause(key: str, field_name: str, lookup: Lookup, raw: object) -> Clause:
    """Validate one test and normalize its values; ``key`` is what errors name.

    ``raw`` is one value, ``None`` (null: the content is missing the field) or, for exact/not
    tests, a list of those meaning any-of / none-of.
    """
    spec = field_spec(key, field_name)
    if lookup.is_range:
        if not spec.ordered:
            raise QueryError(
                key,
                _("%(lookup)s compares numbers or dates, but %(field_name)s is a %(kind)s field")
                % {"lookup": lookup, "field_name": field_name, "kind": spec.kind},
            )
        if isinstance(raw, list | tuple):
            raise QueryError(key, _("%(lookup)s takes a single value, not a list") % {"lookup": lookup})
        if raw is None:
            raise QueryError(key, _("%(lookup)s needs a value, not null") % {"lookup": lookup})
        return Clause(spec, lookup, (_normalize(key, spec, raw),))
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    if not items:
        # An empty any-of list can never match; it is always a mistake in a stored filter.
        raise QueryError(key, _("an empty list is not a valid value"))
    values = tuple(_normalize(key, spec, item) for item in items if item is not None)
    return Clause(spec, lookup, values, null=any(item is None for item in items))


def field_spec(key: str, field_name: str) -> FieldSpec:
    """The registered field called ``field_name``; an unknown name is an error naming ``key``."""
    spec = FIELDS.get(field_name)
    if spec is None:
        raise QueryError(key, _("unknown field %(field_name)r") % {"field_name": field_name})
    return spec


def _normalize(key: str, spec: FieldSpec, raw: object) -> Value:
    try:
        return spec.normalize(raw)
    except ValueError as error:
        raise QueryError(key, str(error)) from None
