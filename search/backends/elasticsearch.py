"""The Elasticsearch backend (``LYCEUM_SEARCH_BACKEND=elasticsearch`` + ``ELASTICSEARCH_URL``), ADR 0150.

Every document type lives in one index, read and written through the alias ``<prefix>_search``; a full
rebuild fills a timestamped index ``<prefix>_search_<stamp>`` (also reachable as ``<prefix>_search_building``
so that live changes reach it too) and moves the alias to it in one ``_aliases`` call.

The request bodies are built by the pure functions of this module (``mapping_body``, ``QueryCompiler``,
``search_body``), written with elasticsearch-dsl, so tests assert them as data; the backend class only sends
them. The query tree (``search.query.nodes``) means the same here as in the database backend:

- a bare word matches the default full-text fields (``search.schema.TEXT_WEIGHTS``; relevance is
  ``search.ranking``'s tiers) with English stemming, case and accents folded;
- a text field's word matches its analysed tokens; ``<field>.raw``, keyword, number, date and boolean fields
  match whole values;
- everything in the tree is a filter; relevance comes from ``SearchRequest.text`` alone, multiplied by the
  ranking boosts in a ``function_score``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from elasticsearch_dsl import Q, analyzer, token_filter, tokenizer
from elasticsearch_dsl.query import Query

from search import ranking, schema
from search.backends.base import (
    DocRef,
    Document,
    Hit,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
    TypeaheadRequest,
    typeahead_search_request,
)
from search.backends.clusters import Cluster, connect
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.text import BadValue, boolean_value, date_value, number_value

# --- analysis -------------------------------------------------------------------------------------------

TEXT_ANALYZER = analyzer(
    "lyceum_text",
    tokenizer="standard",
    char_filter=["html_strip"],
    filter=["lowercase", "asciifolding", token_filter("lyceum_english_stem", "stemmer", language="english")],
)
TYPEAHEAD_ANALYZER = analyzer(
    "lyceum_typeahead",
    tokenizer=tokenizer("lyceum_edge", "edge_ngram", min_gram=2, max_gram=20, token_chars=["letter", "digit"]),
    filter=["lowercase", "asciifolding"],
)
TYPEAHEAD_SEARCH_ANALYZER = analyzer(
    "lyceum_typeahead_search", tokenizer="standard", filter=["lowercase", "asciifolding"]
)
SORT_NORMALIZER = {"type": "custom", "filter": ["lowercase", "asciifolding"]}

# A hit's id and its tie-breaker for stable paging (Elasticsearch 8 does not sort on ``_id``).
DOC_ID = "doc_id"
SORT_SUFFIX = "sort"
TYPEAHEAD_SUFFIX = "edge"
MAX_RESULT_WINDOW = 10_000

_KIND_TYPES = {
    schema.Kind.KEYWORD: {"type": "keyword"},
    schema.Kind.NUMBER: {"type": "double"},
    schema.Kind.DATE: {"type": "date"},
    schema.Kind.BOOLEAN: {"type": "boolean"},
}


def field_mapping(found: schema.SearchField) -> dict[str, Any]:
    """The mapping of one schema field: its kind's type, plus the sub-fields its uses need."""
    if found.kind is not schema.Kind.TEXT:
        return dict(_KIND_TYPES[found.kind])
    mapping: dict[str, Any] = {"type": "text", "analyzer": TEXT_ANALYZER._name}
    sub: dict[str, Any] = {}
    if found.raw:
        sub["raw"] = {"type": "keyword"}
    if found.sortable:
        sub[SORT_SUFFIX] = {"type": "keyword", "normalizer": "lyceum_sort"}
    if found.name in schema.TYPEAHEAD_FIELDS:
        sub[TYPEAHEAD_SUFFIX] = {
            "type": "text",
            "analyzer": TYPEAHEAD_ANALYZER._name,
            "search_analyzer": TYPEAHEAD_SEARCH_ANALYZER._name,
        }
    if sub:
        mapping["fields"] = sub
    return mapping


