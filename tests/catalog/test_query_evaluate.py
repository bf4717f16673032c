"""Tests for the Python evaluator of catalog queries: every lookup on real-looking content."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.query import Query, matches, parse_query

RUN: dict[str, Any] = {
    "content_type": "courserun",
    "partner": "edx",
    "key": "course-v1:edX+CS101+2T2024",
    "aggregation_key": "courserun:edX+CS101",
    "uuid": "6F9F7A1E-4C2B-4D53-9A3E-2F0D8E1C5B7A",
    "org": "edX",
    "level_type": "Introductory",
    "availability": "Current",
    "status": "published",
    "pacing_type": "self_paced",
    "language": "English",
    "subjects": ["Computer Science", "Mathematics"],
    "seat_types": ["audit", "verified"],
    "enterprise_subscription_inclusion": True,
    "first_enrollable_paid_seat_price": 299.99,
    "start": "2024-01-15T12:30:00Z",
    "end": None,
    "hidden": False,
    "title": "Intro to CS",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, True),
        ({"org": "edX"}, True),
        ({"org__exact": "edX"}, True),
        ({"org": "edx"}, False),  # strings are case-sensitive
        ({"org": ["MITx", "edX"]}, True),
        ({"org": ["MITx", "HarvardX"]}, False),
        ({"org__not": "edX"}, False),
        ({"org__not": "MITx"}, True),
        ({"org__exclude": ["MITx", "edX"]}, False),
        ({"org__exclude": ["MITx", "HarvardX"]}, True),
        ({"content_type": "courserun", "org": "edX"}, True),
        ({"content_type": "course", "org": "edX"}, False),
        ({"uuid": "6f9f7a1e4c2b4d539a3e2f0d8e1c5b7a"}, True),  # any spelling of the UUID
        ({"availability": "current"}, True),  # closed vocabularies ignore case
        ({"title": "Intro to CS"}, True),
        ({"title": "intro to cs"}, False),
    ],
)
def test_exact_and_negated_lookups(query: dict[str, Any], expected: bool) -> None:
    assert matches(query, RUN) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"first_enrollable_paid_seat_price__lte": "300"}, True),
        ({"first_enrollable_paid_seat_price__lte": 299.99}, True),
        ({"first_enrollable_paid_seat_price__lt": "299.99"}, False),
        ({"first_enrollable_paid_seat_price__gt": 299}, True),
        ({"first_enrollable_paid_seat_price__gte": "299.990"}, True),
        ({"first_enrollable_paid_seat_price__gt": "299.99"}, False),
        ({"first_enrollable_paid_seat_price": "299.99"}, True),
        ({"start__gte": "2024-01-15"}, True),
        ({"start__gt": "2024-01-15T12:30:00+00:00"}, False),
        ({"start__lte": "2024-01-15T12:30:00"}, True),  # naive means UTC
        ({"start": "2024-01-15T14:30:00+02:00"}, True),  # the same instant
        ({"hidden": "false"}, True),
        ({"hidden": "0"}, True),
        ({"hidden": True}, False),
        ({"enterprise_subscription_inclusion": "1"}, True),
        ({"enterprise_subscription_inclusion__not": "true"}, False),
    ],
)
def test_numbers_dates_and_booleans(query: dict[str, Any], expected: bool) -> None:
    assert matches(query, RUN) is expected


def test_timezones_compare_as_instants() -> None:
    # 13:00 at +01:00 is 12:00 UTC, which is before the run's 12:30 UTC start.
    assert not matches({"start__lt": "2024-01-15T13:00:00+01:00"}, RUN)
    assert matches({"start__gt": "2024-01-15T13:00:00+01:00"}, RUN)


def test_list_valued_content_matches_any_element() -> None:
    assert matches({"subjects": "Mathematics"}, RUN)
    assert matches({"subjects": ["History", "Computer Science"]}, RUN)
    assert not matches({"subjects": "History"}, RUN)
    assert not matches({"subjects__not": "Mathematics"}, RUN)
    assert matches({"subjects__not": "History"}, RUN)
    assert not matches({"seat_types__exclude": ["professional", "verified"]}, RUN)


def test_list_elements_that_are_objects_are_read_through_their_key() -> None:
    course = {"subjects": [{"name": "History", "slug": "history"}], "organizations": [{"key": "MITx"}]}
    assert matches({"subjects": "History", "organizations": "MITx"}, course)
    assert not matches({"subjects": "history"}, course)


def test_two_keys_on_one_field_must_both_hold() -> None:
    query = {
        "aggregation_key": ["courserun:edX+CS101", "course:edX+CS101"],
        "aggregation_key__exclude": "course:edX+CS101",
    }
    assert matches(query, RUN)
    assert not matches(query, {**RUN, "aggregation_key": "course:edX+CS101"})
    both_subjects = {"subjects": "Computer Science", "subjects__exact": "Mathematics"}
    assert matches(both_subjects, RUN)
    assert not matches(both_subjects, {**RUN, "subjects": ["Mathematics"]})
    window = {"first_enrollable_paid_seat_price__gte": 100, "first_enrollable_paid_seat_price__lt": "300"}
    assert matches(window, RUN)
    assert not matches(window, {**RUN, "first_enrollable_paid_seat_price": 300})


@pytest.mark.parametrize("missing", [{}, {"level_type": None}, {"level_type": []}])
def test_content_missing_a_field(missing: dict[str, Any]) -> None:
    document = {**{name: value for name, value in RUN.items() if name != "level_type"}, **missing}
    assert not matches({"level_type": "Introductory"}, document)
    assert not matches({"level_type": ["Introductory", "Advanced"]}, document)
    assert matches({"level_type__not": "Introductory"}, document)
    assert matches({"level_type__exclude": ["Introductory", "Advanced"]}, document)
    assert matches({"level_type": None}, document)
    assert not matches({"level_type__not": None}, document)


def test_unreadable_content_values_count_as_missing() -> None:
    # Content comes from elsewhere: a bad value must not break evaluation or pass a range.
    document = {**RUN, "first_enrollable_paid_seat_price": "TBD", "hidden": "maybe"}
    assert not matches({"first_enrollable_paid_seat_price__gte": 0}, document)
    assert matches({"first_enrollable_paid_seat_price": None}, document)
    assert matches({"hidden__not": False}, document)


def test_missing_field_fails_ranges_and_passes_negations() -> None:
    assert not matches({"end__gte": "2000-01-01"}, RUN)
    assert not matches({"end__lt": "2999-01-01"}, RUN)
    assert matches({"end__not": "2024-01-01"}, RUN)
    assert not matches({"partner": "edx"}, {"org": "edX"})


def test_null_in_a_list_also_matches_missing() -> None:
    assert matches({"end": [None, "2024-06-01"]}, RUN)
    assert matches({"end": [None, "2024-06-01"]}, {**RUN, "end": "2024-06-01T00:00:00Z"})
    assert not matches({"end": [None, "2024-06-01"]}, {**RUN, "end": "2025-06-01T00:00:00Z"})
    assert not matches({"end__not": [None, "2024-06-01"]}, RUN)
    assert matches({"end__not": [None, "2024-06-01"]}, {**RUN, "end": "2025-06-01T00:00:00Z"})


def test_search_options_are_not_field_tests() -> None:
    query = {"org": "edX", "include_learner_pathways": True, "exclude_expired_course_run": "true"}
    assert matches(query, RUN)
    assert parse_query(query).options.exclude_expired_course_run is True
    assert matches({"include_learner_pathways": False}, {})


def test_matches_accepts_a_string_or_a_parsed_query() -> None:
    assert matches("org:edX AND level_type:Introductory", RUN)
    assert not matches("org:edX AND NOT level_type:Introductory", RUN)
    assert matches(parse_query({"org": "edX"}), RUN)
    assert matches(Query(), {})
