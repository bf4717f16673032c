"""What the cluster backends send over the wire, to Elasticsearch and to OpenSearch alike.

Each backend is pointed at a local HTTP server that answers like a search node and records every
request (method, path, JSON body). The Elasticsearch 8 client and opensearch-py must carry the very bodies
the pure builders made (``test_elasticsearch_bodies``), and the two families must receive the same
requests for the same work: that is what lets one backend serve both (ADR 0151).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from search.backends import get_backend, reset_backend
from search.backends.base import Document, SearchRequest, SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend, OpenSearchBackend, mapping_body, search_body
from search.query.nodes import Term

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
FAMILIES = [pytest.param(ElasticsearchBackend, id="elasticsearch"), pytest.param(OpenSearchBackend, id="opensearch")]
Recorded = list[tuple[str, str, Any]]


class _Recorder(BaseHTTPRequestHandler):
    """Answers like a search node and records each request (method, path without query, JSON body)."""

    requests: Recorded
    answers: dict[str, Any]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path = self.path.split("?")[0]
        if raw and path.endswith("_bulk"):
            body: Any = [json.loads(line) for line in raw.splitlines() if line]
        else:
            body = json.loads(raw) if raw else None
        self.requests.append((self.command, path, body))
        status, payload = self.answers.get(f"{self.command} {path}", self.answers.get(path, (200, {})))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def node() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"requests": [], "answers": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()


def _hit_answer() -> dict[str, Any]:
    return {
        "hits": {
            "total": {"value": 1, "relation": "eq"},
            "hits": [
                {
                    "_id": "course:1",
                    "_score": 2.5,
                    "_source": {"content_type": "course", "key": "edX+Med", "uuid": "u-1"},
                    "sort": [2.5, "k", "course:1"],
                }
            ],
        },
        "aggregations": {
            "facet:seat_types": {"buckets": [{"key": "verified", "doc_count": 1}]},
            "query:intro": {"doc_count": 1},
        },
    }


@pytest.mark.parametrize("family", FAMILIES)
class TestOverTheWire:
    def test_search_sends_the_built_body_and_reads_hits_and_facets(self, family: Any, node: Any) -> None:
        url, handler = node
        handler.answers["POST /t_search/_search"] = (200, _hit_answer())
        request = SearchRequest(
            query=Term(None, "medicine"),
            content_types=("course",),
            text="medicine",
            facets=("seat_types",),
            facet_queries={"intro": Term("level_type.raw", "Introductory")},
            now=NOW,
        )
        with override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="t"):
            result = family().search(request)
        assert handler.requests[-1] == (
            "POST",
            "/t_search/_search",
            json.loads(json.dumps(search_body(request, now=NOW))),
        )
        assert result.total == 1
        assert result.hits[0].id == "course:1"
        assert result.hits[0].sort == (2.5, "k", "course:1")
        assert result.facets == {"seat_types": [("verified", 1)]}
        assert result.facet_queries == {"intro": 1}

    def test_index_writes_bulk_actions_to_the_alias(self, family: Any, node: Any) -> None:
        url, handler = node
        handler.answers["HEAD /_alias/t_search_building"] = (404, {})
        handler.answers["/_bulk"] = (200, {"errors": False, "items": [{"index": {"status": 201}}]})
        document = Document("course:1", "course", {"content_type": "course", "key": "edX+Med", "title": "Medicine"})
        with override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="t"):
            family().index([document])
        bulk = [body for method, path, body in handler.requests if path == "/_bulk"]
        assert bulk == [
            [
                {"index": {"_index": "t_search", "_id": "course:1"}},
                {"content_type": "course", "key": "edX+Med", "title": "Medicine", "doc_id": "course:1"},
            ]
        ]

    def test_a_refused_bulk_action_is_search_unavailable(self, family: Any, node: Any) -> None:
        url, handler = node
        handler.answers["HEAD /_alias/t_search_building"] = (404, {})
        refused = {"index": {"_id": "course:1", "status": 400, "error": {"type": "mapper_parsing_exception"}}}
        handler.answers["/_bulk"] = (200, {"errors": True, "items": [refused]})
        document = Document("course:1", "course", {"content_type": "course"})
        settings = override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="t")
        with settings, pytest.raises(SearchUnavailable, match="refused 1 bulk actions"):
            family().index([document])

    def test_a_query_string_scan_pages_with_search_after(self, family: Any, node: Any) -> None:
        url, handler = node
        handler.answers["POST /t_search/_search"] = (200, _hit_answer())
        with override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="t"):
            found = family().matching_ids(Term("org", "edX"), ["course"])
        assert [(ref.content_type, ref.uuid) for ref in found] == [("course", "u-1")]
        method, path, body = handler.requests[-1]
        assert (method, path) == ("POST", "/t_search/_search")
        assert body["_source"] == ["content_type", "uuid", "key"]
        assert body["sort"] == [{"doc_id": "asc"}]
        assert body["query"]["bool"]["filter"][1] == {"terms": {"content_type": ["course"]}}

    def test_a_node_that_does_not_answer_is_search_unavailable(self, family: Any) -> None:
        settings = override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", ELASTICSEARCH_INDEX_PREFIX="t")
        with settings, pytest.raises(SearchUnavailable, match="did not answer"):
            family().count()

    def test_no_url_says_what_to_set(self, family: Any) -> None:
        with override_settings(ELASTICSEARCH_URL=""), pytest.raises(SearchUnavailable, match="ELASTICSEARCH_URL"):
            family().count()


def _rebuild(family: Any, url: str, handler: type[_Recorder]) -> Recorded:
    """A whole rebuild (new index, fill, count, swap, prune) against the recorder; the requests it made."""
    handler.requests = []
    handler.answers = {
        "HEAD /_alias/t_search_building": (404, {}),
        "HEAD /_alias/t_search": (200, {}),
        "GET /_alias/t_search": (200, {"t_search_1": {"aliases": {"t_search": {}}}}),
        "GET /t_search_*": (200, {"t_search_1": {}, "t_search_0": {}}),
        "/_bulk": (200, {"errors": False, "items": [{"index": {"status": 201}}]}),
        "GET /t_search_20260601000000000000/_count": (200, {"count": 1}),
        "POST /t_search_20260601000000000000/_count": (200, {"count": 1}),
    }
    document = Document("course:1", "course", {"content_type": "course", "title": "Medicine"})
    with override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX="t"):
        backend = family()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("search.backends.elasticsearch.timezone.now", lambda: NOW)
            build = backend.new_build()
        build.add([document])
        assert build.count() == 1
        build.swap()
        assert backend.prune(keep=0) == ["t_search_0"]
    return list(handler.requests)


def test_both_families_receive_the_same_requests_for_a_rebuild(node: Any) -> None:
    url, handler = node
    elastic = _rebuild(ElasticsearchBackend, url, handler)
    opensearch = _rebuild(OpenSearchBackend, url, handler)
    # The clients differ only in verbs (PUT or POST for _bulk); paths and bodies are the same.
    assert [(path, body) for _, path, body in elastic] == [(path, body) for _, path, body in opensearch]
    created = next(body for method, path, body in elastic if method == "PUT")
    assert created == {**json.loads(json.dumps(mapping_body())), "aliases": {"t_search_building": {}}}
    swapped = next(body for method, path, body in elastic if path == "/_aliases")
    assert {"add": {"index": "t_search_20260601000000000000", "alias": "t_search"}} in swapped["actions"]


@pytest.mark.parametrize("name, family", [("elasticsearch", ElasticsearchBackend), ("opensearch", OpenSearchBackend)])
def test_the_setting_chooses_the_family(name: str, family: type) -> None:
    reset_backend()
    try:
        with override_settings(SEARCH_BACKEND=name):
            assert type(get_backend()) is family
    finally:
        reset_backend()
