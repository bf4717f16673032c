"""Tests for reading course-discovery-style Lucene strings into the query tree, and back."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.query import Query, QueryError, parse_query, to_lucene
from search.query.nodes import And, Node, Not, Or, Prefix, Range, Term, Wildcard

PRICE = "first_enrollable_paid_seat_price"


@pytest.mark.parametrize(
    ("text", "equivalent"),
    [
        ("org:edX", {"org": "edX"}),
        ("org:edX AND level_type:Introductory", {"org": "edX", "level_type": "Introductory"}),
        ("org:edX org:MITx", {"org": ["edX", "MITx"]}),  # juxtaposed: OR, Elasticsearch's default operator
        ("+org:edX level_type:Introductory", {"org": "edX"}),  # beside a + clause, the others only weigh relevance
        ("org:edX -hidden:true", {"org": "edX", "hidden__not": True}),
        # course-discovery upper-cases spaced lower-case operators; Lucene reads && and ||.
        ("org:edX and hidden:true", {"org": "edX", "hidden": True}),
        ("org:edX || org:MITx", {"org": ["edX", "MITx"]}),
        ("org:edX OR -org:MITx", {"org": "edX", "org__not": "MITx"}),  # Lucene: NOT in an OR group is MUST_NOT
        ("org:edX^2", {"org": "edX"}),  # a boost weighs relevance only
        ("+org:edX +level_type:Introductory", {"org": "edX", "level_type": "Introductory"}),
        ('title:"Intro to CS"', {"title": "Intro to CS"}),
        (r'title:"say \"hi\""', {"title": 'say "hi"'}),
        (r"key:course-v1\:edX+CS101+2T2024", {"key": "course-v1:edX+CS101+2T2024"}),
        ('aggregation_key:"course:edX+CS101"', {"aggregation_key": "course:edX+CS101"}),
        ("NOT org:edX", {"org__not": "edX"}),
        ("-org:edX", {"org__not": "edX"}),
        ("org:(NOT edX)", {"org__not": "edX"}),
        ("NOT NOT org:edX", {"org": "edX"}),
        ("org:(edX OR MITx)", {"org": ["edX", "MITx"]}),
        ("org:edX OR org:MITx", {"org": ["edX", "MITx"]}),
        ("(org:edX OR (org:MITx OR org:HarvardX))", {"org": ["edX", "MITx", "HarvardX"]}),
        ("NOT org:(edX OR MITx)", {"org__exclude": ["edX", "MITx"]}),
        ("NOT (org:edX OR org:MITx) AND hidden:false", {"org__exclude": ["edX", "MITx"], "hidden": False}),
        ("subjects:(History AND Mathematics)", {"subjects": "History", "subjects__exact": "Mathematics"}),
        (f"{PRICE}:[100 TO 300]", {f"{PRICE}__gte": 100, f"{PRICE}__lte": 300}),
        (f"{PRICE}:{{100 TO 300}}", {f"{PRICE}__gt": 100, f"{PRICE}__lt": 300}),
        (f"{PRICE}:[100 TO *]", {f"{PRICE}__gte": "100"}),
        (f"{PRICE}:>=100", {f"{PRICE}__gte": 100}),
        (f"{PRICE}:>100", {f"{PRICE}__gt": 100}),
        (f"{PRICE}:<=300", {f"{PRICE}__lte": "300"}),
        (f"{PRICE}:<300", {f"{PRICE}__lt": "300.00"}),
        ("start:[2024-01-01 TO 2024-06-01T00:00:00Z}", {"start__gte": "2024-01-01", "start__lt": "2024-06-01"}),
        ('start:>="2024-01-01T10:00:00+02:00"', {"start__gte": "2024-01-01T08:00:00Z"}),
        (
            "hidden:true AND enterprise_subscription_inclusion:1",
            {"hidden": True, "enterprise_subscription_inclusion": "true"},
        ),
        ("content_type:CourseRun", {"content_type": "courserun"}),
        ("_exists_:end", {"end__not": None}),
        ("end:*", {"end__not": None}),
        ("end:[* TO *]", {"end__not": None}),
        ("NOT _exists_:end", {"end": None}),
        ("(end:2024-06-01 OR (NOT _exists_:end))", {"end": ["2024-06-01", None]}),
        # Lucene: a NOT inside an OR group still excludes, so this asks for a value and none at once.
        ("(end:2024-06-01 OR NOT _exists_:end)", {"end": "2024-06-01", "end__exact": None}),
        ("*:*", {}),
        ("", {}),
        ("   ", {}),
        ("*:* AND org:edX", {"org": "edX"}),
    ],
)
def test_lucene_strings_equal_dict_queries(text: str, equivalent: dict[str, Any]) -> None:
    assert parse_query(text) == parse_query(equivalent)


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("org:edX~", "edX~", "fuzzy search (~) is not supported at column 5"),
        ("org:/ed.*/", "/ed.*/", "regular expressions are not supported"),
        ('title:"intro cs"~3', '"intro cs"~3', "proximity search"),
        ("*:edX", "*:edX", "only *:* may name every field"),
        ("edX", "edX", "these documents hold no full text to search; name a field"),
        ("org:edX MITx", "MITx", "name a field (field:value) at column 9"),
        ("org:(level_type:x)", "level_type:x", "a field inside the field 'org'"),
        ("key:course-v1:edX+CS101+2T2024", "course-v1:edX+CS101+2T2024", "quote or escape"),
        ("price:10", "price:10", "unknown field 'price'"),
        ("org:edX OR price:10", "price:10", "unknown field 'price'"),
        ("_exists_:price", "_exists_:price", "unknown field 'price'"),
        (f"{PRICE}:>=cheap", f"{PRICE}:>=cheap", "not a number"),
        (f"{PRICE}:>=*", f"{PRICE}:>=*", "an open range needs a value"),
        ("start:>=yesterday", "start:>=yesterday", "not an ISO date"),
        ("hidden:maybe", "hidden:maybe", "not a boolean"),
        ("org:edX AND", "org:edX AND", "the query ends too early"),
        ("org:(edX", "org:(edX", "the query ends too early"),
        ("org:edX OR OR x", "OR", "unexpected at column 12"),
        ("a^.", "a^.", "invalid query syntax"),
    ],
)
def test_unsupported_lucene_says_what_and_where(text: str, key: str, reason: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.key == key
    assert reason in caught.value.detail


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("org:edX OR level_type:Introductory", Or((Term("org", "edX"), Term("level_type", "Introductory")))),
        ("org:edX level_type:Introductory", Or((Term("org", "edX"), Term("level_type", "Introductory")))),
        ("NOT (org:edX AND hidden:true)", Not(And((Term("org", "edX"), Term("hidden", "true"))))),
        (f"NOT {PRICE}:[1 TO 5]", Not(Range(PRICE, "1", "5"))),
        ("org:ed*", Prefix("org", "ed")),
        ("org:e?X", Wildcard("org", "e?X")),
        ("title:*Science*", Wildcard("title", "*Science*")),
    ],
)
def test_forms_the_clauses_cannot_hold_are_read_by_the_search_language(text: str, node: Node) -> None:
    query = parse_query(text)
    assert query.clauses == ()
    assert query.node == node
    assert parse_query(to_lucene(query)) == query


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"org": "edX"},
        {"title": 'Data "Science": (Basics) \\ AND OR NOT *'},
        {"title": ""},
        {"org": ["edX", "MITx", None], "org__not": None, "end": None},
        {"subjects__exclude": ["History", None], f"{PRICE}__gt": "99.99", "start__lte": "2024-01-01"},
        {"hidden": True, "uuid": "6f9f7a1e-4c2b-4d53-9a3e-2f0d8e1c5b7a", "content_type__not": "program"},
    ],
)
def test_rendering_reads_back_to_the_same_query(query: dict[str, Any]) -> None:
    parsed = parse_query(query)
    assert parse_query(to_lucene(parsed)) == parsed


def test_rendering_is_readable() -> None:
    query = parse_query({"org": ["edX", "MITx"], "hidden__not": True, f"{PRICE}__lte": "300"})
    assert to_lucene(query) == f'{PRICE}:<="300" AND NOT hidden:"true" AND org:("MITx" OR "edX")'
    assert to_lucene(Query()) == "*:*"


def test_a_range_over_text_is_lexicographic_as_in_lucene() -> None:
    # The clauses compare only numbers and dates; the search query language holds the rest, whichever
    # way the range is spelled (it used to be refused alone and accepted inside an OR).
    alone = parse_query("org:[a TO m}")
    assert alone.node == Range("org", "a", "m", include_low=True, include_high=False)
    assert parse_query(to_lucene(alone)) == alone
    assert parse_query("org:[a TO m} OR title:x").node is not None
    assert parse_query("org:>=m").node == Range("org", "m", None, include_low=True, include_high=True)
