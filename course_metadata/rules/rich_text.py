"""Rich text (descriptions, outcomes, bios) is stored sanitized, whichever path wrote it (ADR 0073).

The allowed set is what marketing pages render from catalog text: paragraphs, emphasis, lists, links and
a few headings. Anything else (scripts, styles, event handlers, iframes, ``javascript:`` links) is removed
by nh3 (the Ammonia sanitizer), whatever the editor, API client, loader or event sent.

Each model names its rich-text columns in ``RICH_TEXT_FIELDS``; the write service ``row_save`` cleans them
before a row is written (ADR 0011), so the admin, the Publisher API, the loaders and the event bus all store
the same thing. Write paths that compare incoming values with stored ones before writing
(loaders, Publisher) clean the incoming values first with :func:`rich_text_values`, so an unchanged text is
seen as unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import nh3
from django.db import models

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(html: str) -> str:
    """``html`` with only the allowed tags, attributes and link schemes; links get ``rel="noopener noreferrer"``."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
    ).strip()


def rich_text_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "RICH_TEXT_FIELDS", ()))


def sanitize_rich_text(instance: models.Model, fields: Iterable[str] | None = None) -> list[str]:
    """Clean ``instance``'s rich-text attributes in place (only ``fields`` when given); return those that changed."""
    names = rich_text_fields(instance)
    if fields is not None:
        wanted = set(fields)
        names = tuple(name for name in names if name in wanted)
    changed = []
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str) and value:
            clean = sanitize_html(value)
            if clean != value:
                setattr(instance, name, clean)
                changed.append(name)
    return changed


def rich_text_values(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (by attribute name) with the model's rich-text ones cleaned, for comparing with stored rows."""
    names = rich_text_fields(model)
    return {
        name: sanitize_html(value) if name in names and isinstance(value, str) else value
        for name, value in values.items()
    }
