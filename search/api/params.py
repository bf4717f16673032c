"""The search API's parameters, course-discovery's: parsed into a ``SearchRequest``, strictly.

Every parameter either works or is a 400 naming it: unknown parameters, facets, query facets, filter fields,
lookups and orderings are refused. A POST (edx-enterprise's discovery client sends its catalog's content
filter as a JSON body) reads the body's keys as further query parameters.

Filters (``field``, ``field__lookup``):

- ``field=value`` (repeat the parameter, or join values with ``__``, for any of several): a keyword, number,
  date or boolean field's exact value; a text field's exact value (its ``.raw`` form) except ``key`` and
  ``short_description``, which match a phrase as in course-discovery;
- ``field__in`` / ``field__terms`` (values joined with ``__`` or repeated), ``field__exclude``;
- ``field__gt``, ``__gte``, ``__lt``, ``__lte``, ``field__range=low__high`` on numbers, dates and keywords.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from course_metadata.api.query_parameters import GENERIC_PARAMETERS
from search import schema
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Range, Term
from search.query_string import QueryStringError, parse_query
from search.text import BadValue, boolean_value, date_value, number_value

PAGE_SIZE = 20
MAX_PAGE_SIZE = 500
# Like Elasticsearch's result window: deeper pages are the v2 endpoint's (search_after).
MAX_WINDOW = 10_000
VALUE_SEPARATOR = "__"
PHRASE_FILTERS = frozenset({"key", "short_description", "full_description", "title"})
LOOKUPS = frozenset({"term", "terms", "in", "exclude", "gt", "gte", "lt", "lte", "range"})
COMMON_PARAMETERS = frozenset(
    {
        "q",
        "partner",
        "content_type",
        "page",
        "page_size",
        "ordering",
        "selected_facets",
        "selected_query_facets",
        *GENERIC_PARAMETERS,  # format and the cache-buster, as on every endpoint
        "detail_fields",
        "exclude_expired_course_run",
        "include_learner_pathways",
    }
)


def availability_queries() -> dict[str, Node]:
    """course-discovery's query facets (``selected_query_facets``), relative to the request's time."""
    return {
        "availability_current": And((Range("start", None, "now"), Range("end", "now", None))),
        "availability_starting_soon": Range("start", "now", "now+60d"),
        "availability_upcoming": Range("start", "now+60d", None),
        "availability_archived": Range("end", None, "now"),
    }


@dataclass
class Endpoint:
    """What one search endpoint searches and offers."""

    content_types: tuple[str, ...]
    facets: tuple[str, ...]
    query_facets: bool = False
    ordering: tuple[str, ...] = ("start", "aggregation_key")
    default_ordering: tuple[str, ...] = ()
    search_after: bool = False
    extra_parameters: frozenset[str] = field(default_factory=frozenset)


def bad(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def _values(params: Mapping[str, list[str]], name: str) -> list[str]:
    return [value for value in params.get(name, []) if value != ""]


def parameters(request: Request) -> dict[str, list[str]]:
    """Query parameters, plus a POST's JSON body read the same way (lists become repeated values)."""
    found: dict[str, list[str]] = {key: list(values) for key, values in request.query_params.lists()}
    if request.method == "POST":
        body = request.data
        if not isinstance(body, Mapping):
            raise bad("body", _("Send a JSON object of search parameters."))
        for key, value in body.items():
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                if isinstance(item, dict | list):
                    raise bad(str(key), _("Give a string, number, boolean or a list of them."))
                text = json.dumps(item) if isinstance(item, bool) else str(item)
                found.setdefault(str(key), []).append(text)
    return found


def _whole(name: str, raw: str, minimum: int, maximum: int) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise bad(
            name,
            _("'%(raw)s' is not a whole number from %(minimum)s to %(maximum)s.")
            % {"raw": raw, "minimum": minimum, "maximum": maximum},
        )
    number = int(raw)
    if not minimum <= number <= maximum:
        raise bad(
            name,
            _("'%(raw)s' is not a whole number from %(minimum)s to %(maximum)s.")
            % {"raw": raw, "minimum": minimum, "maximum": maximum},
        )
    return number


