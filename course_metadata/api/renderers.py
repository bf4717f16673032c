"""JSON rendering with orjson: several times faster than the standard library on large pages."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import orjson
from rest_framework.renderers import BaseRenderer


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (uuid.UUID, datetime.timedelta)):
        return str(value)
    if hasattr(value, "__iter__"):
        return list(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if renderer_context:
            # DRF's Response puts itself in its renderer context before rendering: a reference cycle that
            # would keep the response's data alive after the request, until a garbage collection.
            renderer_context.pop("response", None)
        try:
            return orjson.dumps(data, default=_default)
        except orjson.JSONEncodeError:
            # Keys other than strings cost a check on every key, so the option is only for data that has some.
            return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
