"""HTML that course teams write (descriptions, outcomes, bios) is cleaned to a small safe set before it is stored.

The allowed set is what marketing pages render from catalog text: paragraphs, emphasis, lists, links and
a few headings. Anything else (scripts, styles, event handlers, iframes, ``javascript:`` links) is removed
by nh3 (the Ammonia sanitizer), whatever the editor or client sent.
"""

from __future__ import annotations

import nh3

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