def page_values(params: Mapping[str, list[str]]) -> tuple[int, int]:
    size_values = _values(params, "page_size")
    page_size = _whole("page_size", size_values[-1], 1, MAX_PAGE_SIZE) if size_values else PAGE_SIZE
    page_values_ = _values(params, "page")
    page = _whole("page", page_values_[-1], 1, MAX_WINDOW) if page_values_ else 1
    if (page - 1) * page_size >= MAX_WINDOW:
        raise bad(
            "page",
            _("Pages end at result %(max_window)s; use /api/v2/search/all/ with search_after beyond it.")
            % {"max_window": MAX_WINDOW},
        )
    return page, page_size


def _typed(name: str, found: schema.SearchField, raw: str) -> None:
    """Check a filter value fits its field (the 400 names the parameter)."""
    try:
        if found.kind is schema.Kind.NUMBER:
            number_value(raw)
        elif found.kind is schema.Kind.BOOLEAN:
            boolean_value(raw)
        elif found.kind is schema.Kind.DATE:
            date_value(raw)
    except BadValue as error:
        raise bad(name, str(error)) from None


def _exact(found: schema.SearchField, value: str) -> Node:
    if found.kind is schema.Kind.TEXT:
        if found.name in PHRASE_FILTERS or not found.raw:
            return Phrase(found.name, value)
        return Term(f"{found.name}{schema.RAW_SUFFIX}", value)
    return Term(found.name, value)


def filter_node(name: str, raw_values: list[str], endpoint: Endpoint) -> Node:
    """One ``field[__lookup]`` filter parameter as a query node."""
    field_name, _unused, lookup = name.partition("__")
    if field_name == "key.raw":
        field_name, lookup = "key", lookup
        exact_key = True
    else:
        exact_key = False
    try:
        found = schema.field(field_name)
    except schema.UnknownField:
        raise bad(name, _("Unknown parameter or field '%(field_name)s'.") % {"field_name": field_name}) from None
    if not found.content_types & set(endpoint.content_types):
        raise bad(
            name,
            _("'%(field_name)s' is not a field of %(content_types)s documents.")
            % {"field_name": field_name, "content_types": ", ".join(endpoint.content_types)},
        )
    lookup = lookup or "term"
    if lookup not in LOOKUPS:
        raise bad(
            name,
            _("Unknown lookup '%(lookup)s'; use one of: %(lookups)s.")
            % {"lookup": lookup, "lookups": ", ".join(sorted(LOOKUPS))},
        )
    values = [part for raw in raw_values for part in raw.split(VALUE_SEPARATOR) if part != ""]
    if lookup == "range":
        values = [part for raw in raw_values for part in raw.split(VALUE_SEPARATOR)]
    if not values:
        raise bad(name, _("Give a value."))
    if lookup in ("gt", "gte", "lt", "lte", "range"):
        if found.kind is schema.Kind.BOOLEAN:
            raise bad(
                name,
                _("'%(field_name)s' is a boolean; compare it with %(field_name)s=true or false.")
                % {"field_name": field_name},
            )
        if lookup == "range":
            if len(values) != 2:
                raise bad(name, _("Give the range as low__high."))
            for value in values:
                if value:
                    _typed(name, found, value)
            return Range(found.name, values[0] or None, values[1] or None)
        value = values[-1]
        _typed(name, found, value)
        return {
            "gt": Range(found.name, value, None, include_low=False),
            "gte": Range(found.name, value, None),
            "lt": Range(found.name, None, value, include_high=False),
            "lte": Range(found.name, None, value),
        }[lookup]
    for value in values:
        _typed(name, found, value)
    if exact_key:
        nodes: list[Node] = [Term("key.raw", value) for value in values]
    else:
        nodes = [_exact(found, value) for value in values]
    either: Node = nodes[0] if len(nodes) == 1 else Or(tuple(nodes))
    return Not(either) if lookup == "exclude" else either


def facet_filter(raw: str, endpoint: Endpoint) -> Node:
    name, separator, value = raw.partition(":")
    if not separator:
        raise bad("selected_facets", _("'%(raw)s' is not facet:value.") % {"raw": raw})
    facet = name.removesuffix("_exact")
    if facet not in endpoint.facets:
        raise bad(
            "selected_facets",
            _("The selected query facet [%(facet)s] is not valid; use one of: %(facets)s.")
            % {"facet": facet, "facets": ", ".join(endpoint.facets)},
        )
    found = schema.field(facet)
    _typed("selected_facets", found, value)
    if found.kind is schema.Kind.TEXT:
        return Term(f"{found.name}{schema.RAW_SUFFIX}", value)
    return Term(found.name, value)


