"""The Elasticsearch backend's requests, asserted as data (no cluster needed).

The pure builders are checked here; ``test_cluster_wire`` shows that those very bodies go over the wire
to Elasticsearch and OpenSearch alike. ``test_backend_contract`` runs the behaviour against a real cluster
when ``ELASTICSEARCH_URL`` (or ``OPENSEARCH_URL``) is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from search import ranking, schema
from search.backends.base import SearchRequest
from search.backends.elasticsearch import QueryCompiler, mapping_body, search_body
from search.query.nodes import And, Exists, MatchAll, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.text import BadValue

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def compiled(node: Any) -> dict[str, Any]:
    result: dict[str, Any] = QueryCompiler(NOW).compile(node).to_dict()
    return result


class TestMapping:
    def test_every_schema_field_is_mapped_by_its_kind_and_nothing_is_dynamic(self) -> None:
        body = mapping_body()
        properties = body["mappings"]["properties"]
        assert body["mappings"]["dynamic"] is False
        assert set(properties) == {field.name for field in schema.FIELDS} | {"doc_id"}
        assert properties["seat_types"] == {"type": "keyword"}
        assert properties["first_enrollable_paid_seat_price"] == {"type": "double"}
        assert properties["start"] == {"type": "date"}
        assert properties["hidden"] == {"type": "boolean"}

    def test_text_fields_have_english_analysis_raw_sort_and_typeahead_sub_fields(self) -> None:
        body = mapping_body()
        analysis = body["settings"]["analysis"]
        assert analysis["analyzer"]["lyceum_text"]["filter"] == ["lowercase", "asciifolding", "lyceum_english_stem"]
        assert analysis["filter"]["lyceum_english_stem"] == {"type": "stemmer", "language": "english"}
        assert analysis["tokenizer"]["lyceum_edge"]["type"] == "edge_ngram"
        title = body["mappings"]["properties"]["title"]
        assert title["analyzer"] == "lyceum_text"
        assert title["fields"]["edge"]["analyzer"] == "lyceum_typeahead"
        assert title["fields"]["sort"] == {"type": "keyword", "normalizer": "lyceum_sort"}
        assert body["mappings"]["properties"]["subjects"]["fields"]["raw"] == {"type": "keyword"}


class TestQueries:
    def test_a_bare_word_searches_the_default_fields(self) -> None:
        query = compiled(Term(None, "medicine"))["multi_match"]
        assert query["type"] == "cross_fields"
        assert query["operator"] == "and"
        assert {"title", "short_description", "full_description"} <= set(query["fields"])

    def test_text_keyword_and_raw_leaves(self) -> None:
        assert compiled(Term("title", "medicine")) == {"match": {"title": {"query": "medicine", "operator": "and"}}}
        assert compiled(Term("subjects.raw", "Medicine")) == {"term": {"subjects.raw": "Medicine"}}
        assert compiled(Term("seat_types", "verified")) == {"term": {"seat_types": "verified"}}
        assert compiled(Term("hidden", "true")) == {"term": {"hidden": True}}
        assert compiled(Term("first_enrollable_paid_seat_price", "49")) == {
            "term": {"first_enrollable_paid_seat_price": 49.0}
        }
        assert compiled(Phrase(None, "data science"))["multi_match"]["type"] == "phrase"
        assert compiled(Phrase("title", "data science")) == {"match_phrase": {"title": "data science"}}

    def test_prefixes_wildcards_ranges_and_exists(self) -> None:
        assert compiled(Prefix("key.raw", "course-v1:edX")) == {"prefix": {"key.raw": "course-v1:edX"}}
        assert compiled(Prefix(None, "medi"))["multi_match"]["type"] == "bool_prefix"
        assert compiled(Wildcard("key.raw", "edX+*")) == {"wildcard": {"key.raw": {"value": "edX+*"}}}
        assert compiled(Range("start", "2026-01-01", None, include_low=False)) == {
            "range": {"start": {"gt": "2026-01-01T00:00:00Z"}}
        }
        assert compiled(Range("start", None, "2026-01-01")) == {
            "range": {"start": {"lte": "2026-01-01T23:59:59.999999Z"}}
        }
        assert compiled(Range("weeks_to_complete", "*", "*")) == {"exists": {"field": "weeks_to_complete"}}
        assert compiled(Exists("seat_types")) == {
            "bool": {"filter": [{"exists": {"field": "seat_types"}}], "must_not": [{"term": {"seat_types": ""}}]}
        }

    def test_boolean_nodes(self) -> None:
        node = And((Or((Term("seat_types", "a"), Term("seat_types", "b"))), Not(Term("hidden", "true")), MatchAll()))
        assert compiled(node) == {
            "bool": {
                "filter": [
                    {
                        "bool": {
                            "should": [{"term": {"seat_types": "a"}}, {"term": {"seat_types": "b"}}],
                            "minimum_should_match": 1,
                        }
                    },
                    {"bool": {"must_not": [{"term": {"hidden": True}}]}},
                    {"match_all": {}},
                ]
            }
        }
        assert compiled(Or(())) == {"match_none": {}}

    def test_a_value_that_does_not_fit_its_field_is_bad_input(self) -> None:
        with pytest.raises(BadValue):
            compiled(Term("start", "tomorrow"))
        with pytest.raises(BadValue):
            compiled(Term("hidden", "maybe"))


class TestSearchBody:
    def request(self, **kwargs: Any) -> SearchRequest:
        defaults: dict[str, Any] = {"query": Term(None, "medicine"), "content_types": ("course",), "now": NOW}
        return SearchRequest(**{**defaults, **kwargs})

    def test_filters_relevance_and_the_shared_boosts(self) -> None:
        body = search_body(self.request(text="medicine", partner="edx"), now=NOW)
        function_score = body["query"]["function_score"]
        inner = function_score["query"]["bool"]
        assert {"terms": {"content_type": ["course"]}} in inner["filter"]
        assert {"term": {"partner.raw": "edx"}} in inner["filter"]
        tiers = inner["should"][0]["dis_max"]["queries"]
        assert [tier["constant_score"]["boost"] for tier in tiers] == [tier.factor for tier in ranking.TIERS]
        assert tiers[0]["constant_score"]["filter"]["multi_match"] == {
            "query": "medicine",
            "fields": ["title", "full_name"],
        }
        assert inner["must"] == [{"match_all": {"boost": ranking.UNMATCHED}}]
        weights = [function["weight"] for function in function_score["functions"]]
        assert weights == [boost.factor for boost in ranking.boosts(NOW)]
        assert function_score["score_mode"] == "multiply"
        assert body["sort"][0] == {"_score": {"order": "desc"}}
        assert body["sort"][-2:] == [
            {"aggregation_key": {"order": "asc", "missing": "_last"}},
            {"doc_id": {"order": "asc"}},
        ]
        assert body["track_total_hits"] is True

    def test_facets_become_terms_and_filter_aggregations(self) -> None:
        body = search_body(
            self.request(
                facets=("subjects", "seat_types"), facet_queries={"current": Term("availability.raw", "Current")}
            ),
            now=NOW,
        )
        assert body["aggs"]["facet:subjects"]["terms"]["field"] == "subjects.raw"
        assert body["aggs"]["facet:seat_types"]["terms"]["field"] == "seat_types"
        assert body["aggs"]["query:current"] == {"filter": {"term": {"availability.raw": "Current"}}}

    def test_ordering_paging_and_search_after(self) -> None:
        body = search_body(self.request(ordering=("-start", "title"), offset=40, size=20), now=NOW)
        assert body["sort"][:2] == [
            {"start": {"order": "desc", "missing": "_last", "mode": "max"}},
            {"title.sort": {"order": "asc", "missing": "_last"}},
        ]
        assert (body["from"], body["size"]) == (40, 20)
        after = search_body(self.request(search_after=("2026-01-01", "k", "course:x")), now=NOW)
        assert after["search_after"] == ["2026-01-01", "k", "course:x"]
        assert "from" not in after

    def test_deep_offsets_and_unknown_orderings_are_refused(self) -> None:
        with pytest.raises(BadValue, match="search_after"):
            search_body(self.request(offset=9_990, size=20), now=NOW)
        with pytest.raises(BadValue, match="cannot order by"):
            search_body(self.request(ordering=("bio",)), now=NOW)
