"""Every route of the API, read from the URLconf, so tests that walk all endpoints also cover new ones.

A route's path parameters are filled from samples keyed by the route's collection (its first segment)
and the parameter's name; a new route whose parameter has no sample fails loudly rather than being
skipped, so whoever adds it also decides what the walking tests should call it with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "/api/v1/"

_GROUP_RE = re.compile(r"\(\?P<(\w+)>(?:[^()\\]|\\.)*\)")
_ANCHOR_RE = re.compile(r"\^|\\Z|\$")


@dataclass(frozen=True)
class Route:
    template: str  # "/api/v1/catalogs/{pk}/courses/"

    def __str__(self) -> str:
        return self.template

    @property
    def collection(self) -> str:
        return self.template.removeprefix(API_PREFIX).split("/", 1)[0]

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.template)

    def url(self, samples: Mapping[str, Mapping[str, Any]]) -> str:
        values = {}
        for name in self.parameters:
            try:
                values[name] = samples[self.collection][name]
            except KeyError:
                raise LookupError(
                    f"{self}: give the walking tests a sample for {self.collection!r} / {name!r}"
                ) from None
        return self.template.format(**values)


def _templates(patterns: Sequence[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for pattern in patterns:
        regex = prefix + _ANCHOR_RE.sub("", pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            yield from _templates(pattern.url_patterns, regex)
        else:
            yield regex


def _as_template(regex: str) -> str:
    # An optional trailing slash (enterprise-catalog's routes take both forms): walk the slashed one.
    regex = re.sub(r"/\?$", "/", regex)
    template = re.sub(r"\\(.)", r"\1", _GROUP_RE.sub(lambda match: "{" + match.group(1) + "}", regex))
    if re.search(r"[()\[\]?*+|]", template):
        raise ValueError(f"Cannot turn the route {regex!r} into a path: teach tests/api_routes.py its syntax.")
    return "/" + template


def api_routes() -> list[Route]:
    """The routes under /api/v1/, each once (``courses/`` is routed by Publisher's dispatcher and the read API)."""
    regexes = _templates(get_resolver().url_patterns, "")
    unique = dict.fromkeys(_as_template(regex) for regex in regexes if regex.startswith(API_PREFIX.lstrip("/")))
    # A route served without its trailing slash too (for clients that omit it) is the same endpoint.
    return [Route(template) for template in unique if f"{template}/" not in unique]


def is_page(response: Any) -> bool:
    """A paginated list answer (``count``, ``next``, ``previous``, ``results``)."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/json"):
        return False
    body = response.json()
    return isinstance(body, dict) and {"count", "next", "previous", "results"} <= set(body)