def visibility(published_only: bool) -> Node:
    """Published and not hidden (course-discovery's ``ensure_published``), for what carries those fields."""
    if not published_only:
        return MatchAll()
    return And((Not(Term("hidden", "true")), Or((Not(Exists("published")), Term("published", "true")))))


@dataclass
class Parsed:
    query: Node
    text: str | None
    content_types: tuple[str, ...]
    partner: str | None
    ordering: tuple[str, ...]
    page: int
    page_size: int
    search_after: tuple[Any, ...] | None
    query_facets: dict[str, Node]
    params: dict[str, list[str]]


def parse(request: Request, endpoint: Endpoint, *, published_only: bool = False) -> Parsed:
    params = parameters(request)
    allowed = COMMON_PARAMETERS | endpoint.extra_parameters | ({"search_after"} if endpoint.search_after else set())
    conditions: list[Node] = [visibility(published_only)]

    text = " ".join(_values(params, "q")) or None
    if text:
        try:
            conditions.append(parse_query(text))
        except QueryStringError as error:
            raise bad("q", str(error)) from None
        except schema.UnknownField as error:
            raise bad("q", _("Unknown field '%(name)s' in the query.") % {"name": error.name}) from None

    content_types = endpoint.content_types
    wanted_types = [part for raw in _values(params, "content_type") for part in raw.split(",")]
    if wanted_types:
        unknown = sorted(set(wanted_types) - set(endpoint.content_types))
        if unknown:
            raise bad(
                "content_type",
                _("Unknown content type %(unknown)s; use: %(content_types)s.")
                % {"unknown": ", ".join(unknown), "content_types": ", ".join(content_types)},
            )
        content_types = tuple(kind for kind in content_types if kind in wanted_types)
    include_pathways = _values(params, "include_learner_pathways")
    if schema.LEARNER_PATHWAY in content_types and len(endpoint.content_types) > 1:
        flag = include_pathways[-1].lower() if include_pathways else "false"
        if flag not in ("true", "false", "1", "0"):
            raise bad("include_learner_pathways", _("Use true or false."))
        if flag not in ("true", "1"):
            content_types = tuple(kind for kind in content_types if kind != schema.LEARNER_PATHWAY)

    partners = _values(params, "partner")
    partner = partners[-1] if partners else None

    for raw in _values(params, "selected_facets"):
        conditions.append(facet_filter(raw, endpoint))
    queries = availability_queries() if endpoint.query_facets else {}
    for raw in _values(params, "selected_query_facets"):
        if raw not in queries:
            raise bad("selected_query_facets", _("The selected query facet [%(raw)s] is not valid.") % {"raw": raw})
        conditions.append(queries[raw])

    for name, values in params.items():
        if name in allowed:
            continue
        conditions.append(filter_node(name, [value for value in values if value != ""] or [""], endpoint))

    ordering: list[str] = []
    for raw in _values(params, "ordering"):
        for item in raw.split(","):
            item = item.strip()
            if item.lstrip("-") not in endpoint.ordering or item in ("", "-"):
                raise bad(
                    "ordering",
                    _("Cannot order by '%(item)s'; use one of: %(ordering)s.")
                    % {"item": item, "ordering": ", ".join(endpoint.ordering)},
                )
            ordering.append(item)
    if not ordering:
        ordering = list(endpoint.default_ordering)

    page, page_size = page_values(params)
    search_after = None
    if endpoint.search_after and _values(params, "search_after"):
        raw = _values(params, "search_after")[-1]
        try:
            loaded = json.loads(raw)
        except json.JSONDecodeError:
            raise bad("search_after", _("Give the 'sort' list of the last result, as JSON.")) from None
        if not isinstance(loaded, list) or not all(isinstance(item, str | int | float) for item in loaded):
            raise bad("search_after", _("Give the 'sort' list of the last result, as JSON."))
        search_after = tuple(loaded)
    return Parsed(
        query=And(tuple(conditions)),
        text=text,
        content_types=content_types,
        partner=partner,
        ordering=tuple(ordering),
        page=page,
        page_size=page_size,
        search_after=search_after,
        query_facets=queries,
        params=params,
    )


__all__ = ["Endpoint", "Parsed", "bad", "parse"]
