"""Strict request bodies: a key the serializer does not write is a 400 naming it, not silently dropped.

A misspelt field (``titel``) or a read-only one (``uuid``, ``content_version``) used to be ignored and
the write answered 200, so the client believed a change was saved that was not. Every write serializer
mixes this in (see ADR 0053): unknown keys and read-only fields are refused, except identity fields
echoed back unchanged, so a client may send back the object it read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

UNKNOWN = _("Unknown field.")
READ_ONLY = _("This field is read-only; leave it out of the body.")
CHANGED_IDENTITY = _("This field identifies the object and cannot change; leave it out or send its current value.")
NUL_CHARACTER = _("Null characters are not allowed.")

# Identity fields a client may send back as read, compared with the instance being updated.
ECHOED_IDENTITY = ("id", "uuid", "key")
# Sent by Django's HTML forms (the browsable API), not part of any resource.
FORM_EXTRAS = frozenset({"csrfmiddlewaretoken"})


class StrictInputMixin:
    """Refuse body keys that the serializer would not write.

    ``refused_fields`` maps a name to the reason it is refused, where "unknown" would mislead (a field
    the read API shows that this endpoint deliberately does not take).
    """

    refused_fields: ClassVar[dict[str, StrOrPromise]] = {}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = self.unexpected_fields(data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]

    def unexpected_fields(self, data: Mapping[str, Any]) -> dict[str, list[StrOrPromise]]:
        fields = self.fields  # type: ignore[attr-defined]
        errors: dict[str, list[StrOrPromise]] = {}
        for name in data:
            field = fields.get(name)
            if _holds_nul(data.getlist(name) if isinstance(data, QueryDict) else data[name]):
                # No text column stores one, and a lookup with one (a slug, a key) fails in the database.
                errors[name] = [NUL_CHARACTER]
                continue
            if field is not None and not field.read_only:
                continue
            if isinstance(data, QueryDict) and name in FORM_EXTRAS:
                continue
            if name in self.refused_fields:
                errors[name] = [self.refused_fields[name]]
            elif field is None:
                errors[name] = [UNKNOWN]
            elif name in ECHOED_IDENTITY and self._unchanged(name, data[name]):
                continue
            else:
                errors[name] = [CHANGED_IDENTITY if name in ECHOED_IDENTITY and self._instance() else READ_ONLY]
        return errors

    def _instance(self) -> Any:
        # A nested serializer validates part of its parent's body: only the top-level one has the instance.
        return getattr(self, "instance", None) if getattr(self, "parent", None) is None else None

    def _unchanged(self, name: str, value: Any) -> bool:
        instance = self._instance()
        return instance is not None and str(getattr(instance, name, None)) == str(value)


def _holds_nul(value: Any) -> bool:
    """Whether a body value, or a string in a list of them, holds a NUL (nested objects check their own)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(isinstance(item, str) and "\x00" in item for item in value)
    return False


class StrictSerializer(StrictInputMixin, serializers.Serializer):
    """A plain input serializer with strict keys."""
