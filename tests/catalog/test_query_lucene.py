"""Tests for reading course-discovery-style Lucene strings into the query tree, and back."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.query import Query, QueryError, parse_query, to_lucene

PRICE = "first_enrollable_paid_seat_price"


@pytest.mark.parametrize(
    ("text", "equivalent"),
    [
        ("org:edX", {"org": "edX"}),
        ("org:edX AND level_type:Introductory", {"org": "edX", "level_type": "Introductory"}),
        ("org:edX level_type:Introductory", {"org": "edX", "level_type": "Introductory"}),
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
        ("(end:2024-06-01 OR NOT _exists_:end)", {"end": ["2024-06-01", None]}),
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
        ("org:edX OR level_type:Introductory", "org:edX OR level_type:Introductory", "OR across different fields"),
        ("org:edX AND (org:MITx OR hidden:true)", "org:MITx OR hidden:true", "OR across different fields"),
        ("org:edX OR -org:MITx", "org:edX OR -org:MITx", "only supported between plain values"),
        ("(org:edX AND hidden:true) OR org:MITx", "(org:edX AND hidden:true) OR org:MITx", "only supported between"),
        ("NOT (org:edX AND hidden:true)", "NOT (org:edX AND hidden:true)", "NOT applies only to values of one field"),
        (f"NOT {PRICE}:[1 TO 5]", f"NOT {PRICE}:[1 TO 5]", "not ranges"),
        ("edX", "edX", "a term without a field is not supported"),
        ("org:edX MITx", "MITx", "a term without a field"),
        ("org:ed*", "org:ed*", "wildcards are not supported"),
        ("org:e?X", "org:e?X", "wildcards are not supported"),
        ("org:/ed.*/", "org:/ed.*/", "Regex queries are not supported"),
        ("org:edX~", "org:edX~", "Fuzzy queries are not supported"),
        ("org:edX^2", "org:edX^2", "Boost queries are not supported"),
        ('title:"intro cs"~3', 'title:"intro cs"~3', "Proximity queries are not supported"),
        ("*:edX", "*:edX", "searching all fields is not supported"),
        ("org:(level_type:x)", "org:level_type:x", "a field inside another field"),
        ("key:course-v1:edX+CS101+2T2024", "key:course-v1:edX+CS101+2T2024", "quote values containing ':'"),
        ("org:edX and hidden:true", "and", "operators are written AND, OR and NOT"),
        ("org:edX || org:MITx", "||", "operators are written AND, OR and NOT"),
        ("price:10", "price:10", "unknown field 'price'"),
        ("_exists_:price", "_exists_:price", "unknown field 'price'"),
        ("title:[a TO z]", "title:[a TO z]", "compares numbers or dates, but title is a string field"),
        (f"{PRICE}:>=cheap", f"{PRICE}:>=cheap", "not a number"),
        (f"{PRICE}:>=*", f"{PRICE}:>=*", "an open range needs a value"),
        ("start:>=yesterday", "start:>=yesterday", "not an ISO date"),
        ("hidden:maybe", "hidden:maybe", "not a boolean"),
        ("org:edX AND", "org:edX AND", "invalid query syntax"),
        ("org:(edX", "org:(edX", "invalid query syntax"),
    ],
)
def test_unsupported_lucene_says_what_and_where(text: str, key: str, reason: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.key == key
    assert reason in caught.value.detail


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
