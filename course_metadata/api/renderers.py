"""JSON rendering with orjson: several times faster than the standard library on large pages."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import orjson
from django.utils.functional import Promise
from django.utils.http import parse_header_parameters
from rest_framework.renderers import BaseRenderer


def _default(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazily translated string, before the iterable check below
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (uuid.UUID, datetime.timedelta)):
        return str(value)
    if hasattr(value, "__iter__"):
        return list(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def _wants_indent(accepted_media_type: str | None, renderer_context: Any) -> bool:
    """Indented output when the context asks for it (the browsable API renders the JSON that way) or the
    client does (``Accept: application/json; indent=4``), as DRF's own JSON renderer allows; orjson only
    indents by two spaces, so any positive width gives two."""
    if accepted_media_type:
        indent = parse_header_parameters(accepted_media_type)[1].get("indent", "")
        if indent:
            return indent.isdigit() and int(indent) > 0
    return bool(renderer_context and renderer_context.get("indent"))


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if renderer_context and getattr(renderer_context.get("response"), "accepted_renderer", None) is self:
            # DRF's Response puts itself in its renderer context before rendering: a reference cycle that
            # would keep the response's data alive after the request, until a garbage collection. Only the
            # renderer the response chose may drop it: the browsable API shares its context with the JSON
            # renderer it embeds and reads the response from it afterwards.
            del renderer_context["response"]
        option = orjson.OPT_INDENT_2 if _wants_indent(accepted_media_type, renderer_context) else 0
        try:
            return orjson.dumps(data, default=_default, option=option)
        except orjson.JSONEncodeError:
            # Keys other than strings cost a check on every key, so the option is only for data that has some.
            return orjson.dumps(data, default=_default, option=option | orjson.OPT_NON_STR_KEYS)