def mapping_body() -> dict[str, Any]:
    """Settings and mappings of a fresh index: every schema field, nothing dynamic.

    Display-only keys of a document's body stay in ``_source`` (hits return them) without being indexed.
    """
    properties = {found.name: field_mapping(found) for found in schema.FIELDS}
    properties[DOC_ID] = {"type": "keyword"}
    analysis: dict[str, Any] = {"analyzer": {}, "tokenizer": {}, "filter": {}, "normalizer": {}}
    for defined in (TEXT_ANALYZER, TYPEAHEAD_ANALYZER, TYPEAHEAD_SEARCH_ANALYZER):
        definition = defined.get_analysis_definition()
        for section, entries in definition.items():
            analysis.setdefault(section, {}).update(entries)
        analysis["analyzer"][defined._name] = defined.get_definition()
    analysis["normalizer"]["lyceum_sort"] = SORT_NORMALIZER
    return {
        "settings": {
            "number_of_shards": int(getattr(settings, "ELASTICSEARCH_SHARDS", 1)),
            "number_of_replicas": int(getattr(settings, "ELASTICSEARCH_REPLICAS", 0)),
            "max_result_window": MAX_RESULT_WINDOW,
            "analysis": {section: entries for section, entries in analysis.items() if entries},
        },
        "mappings": {"dynamic": False, "properties": properties},
    }


# --- queries --------------------------------------------------------------------------------------------


def _default_fields() -> list[str]:
    return list(schema.TEXT_WEIGHTS)


def relevance_query(text: str) -> Query:
    """``search.ranking``'s tiers: the best tier whose fields match one of the words scores its factor."""
    return Q(
        "dis_max",
        queries=[
            Q(
                "constant_score",
                filter=Q("multi_match", query=text, fields=list(ranking.tier_fields(tier))),
                boost=tier.factor,
            )
            for tier in ranking.TIERS
        ],
    )


