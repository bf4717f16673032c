"""The reference evaluator: what each leaf means per field kind, and the analysis of text."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.query.analysis import tokens
from search.query.evaluate import matches
from search.query.nodes import And, Exists, Node, Not, Or, Phrase, Range, Term, Wildcard
from search.query.parse import parse_query
from tests.search.query import strategies
from tests.search.query.tables import TABLE

NOW = datetime(2026, 3, 15, 10, 30, tzinfo=UTC)
COURSE = {
    "title": "Introduction to Data Sciences",
    "short_description": "Économie et statistique, with Python's libraries",
    "staff": ["Ada Lovelace", "Alan Turing"],
    "org": "edX",
    "key": "edX+DS101",
    "aggregation_key": "course:edX+DS101",
    "content_type": "course",
    "seat_types": ["verified", "audit"],
    "first_enrollable_paid_seat_price": 49.99,
    "weeks_to_complete": 6,
    "start": "2026-04-01T00:00:00Z",
    "hidden": False,
}


def query(text: str, document: dict[str, Any] = COURSE) -> bool:
    return matches(parse_query(text, TABLE, now=NOW), document, TABLE)


def test_tokens_fold_case_accents_and_plurals() -> None:
    assert tokens("Économie des COURSES: studies, classes & boxes; edX's") == [
        "economie",
        "des",
        "course",
        "study",
        "class",
        "box",
        "edx",
    ]
    assert tokens("bus analysis Python3") == ["bus", "analysis", "python3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("science", True),  # plural folded on both sides
        ("SCIENCES", True),
        ("economie", True),  # accents folded
        ("python", True),  # possessive folded
        ("turing", True),  # any element of a list
        ("medicine", False),
        ("data-medicine", True),  # a word that analyses to several tokens: any of them (the default OR)
        ('"data science"', True),
        ('"science data"', False),
        ('"lovelace alan"', False),  # a phrase does not run across list elements
        ("title:intro*", True),
        ("title:scien*", True),
        ("title:*ience", True),
        ("title:d?ta", True),
        ("title:python", False),  # only the title
        ("pyth*", True),
        ("title:(data AND NOT python)", True),
        ("medicine OR library", True),
        ("medicine library", True),
        ("+medicine library", False),
    ],
)
def test_text(text: str, expected: bool) -> None:
    assert query(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("org:edX", True),
        ("org:edx", False),  # keywords are exact and case-sensitive
        ("org:(MITx OR edX)", True),
        ("org:(-MITx AND -HarvardX)", True),
        ("id:course*", True),
        ("id:program*", False),
        ("key:edX+DS1?1", True),
        ("key:*DS101", True),
        ("key:[edX TO edY]", True),
        ("seat_types:verified", True),
        ("seat_types:professional", False),
        ("content_type:course AND NOT hidden:true", True),
        ("hidden:false", True),
        ("price:49.99", True),
        ("price:49.990", True),
        ("price:[10 TO 50]", True),
        ("price:{10 TO 49.99}", False),
        ("price:>=49.99", True),
        ("weeks_to_complete:<6", False),
        ("start:2026-04-01", True),
        ("start:>now", True),
        ("start:[now-1y TO now]", False),
        ("start:[2026-01-01 TO 2026-04-01}", False),
        ("_exists_:weeks_to_complete", True),
        ("org:*", True),
        ("*:*", True),
    ],
)
def test_structured_fields(text: str, expected: bool) -> None:
    assert query(text) is expected


@pytest.mark.parametrize("empty", [None, "", [], [None], "not a date"])
def test_no_value_fails_every_leaf_and_passes_its_negation(empty: Any) -> None:
    document = {**COURSE, "start": empty}
    for text in ("start:2026-04-01", "start:[* TO *]", "_exists_:start", "start:>2000", "start:<3000"):
        assert not query(text, document)
        assert query(f"NOT {text}", document)


def test_values_of_python_types_are_read_as_their_kind() -> None:
    document = {**COURSE, "start": date(2026, 4, 1), "first_enrollable_paid_seat_price": "49.99", "hidden": "false"}
    assert query("start:2026-04-01 AND price:49.99 AND hidden:false", document)
    naive = {**COURSE, "start": datetime(2026, 4, 1)}
    assert query("start:2026-04-01T00:00:00Z", naive)  # naive content is UTC


def test_a_word_without_a_field_searches_only_the_default_fields() -> None:
    assert not query("edX")  # the org is a keyword field, not full text
    assert query("lovelace")


@given(strategies.nodes, strategies.nodes, strategies.documents)
def test_connectives_mean_what_they_say(node: Node, other: Node, document: dict[str, Any]) -> None:
    result, other_result = matches(node, document, TABLE), matches(other, document, TABLE)
    assert matches(Not(node), document, TABLE) is not result
    assert matches(And((node, other)), document, TABLE) is (result and other_result)
    assert matches(Or((node, other)), document, TABLE) is (result or other_result)


@given(st.sampled_from(["first_enrollable_paid_seat_price", "start", "key"]), st.data())
def test_ranges_relate_as_orderings(field: str, data: st.DataObject) -> None:
    value = data.draw(strategies.value_of(TABLE.kinds[field]))
    document = data.draw(st.fixed_dictionaries({}, optional={field: strategies.value_of(TABLE.kinds[field])}))
    exact = matches(Term(field, value), document, TABLE)
    gt, gte = (matches(Range(field, value, None, include_low=flag), document, TABLE) for flag in (False, True))
    lt, lte = (matches(Range(field, None, value, include_high=flag), document, TABLE) for flag in (False, True))
    assert gte == (gt or exact)
    assert lte == (lt or exact)
    assert (lt or gte) == matches(Exists(field), document, TABLE)


@given(st.lists(st.sampled_from(strategies.WORDS), min_size=1, max_size=4))
def test_a_title_matches_its_own_words_and_phrase(words: list[str]) -> None:
    title = " ".join(words)
    document = {"title": title}
    assert matches(Phrase("title", title), document, TABLE)
    assert all(matches(Term("title", word.upper()), document, TABLE) for word in words)


# --- wildcards: the pattern's meaning, in time linear in the value -------------------------------------

WILDCARD_ALPHABET = st.text(alphabet="ab*?", min_size=1, max_size=8)


@given(pattern=WILDCARD_ALPHABET, value=st.text(alphabet="ab", min_size=1, max_size=10))
def test_a_keyword_wildcard_means_what_a_shell_glob_means(pattern: str, value: str) -> None:
    """``*`` any run and ``?`` one character, over the whole value: fnmatch's meaning for these two (an empty
    value is no value, which no leaf matches)."""
    document = {"key": value}
    assert matches(Wildcard("key", pattern), document, TABLE) is fnmatch.fnmatchcase(value, pattern)


def test_escaped_wildcard_characters_are_literal() -> None:
    assert matches(Wildcard("key", r"edX\*+?*"), {"key": "edX*+CS101"}, TABLE)
    assert not matches(Wildcard("key", r"edX\*+?*"), {"key": "edXa+CS101"}, TABLE)
    assert matches(Wildcard("key", r"a\?b"), {"key": "a?b"}, TABLE)
    assert not matches(Wildcard("key", r"a\?b"), {"key": "axb"}, TABLE)


# Twenty wildcards that can each start anywhere in a 60-character key, and a last character it lacks: the
# regular expression the evaluator used (``.*`` between the runs) tried every placement before failing,
# some 10^15 of them. A staff member's catalog query (or one typed by mistake) kept a membership worker busy
# for ever, on every content change.
PATHOLOGICAL = (
    "from search.query.evaluate import matches; from search.query.nodes import Wildcard; "
    "from tests.search.query.tables import TABLE; "
    "print(matches(Wildcard('key', '*?' * 20 + '#'), {'key': 'course-v1:' + 'a' * 50}, TABLE))"
)


def test_a_wildcard_pattern_cannot_make_matching_run_away() -> None:
    """Run apart, so that the old evaluator's run-away match is killed instead of holding the test process."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", PATHOLOGICAL],
            cwd=Path(__file__).resolve().parents[3],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "settings.test"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("matching one wildcard pattern against one 60-character key did not finish in two minutes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
