"""The query-string parser: course-discovery's Lucene syntax read into nodes, and refused with a place."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from search.query.errors import QueryError
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.query.parse import parse_query, to_query_string
from tests.search.query.tables import TABLE

NOW = datetime(2026, 3, 15, 10, 30, tzinfo=UTC)


def parse(text: str) -> Node:
    return parse_query(text, TABLE, now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", MatchAll()),
        ("   ", MatchAll()),
        ("*", MatchAll()),
        ("*:*", MatchAll()),
        ("medicine", Term(None, "medicine")),
        ('"data science"', Phrase(None, "data science")),
        ("org:edX", Term("org", "edX")),
        ('org:"edX"', Term("org", "edX")),  # a phrase on a keyword field is the exact value
        ('title:"data science"', Phrase("title", "data science")),
        ("id:course*", Prefix("aggregation_key", "course")),
        ("pyth*", Prefix(None, "pyth")),
        ("title:*science", Wildcard("title", "*science")),
        ("key:edX+CS?0*", Wildcard("key", "edX+CS?0*")),
        (r"key:edX\*", Term("key", "edX*")),
        ("org:*", Exists("org")),
        ("_exists_:org", Exists("org")),
        ("weeks_to_complete:[* TO *]", Exists("weeks_to_complete")),
        ("price:[10 TO 100]", Range("first_enrollable_paid_seat_price", "10", "100")),
        ("price:{10 TO 100]", Range("first_enrollable_paid_seat_price", "10", "100", include_low=False)),
        ("price:[10 TO *}", Range("first_enrollable_paid_seat_price", "10", None, include_high=False)),
        ("weeks_to_complete:>=4", Range("weeks_to_complete", "4", None)),
        ("weeks_to_complete:<4", Range("weeks_to_complete", None, "4", include_high=False)),
        ("start:[2024-01-01 TO *]", Range("start", "2024-01-01T00:00:00+00:00", None)),
        ("start:>2024", Range("start", "2024-01-01T00:00:00+00:00", None, include_low=False)),
        ("start:<=now", Range("start", None, NOW.isoformat())),
        ("start:>=now-1d/d", Range("start", "2026-03-14T00:00:00+00:00", None)),
        ("start:<=now+1M/d", Range("start", None, "2026-04-15T23:59:59.999000+00:00")),
        ("start:[now-1y TO now]", Range("start", "2025-03-15T10:30:00+00:00", NOW.isoformat())),
        ("key:[a TO m}", Range("key", "a", "m", include_high=False)),
        ("hidden:TRUE", Term("hidden", "true")),
        ("hidden:0", Term("hidden", "false")),
        ("price:10.50", Term("first_enrollable_paid_seat_price", "10.50")),
        ("organizations.raw:x" if False else "org.raw:edX", Term("org", "edX")),
        ("title:python^2", Term("title", "python")),
    ],
)
def test_leaves(text: str, expected: Node) -> None:
    assert parse(text) == expected


A, B, C = Term(None, "a"), Term(None, "b"), Term(None, "c")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Elasticsearch's default operator is OR: juxtaposed clauses are alternatives.
        ("a b", Or((A, B))),
        ("a OR b", Or((A, B))),
        ("a AND b", And((A, B))),
        ("a && b || c", Or((And((A, B)), C))),
        ("a and b", And((A, B))),  # course-discovery upper-cases spaced lower-case operators
        ("a or b", Or((A, B))),
        ("a not b", And((A, Not(B)))),
        ("+a b", A),  # with a MUST clause, SHOULD clauses only weigh relevance
        ("+a +b c", And((A, B))),
        ("a -b", And((A, Not(B)))),
        ("a b -c", And((Or((A, B)), Not(C)))),
        ("-a", Not(A)),
        ("NOT a", Not(A)),
        ("!a", Not(A)),
        ("a OR NOT b", And((A, Not(B)))),  # Lucene: NOT inside an OR group is still MUST_NOT
        ("a AND NOT b", And((A, Not(B)))),
        ("(a OR b) AND c", And((Or((A, B)), C))),
        ("a AND (b OR c)", And((A, Or((B, C))))),
        ("a AND b OR c", Or((And((A, B)), C))),  # AND binds tighter
        ("a (b)", Or((A, B))),
        ("a OR *", MatchAll()),
        ("a AND *:*", A),
        ("NOT *", Not(MatchAll())),
        ("org:(edX OR MITx)", Or((Term("org", "edX"), Term("org", "MITx")))),
        ("org:(-edX AND -MITx)", And((Not(Term("org", "edX")), Not(Term("org", "MITx"))))),
        ("title:(+data -science)", And((Term("title", "data"), Not(Term("title", "science"))))),
        ("a AND b AND c", And((A, B, C))),
        ("(a AND b) AND c", And((A, B, C))),
    ],
)
def test_operators(text: str, expected: Node) -> None:
    assert parse(text) == expected


def test_a_course_discovery_catalog_query() -> None:
    # The shape of query course-discovery's own tests store in a catalog.
    text = "org:(-galileox AND -davidsonnext) AND content_type:(course OR courserun) AND NOT hidden:true"
    assert parse(text) == And(
        (
            Not(Term("org", "galileox")),
            Not(Term("org", "davidsonnext")),
            Or((Term("content_type", "course"), Term("content_type", "courserun"))),
            Not(Term("hidden", "true")),
        )
    )


@pytest.mark.parametrize(
    ("text", "message", "column", "token"),
    [
        ("a AND", "ends too early", None, None),
        ("(a", "ends too early", None, None),
        ("a OR OR b", "invalid query syntax", 6, "OR"),
        ("a )", "invalid query syntax", 3, ")"),
        ('title:"data', "unclosed quote", 7, '"data'),
        ("price:[1 TO]", "invalid query syntax", 12, "]"),
        ("subject:math", "unknown field 'subject'", 1, "subject:math"),
        ("title:x AND nope:y", "unknown field 'nope'", 13, "nope:y"),
        ("_exists_:nope", "unknown field 'nope'", 1, "_exists_:nope"),
        ("price:cheap", "not a number", 7, "cheap"),
        ("start:yesterday", "not a date", 7, "yesterday"),
        ("start:2024-13-01", "not a date", 7, "2024-13-01"),
        ("hidden:maybe", "boolean field", 8, "maybe"),
        ("title:[a TO b]", "ranges apply to number, date and keyword fields", 7, "[a TO b]"),
        ("hidden:>true", "ranges apply", 8, ">true"),
        ("[1 TO 2]", "a range needs a field", 1, "[1 TO 2]"),
        ("price:1*", "wildcards apply to text and keyword fields", 7, "1*"),
        ("python~2", "fuzzy", 1, "python~2"),
        ('"data science"~2', "proximity", 1, '"data science"~2'),
        ("title:/pyth.n/", "regular expressions", 7, "/pyth.n/"),
        ("org:edX:x", "a field inside the field 'org'", 5, "edX:x"),
        ("*:python", "only *:*", 1, "*:python"),
        ("a\x00b", "null character", 2, "\\x00"),
    ],
)
def test_errors_say_what_and_where(text: str, message: str, column: int | None, token: str | None) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    error = caught.value
    assert message in str(error)
    assert (None if error.position is None else error.position + 1) == column
    assert error.token == token
    if column is not None:
        assert f"at column {column}" in str(error)


def test_positions_are_in_the_text_the_client_sent() -> None:
    # "&&" is read as AND (one character longer): the column still points into the original text.
    with pytest.raises(QueryError) as caught:
        parse("a && b && nope:x")
    assert caught.value.position == "a && b && nope:x".index("nope")


def test_an_unknown_field_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match="fields: aggregation_key, content_type"):
        parse("nope:x")


def test_very_long_and_deep_queries_are_refused_not_crashed() -> None:
    with pytest.raises(QueryError, match="longer than"):
        parse("a " * 6000)
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("(" * 3000 + "a" + ")" * 3000)


@pytest.mark.parametrize(
    "node",
    [
        Term("key", "course-v1:edX+CS101+2T2024"),
        Term("title", "AND"),
        Term(None, "or"),
        Term("key", "a b"),
        Phrase("title", 'say "hi"'),
        Wildcard("key", r"edX\*+?*"),
        Range("key", "a b", None),
        Not(Not(Term(None, "x"))),
    ],
)
def test_written_queries_read_back(node: Node) -> None:
    assert parse(to_query_string(node)) == node
