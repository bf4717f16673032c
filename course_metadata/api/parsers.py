"""Request body parsers shared by every API: JSON with a nesting limit, forms and multipart with a size limit.

Bad bodies are ParseError (400) and oversized ones PayloadTooLarge (413), never a server error: a
2 KB body of a thousand nested brackets used to overflow the parser's recursion (RecursionError, 500).
No write endpoint takes documents nested deeper than a handful of levels, so anything deeper than
``MAX_JSON_DEPTH`` is refused before any serializer, validator or JSON column walks it recursively.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

# Deepest array/object nesting a body may have. Publisher's deepest input (additional_metadata's facts)
# is four levels; the limit leaves room while staying far below Python's recursion limit.
MAX_JSON_DEPTH = 32


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        _("The request body is larger than this endpoint accepts (%(limit)s bytes).") % {"limit": f"{limit:,}"}
    )


def check_depth(document: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ParseError when ``document`` nests arrays/objects deeper than ``limit`` (iteratively: no recursion)."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            raise ParseError(
                _("JSON parse error - arrays and objects may be nested at most %(limit)s levels deep.")
                % {"limit": limit}
            )
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def load_json(raw: bytes) -> Any:
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        # orjson stops at its own nesting limit (1,024) with a decode error: that is a 400 as well.
        raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
    check_depth(document)
    return document


def content_length(parser_context: Any) -> int:
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {}) if request is not None else {}
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


class JSONParser(parsers.JSONParser):
    """JSON with orjson and a nesting limit.

    A subclass of DRF's JSONParser on purpose: DRF then reads the body through ``request.body``, where
    Django enforces ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the exception handler answers that with a 413).
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return load_json(stream.read())


class LargeJSONParser(parsers.BaseParser):
    """JSON for the few endpoints that take bodies past the default limit (a catalog diff's key set).

    Not a JSONParser subclass, so DRF hands over the raw stream and this parser applies its own limit,
    ``LYCEUM_LARGE_BODY_MAX_BYTES``, before reading.
    """

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.LYCEUM_LARGE_BODY_MAX_BYTES
        if content_length(parser_context) > limit:
            raise too_large(limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:  # a body longer than its Content-Length said
            raise too_large(limit)
        return load_json(raw)


class MultiPartParser(parsers.MultiPartParser):
    """Multipart forms within the default size limit.

    Django limits a multipart body's plain fields but streams its files to disk whatever their size; no
    endpoint stores uploads, so the whole body is held to ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and content_length(parser_context) > limit:
            raise too_large(limit)
        return super().parse(stream, media_type, parser_context)