class QueryCompiler:
    """Turns a query tree into an elasticsearch-dsl query (filter semantics: no scoring of its own)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def compile(self, node: Node) -> Query:
        if isinstance(node, MatchAll):
            return Q("match_all")
        if isinstance(node, And):
            return (
                Q("bool", filter=[self.compile(child) for child in node.children]) if node.children else Q("match_all")
            )
        if isinstance(node, Or):
            if not node.children:
                return Q("match_none")
            return Q("bool", should=[self.compile(child) for child in node.children], minimum_should_match=1)
        if isinstance(node, Not):
            return Q("bool", must_not=[self.compile(node.child)])
        if isinstance(node, Exists):
            return self._exists(schema.resolve(node.field)[0])
        if node.field is None:
            return self._text(node, None)
        found, exact = schema.resolve(node.field)
        if isinstance(node, Range):
            return self._range(found, node)
        if exact:
            return self._exact(found, node)
        return self._text(node, found)

    # exact values -----------------------------------------------------------------------------------

    @staticmethod
    def _exact_name(found: schema.SearchField) -> str:
        return f"{found.name}.raw" if found.kind is schema.Kind.TEXT else found.name

    def _typed(self, found: schema.SearchField, raw: str, *, end_of_day: bool = False) -> Any:
        if found.kind is schema.Kind.NUMBER:
            return number_value(raw)
        if found.kind is schema.Kind.BOOLEAN:
            return boolean_value(raw)
        if found.kind is schema.Kind.DATE:
            return date_value(raw, now=self.now, end_of_day=end_of_day)
        return raw

    def _exact(self, found: schema.SearchField, node: Node) -> Query:
        name = self._exact_name(found)
        if isinstance(node, Term | Phrase):
            if found.kind is schema.Kind.DATE:
                return self._range(found, Range(found.name, node.value, node.value))
            return Q("term", **{name: self._typed(found, node.value)})
        if isinstance(node, Prefix):
            return Q("prefix", **{name: node.value})
        if isinstance(node, Wildcard):
            return Q("wildcard", **{name: {"value": node.pattern}})
        raise TypeError(node)

    def _range(self, found: schema.SearchField, node: Range) -> Query:
        bounds: dict[str, Any] = {}
        if node.low is not None and node.low != "*":
            bounds["gte" if node.include_low else "gt"] = self._typed(found, node.low)
        if node.high is not None and node.high != "*":
            bounds["lte" if node.include_high else "lt"] = self._typed(found, node.high, end_of_day=node.include_high)
        if not bounds:
            return self._exists(found)
        return Q("range", **{self._exact_name(found) if found.kind is schema.Kind.TEXT else found.name: bounds})

    def _exists(self, found: schema.SearchField) -> Query:
        exists = Q("exists", field=found.name)
        if found.kind in (schema.Kind.KEYWORD,) or found.raw:
            # The database backend counts an empty string as no value; so does this one.
            return Q("bool", filter=[exists], must_not=[Q("term", **{self._exact_name(found): ""})])
        return exists

    # analysed text ----------------------------------------------------------------------------------

    def _text(self, node: Node, found: schema.SearchField | None) -> Query:
        if isinstance(node, Wildcard):
            names = [found.name] if found else list(schema.TEXT_WEIGHTS)
            pattern = node.pattern.lower()
            queries = [Q("wildcard", **{name: {"value": pattern, "case_insensitive": True}}) for name in names]
            return queries[0] if len(queries) == 1 else Q("bool", should=queries, minimum_should_match=1)
        value = node.value  # type: ignore[union-attr]
        if isinstance(node, Prefix) and not value.strip("*").strip():
            return Q("match_all")
        if found is None:
            # cross_fields: every word somewhere in the default fields, as the database backend's one weighted
            # tsvector matches them.
            kind = {Phrase: "phrase", Prefix: "bool_prefix"}.get(type(node), "cross_fields")
            extra = {} if kind == "phrase" else {"operator": "and"}
            return Q("multi_match", query=value, fields=_default_fields(), type=kind, **extra)
        if isinstance(node, Phrase):
            return Q("match_phrase", **{found.name: value})
        if isinstance(node, Prefix):
            return Q("match_bool_prefix", **{found.name: {"query": value, "operator": "and"}})
        return Q("match", **{found.name: {"query": value, "operator": "and"}})


def _sort_clause(item: str) -> dict[str, Any]:
    descending = item.startswith("-")
    name = item.lstrip("-")
    order = "desc" if descending else "asc"
    if name == "score":
        return {"_score": {"order": "desc"}}
    if name not in schema.BY_NAME or not schema.BY_NAME[name].sortable:
        sortable = sorted(f.name for f in schema.FIELDS if f.sortable)
        raise BadValue(
            _("cannot order by %(name)r; use one of: %(sortable)s") % {"name": name, "sortable": ", ".join(sortable)}
        )
    found = schema.BY_NAME[name]
    target = f"{name}.{SORT_SUFFIX}" if found.kind is schema.Kind.TEXT else name
    clause: dict[str, Any] = {"order": order, "missing": "_last"}
    if found.multi:
        clause["mode"] = "max" if descending else "min"
    return {target: clause}


def sort_body(request: SearchRequest) -> list[dict[str, Any]]:
    wanted = list(request.ordering) or (["-score"] if (request.text or "").strip() else ["-start"])
    return [_sort_clause(item) for item in wanted] + [
        {"aggregation_key": {"order": "asc", "missing": "_last"}},
        {DOC_ID: {"order": "asc"}},
    ]


def search_body(request: SearchRequest, *, now: dt.datetime) -> dict[str, Any]:
    """The ``_search`` body for a request: filters, text relevance, boosts, facets, sort and paging."""
    compiler = QueryCompiler(now)
    filters: list[Query] = [compiler.compile(request.query), Q("terms", content_type=list(request.content_types))]
    if request.partner:
        filters.append(Q("term", **{"partner.raw": request.partner}))
    text = (request.text or "").strip()
    should = [relevance_query(text)] if text else []
    # Every hit scores the match_all (UNMATCHED with words to rank by, so that it stays below the lowest tier).
    inner = Q(
        "bool",
        filter=filters,
        must=[Q("match_all", boost=ranking.UNMATCHED) if text else Q("match_all")],
        should=should,
    )
    functions = [
        {"filter": compiler.compile(boost.condition).to_dict(), "weight": boost.factor} for boost in ranking.boosts(now)
    ]
    query = {
        "function_score": {
            "query": inner.to_dict(),
            "functions": functions,
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
    }
    aggs: dict[str, Any] = {}
    limit = int(getattr(settings, "SEARCH_FACET_LIMIT", 100))
    for name in request.facets:
        found, _unused = schema.resolve(name)
        target = f"{found.name}.raw" if found.kind is schema.Kind.TEXT else found.name
        aggs[f"facet:{name}"] = {
            "terms": {"field": target, "size": limit, "order": [{"_count": "desc"}, {"_key": "asc"}]}
        }
    for name, condition in request.facet_queries.items():
        aggs[f"query:{name}"] = {"filter": compiler.compile(condition).to_dict()}
    body: dict[str, Any] = {
        "query": query,
        "sort": sort_body(request),
        "size": request.size,
        "track_total_hits": True,
    }
    if request.search_after is not None:
        body["search_after"] = list(request.search_after)
    else:
        if request.offset + request.size > MAX_RESULT_WINDOW:
            raise BadValue(
                _("page too deep for the search index (%(max_result_window)s results); use search_after (the v2 API)")
                % {"max_result_window": MAX_RESULT_WINDOW}
            )
        body["from"] = request.offset
    if aggs:
        body["aggs"] = aggs
    return body


def _facet_value(found: schema.SearchField, bucket: Mapping[str, Any]) -> Any:
    if found.kind is schema.Kind.BOOLEAN:
        return bool(bucket["key"])
    if found.kind is schema.Kind.NUMBER:
        number = float(bucket["key"])
        return int(number) if number.is_integer() else number
    return bucket["key"]


def parse_response(request: SearchRequest, response: Mapping[str, Any]) -> SearchResult:
    hits = [
        Hit(
            id=hit["_id"],
            content_type=hit["_source"].get("content_type", ""),
            score=float(hit.get("_score") or 0.0),
            sort=tuple(hit.get("sort", ())),
            body=hit["_source"],
        )
        for hit in response["hits"]["hits"]
    ]
    aggregations = response.get("aggregations", {})
    facets: dict[str, list[tuple[Any, int]]] = {}
    for name in request.facets:
        found, _unused = schema.resolve(name)
        buckets = aggregations.get(f"facet:{name}", {}).get("buckets", [])
        facets[name] = [(_facet_value(found, bucket), int(bucket["doc_count"])) for bucket in buckets]
    queries = {name: int(aggregations.get(f"query:{name}", {}).get("doc_count", 0)) for name in request.facet_queries}
    return SearchResult(hits=hits, total=int(response["hits"]["total"]["value"]), facets=facets, facet_queries=queries)


def index_action(index: str, document: Document) -> dict[str, Any]:
    """One bulk ``index`` action: the document body plus the tie-breaker id."""
    return {"_op_type": "index", "_index": index, "_id": document.id, "_source": {**document.body, DOC_ID: document.id}}


# --- the backend ----------------------------------------------------------------------------------------


SCAN_PAGE = 1000


def scan_query(node: Node, content_types: list[str], *, now: dt.datetime) -> dict[str, Any]:
    """The filter-only query that lists the documents of ``content_types`` that ``node`` selects."""
    compiled = QueryCompiler(now).compile(node)
    return dict(Q("bool", filter=[compiled, Q("terms", content_type=content_types)]).to_dict())


def _names() -> tuple[str, str]:
    prefix = getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "lyceum") or "lyceum"
    return f"{prefix}_search", f"{prefix}_search_building"


class ElasticsearchIndexBuild:
    def __init__(self, backend: ElasticsearchBackend, name: str) -> None:
        self.backend = backend
        self.name = name

    def add(self, documents: Sequence[Document]) -> None:
        self.backend._bulk([index_action(self.name, document) for document in documents])

    def count(self) -> int:
        cluster = self.backend.cluster
        cluster.refresh(self.name)
        return cluster.count(self.name, {"match_all": {}})

    def swap(self) -> None:
        alias, building = _names()
        cluster = self.backend.cluster
        cluster.refresh(self.name)
        actions: list[dict[str, Any]] = [{"remove": {"index": f"{alias}_*", "alias": alias, "must_exist": False}}]
        actions += [
            {"remove": {"index": self.name, "alias": building, "must_exist": False}},
            {"add": {"index": self.name, "alias": alias}},
        ]
        cluster.update_aliases(actions)

    def discard(self) -> None:
        self.backend.cluster.delete_index(self.name)


class ElasticsearchBackend:
    """Elasticsearch 8 (``LYCEUM_SEARCH_BACKEND=elasticsearch``); ``OpenSearchBackend`` below for OpenSearch."""

    name = "elasticsearch"

    def __init__(self, cluster: Cluster | None = None) -> None:
        self._cluster = cluster

    @property
    def cluster(self) -> Cluster:
        if self._cluster is None:
            url = getattr(settings, "ELASTICSEARCH_URL", "")
            if not url:
                raise SearchUnavailable(
                    _("LYCEUM_SEARCH_BACKEND is %(name)s but ELASTICSEARCH_URL is not set; set it to the cluster's URL")
                    % {"name": self.name}
                )
            self._cluster = connect(self.name, url, float(getattr(settings, "ELASTICSEARCH_TIMEOUT", 10)))
        return self._cluster

    # indices ----------------------------------------------------------------------------------------

    def _create(self, name: str, aliases: Iterable[str] = ()) -> None:
        self.cluster.create_index(name, mapping_body(), aliases)

    def ensure_ready(self) -> None:
        alias, _unused = _names()
        if not self.cluster.alias_exists(alias):
            self._create(f"{alias}_{timezone.now():%Y%m%d%H%M%S%f}", aliases=[alias])

    def new_build(self) -> ElasticsearchIndexBuild:
        alias, building = _names()
        for stale in self.cluster.aliased(building):
            self.cluster.delete_index(stale)
        name = f"{alias}_{timezone.now():%Y%m%d%H%M%S%f}"
        self._create(name, aliases=[building])
        return ElasticsearchIndexBuild(self, name)

    def prune(self, keep: int) -> list[str]:
        alias, building = _names()
        protected = set(self.cluster.aliased(alias)) | set(self.cluster.aliased(building))
        indices = sorted(self.cluster.indices(f"{alias}_*"), reverse=True)
        older = [name for name in indices if name not in protected and name != building]
        dropped = older[keep:]
        for name in dropped:
            self.cluster.delete_index(name)
        return dropped

    # writes -----------------------------------------------------------------------------------------

    def _bulk(self, actions: list[dict[str, Any]]) -> None:
        if not actions:
            return
        errors = self.cluster.bulk(actions, str(getattr(settings, "ELASTICSEARCH_REFRESH", "false")))
        real = [error for error in errors if next(iter(error.values())).get("status") != 404]
        if real:
            raise SearchUnavailable(
                _("the search cluster refused %(count)s bulk actions, the first: %(real)s")
                % {"count": len(real), "real": real[0]}
            )

    def _write_targets(self) -> list[str]:
        self.ensure_ready()
        alias, building = _names()
        return [alias, *self.cluster.aliased(building)]

    def index(self, documents: Sequence[Document]) -> None:
        unique = list({document.id: document for document in documents}.values())
        self._bulk([index_action(target, document) for target in self._write_targets() for document in unique])

    def delete(self, ids: Iterable[str]) -> None:
        wanted = sorted(set(ids))
        targets = self._write_targets()
        self._bulk([{"_op_type": "delete", "_index": target, "_id": doc_id} for target in targets for doc_id in wanted])

    # reads ------------------------------------------------------------------------------------------

    def count(self, content_types: Iterable[str] | None = None) -> int:
        alias, _unused = _names()
        if not self.cluster.alias_exists(alias):
            return 0
        query = {"match_all": {}} if content_types is None else {"terms": {"content_type": list(content_types)}}
        return self.cluster.count(alias, query)

    def search(self, request: SearchRequest) -> SearchResult:
        alias, _unused = _names()
        body = search_body(request, now=request.now or timezone.now())
        return parse_response(request, self.cluster.search(alias, body))

    def matching_ids(self, node: Node, content_types: Iterable[str]) -> set[DocRef]:
        return set(self._scan(node, list(content_types)))

    def typeahead(self, request: TypeaheadRequest) -> list[Hit]:
        # The title's edge n-grams make the Prefix nodes an indexed match here.
        return self.search(typeahead_search_request(request)).hits

    def _scan(self, node: Node, content_types: list[str]) -> Iterator[DocRef]:
        alias, _unused = _names()
        body: dict[str, Any] = {
            "query": scan_query(node, content_types, now=timezone.now()),
            "sort": [{DOC_ID: "asc"}],
            "size": SCAN_PAGE,
            "_source": ["content_type", "uuid", "key"],
        }
        while True:
            hits = self.cluster.search(alias, body)["hits"]["hits"]
            for hit in hits:
                source = hit["_source"]
                key = source.get("key")
                yield DocRef(
                    source.get("content_type", ""), source.get("uuid", hit["_id"].split(":", 1)[-1]), key or None
                )
            if len(hits) < SCAN_PAGE:
                return
            body["search_after"] = hits[-1]["sort"]


class OpenSearchBackend(ElasticsearchBackend):
    """OpenSearch (``LYCEUM_SEARCH_BACKEND=opensearch``): the same index, bodies and meaning, through opensearch-py."""

    name = "opensearch"
