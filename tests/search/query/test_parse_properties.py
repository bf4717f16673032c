"""Properties of the parser: written trees read back, and no text makes it fail other than with a QueryError."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from search.query.errors import QueryError
from search.query.nodes import Node
from search.query.parse import parse_query, to_query_string
from tests.search.query import strategies
from tests.search.query.tables import TABLE

SYNTAX = st.sampled_from(
    [" ", "AND", "OR", "NOT", "and", "&&", "||", "!", "+", "-", "(", ")", "[", "]", "{", "}", '"', ":", "*", "?",
     "\\", "^2", "~", "TO", "to", ">", ">=", "<", "title:", "org:", "price:", "start:", "hidden:", "_exists_:",
     "*:*", "a", "data", "1", "2024-01-01", "now-1d/d", "x\x00", "/", "é"]
)  # fmt: skip
query_texts = st.text(max_size=40) | st.lists(SYNTAX, max_size=12).map("".join)


@given(strategies.nodes)
def test_a_written_tree_reads_back_to_the_same_meaning(node: Node) -> None:
    assert parse_query(to_query_string(node), TABLE) == strategies.canonical(node)


@given(query_texts)
@example("a && b && c:x")
@example('"\\')
@example("\\")
@example("title:(a OR b")
def test_any_text_parses_or_is_a_query_error(text: str) -> None:
    try:
        node = parse_query(text, TABLE)
    except QueryError as error:
        assert str(error)
        assert error.position is None or 0 <= error.position <= len(text)
        return
    # What parses is written back to a string that means the same.
    assert parse_query(to_query_string(node), TABLE) == node
