"""Tests for validating the JSON query format into the query tree, and what the tree offers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from catalog.query import FIELDS, Clause, Lookup, Query, QueryError, matches, parse_query


def test_values_are_normalized_once_for_every_evaluator() -> None:
    query = parse_query(
        {
            "first_enrollable_paid_seat_price__lte": "300",
            "start__gte": "2024-01-15",
            "end__lt": "2024-06-01T02:00:00+02:00",
            "hidden": "0",
            "content_type": ["CourseRun", "course", "course"],
            "uuid": "6F9F7A1E4C2B4D539A3E2F0D8E1C5B7A",
        }
    )
    values = {clause.field.name: clause.values for clause in query.clauses}
    assert values == {
        "content_type": ("course", "courserun"),
        "end": (datetime(2024, 6, 1, tzinfo=UTC),),
        "first_enrollable_paid_seat_price": (Decimal("300"),),
        "hidden": (False,),
        "start": (datetime(2024, 1, 15, tzinfo=UTC),),
        "uuid": ("6f9f7a1e-4c2b-4d53-9a3e-2f0d8e1c5b7a",),
    }


def test_exclude_is_not_and_exact_is_the_default() -> None:
    assert parse_query({"org__exclude": "edX"}) == parse_query({"org__not": "edX"})
    assert parse_query({"org__exact": "edX"}) == parse_query({"org": "edX"})
    (clause,) = parse_query({"org__exclude": ["edX", None]}).clauses
    assert (clause.lookup, clause.values, clause.null) == (Lookup.NOT, ("edX",), True)


def test_clause_order_does_not_matter() -> None:
    assert parse_query({"org": "edX", "hidden": False}) == parse_query({"hidden": "false", "org": "edX"})


def test_options_are_kept_apart_from_clauses() -> None:
    query = parse_query({"include_learner_pathways": "true", "exclude_expired_course_run": 0})
    assert query.clauses == ()
    assert query.options.include_learner_pathways is True
    assert query.options.exclude_expired_course_run is False


def test_fields_lists_positive_tests_only() -> None:
    query = parse_query(
        {
            "content_type": "course",
            "org__not": "edX",
            "start__gte": "2024-01-01",
            "level_type": [None, "Introductory"],
        }
    )
    assert query.fields == {"content_type", "start"}


def test_candidate_keys_give_the_values_content_must_hold() -> None:
    query = parse_query(
        {
            "content_type": ["course", "program"],
            "subjects": ["History", "Mathematics"],
            "subjects__exact": "History",
            "org__not": "edX",
            "level_type": [None, "Introductory"],
            "first_enrollable_paid_seat_price__lte": 300,
        }
    )
    assert query.candidate_keys() == {
        "content_type": frozenset({"course", "program"}),
        "subjects": frozenset({"History"}),
    }
    # Sound for list-valued content: this document matches and holds a candidate value.
    document = {"content_type": "course", "subjects": ["History", "Mathematics"], "first_enrollable_paid_seat_price": 1}
    assert matches(query, document)


def test_clause_rejects_impossible_shapes() -> None:
    title = FIELDS["title"]
    price = FIELDS["first_enrollable_paid_seat_price"]
    with pytest.raises(ValueError, match="no order"):
        Clause(title, Lookup.GT, ("a",))
    with pytest.raises(ValueError, match="exactly one"):
        Clause(price, Lookup.GT, (Decimal(1), Decimal(2)))
    with pytest.raises(ValueError, match="at least one"):
        Clause(title, Lookup.EXACT, ())
    with pytest.raises(ValueError, match="no single-clause negation"):
        Clause(price, Lookup.GT, (Decimal(1),)).negated()


@pytest.mark.parametrize(
    ("query", "key", "reason"),
    [
        ({"price": 1}, "price", "unknown field 'price'"),
        ({"org__contains": "ed"}, "org__contains", "unknown lookup 'contains'"),
        ({"org__": "ed"}, "org__", "unknown lookup ''"),
        ({"org__not__exact": "ed"}, "org__not__exact", "at most one '__'"),
        ({"nope__gt": 1}, "nope__gt", "unknown field 'nope'"),
        ({"include_learner_pathways__not": True}, "include_learner_pathways__not", "search option"),
        ({"include_learner_pathways": "yes"}, "include_learner_pathways", "not a boolean"),
        ({"first_enrollable_paid_seat_price__lte": "cheap"}, "first_enrollable_paid_seat_price__lte", "not a number"),
        ({"first_enrollable_paid_seat_price": "NaN"}, "first_enrollable_paid_seat_price", "not a number"),
        ({"first_enrollable_paid_seat_price": "1_000"}, "first_enrollable_paid_seat_price", "not a number"),
        ({"first_enrollable_paid_seat_price": True}, "first_enrollable_paid_seat_price", "not a number"),
        ({"first_enrollable_paid_seat_price": float("inf")}, "first_enrollable_paid_seat_price", "not a finite"),
        ({"start__gte": "yesterday"}, "start__gte", "not an ISO date"),
        ({"start__gte": "20240101"}, "start__gte", "not an ISO date"),
        ({"start": "2024-02-30"}, "start", "not an ISO date"),
        ({"end__lt": 20240101}, "end__lt", "not an ISO date"),
        ({"hidden": "yes"}, "hidden", "not a boolean"),
        ({"hidden": 2}, "hidden", "not a boolean"),
        ({"uuid": "not-a-uuid"}, "uuid", "not a UUID"),
        ({"content_type": "courses"}, "content_type", "not one of course, courserun"),
        ({"org": 42}, "org", "not a string"),
        ({"org": {"key": "edX"}}, "org", "not a string"),
        ({"org": ["edX", ["MITx"]]}, "org", "not a string"),
        ({"org": []}, "org", "empty list"),
        ({"title__gte": "A"}, "title__gte", "gte compares numbers or dates, but title is a string field"),
        ({"hidden__lt": True}, "hidden__lt", "compares numbers or dates"),
        ({"first_enrollable_paid_seat_price__lte": [1, 2]}, "first_enrollable_paid_seat_price__lte", "not a list"),
        ({"start__gt": None}, "start__gt", "not null"),
    ],
)
def test_invalid_queries_name_the_key(query: dict[str, Any], key: str, reason: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")
    assert reason in caught.value.detail


def test_invalid_query_is_rejected_by_matches_too() -> None:
    with pytest.raises(QueryError, match=r"^price: unknown field"):
        matches({"price": 1}, {"price": 1})


@pytest.mark.parametrize("query", [None, 42, ["org"], b"org:edX"])
def test_a_query_must_be_an_object_or_a_string(query: Any) -> None:
    with pytest.raises(QueryError, match="a query is a JSON object or a query string"):
        parse_query(query)


def test_an_empty_query_matches_everything() -> None:
    assert parse_query({}) == Query()
    assert matches({}, {})
