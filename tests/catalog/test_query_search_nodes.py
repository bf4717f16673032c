"""The catalog query as a search node tree selects what the catalog's own evaluator selects."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from catalog.query import FIELDS, Query, document_values, matches, parse_query, to_lucene
from catalog.query import hypothesis_strategies as strategies
from catalog.query.search_nodes import catalog_field_table, search_value, to_search_node
from search.query import evaluate
from search.query.fields import FieldKind, FieldTable
from search.query.nodes import And, MatchAll, Phrase, Term
from search.query.parse import parse_query as parse_search_query
from search.query.parse import to_query_string

TABLE = catalog_field_table()


def search_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document as a search index holds it: flat values, normalized as the catalog reads them."""
    return {name: [search_value(value) for value in document_values(spec, document)] for name, spec in FIELDS.items()}


@given(strategies.queries(), st.lists(strategies.documents(), min_size=1, max_size=4))
def test_the_search_evaluator_agrees_with_the_catalog_evaluator(query: Query, documents: list[dict[str, Any]]) -> None:
    node = to_search_node(query)
    for document in documents:
        assert evaluate.matches(node, search_document(document), TABLE) == matches(query, document), (node, document)


@given(strategies.queries(max_tests=1), strategies.documents())
def test_they_agree_clause_by_clause(query: Query, document: dict[str, Any]) -> None:
    assert evaluate.matches(to_search_node(query), search_document(document), TABLE) == matches(query, document)


@given(strategies.queries())
def test_the_node_tree_is_a_query_string_the_search_parser_reads_back(query: Query) -> None:
    # So a catalog can be shown, stored or sent to course-discovery's clients in the query-string language.
    node = to_search_node(query)
    assert parse_search_query(to_query_string(node), TABLE) == node


def test_no_clause_is_everything_and_clauses_are_anded() -> None:
    assert to_search_node(Query()) == MatchAll()
    query = parse_query({"org": "edX", "hidden": False})
    assert to_search_node(query) == And((Term("hidden", "false"), Term("org", "edX")))


def test_a_title_the_schema_analyses_is_matched_as_a_phrase() -> None:
    kinds = {**TABLE.kinds, "title": FieldKind.TEXT}
    query = parse_query({"title": "Intro to CS"})
    assert to_search_node(query, FieldTable(kinds, ("title",))) == Phrase("title", "Intro to CS")


@given(strategies.queries(), st.lists(strategies.documents(), min_size=1, max_size=3))
def test_the_search_language_reads_a_rendered_catalog_query_with_the_same_meaning(
    query: Query, documents: list[dict[str, Any]]
) -> None:
    # to_lucene's strings are what admins see and integrations copy: course-discovery's reading must agree.
    node = parse_search_query(to_lucene(query), TABLE)
    for document in documents:
        assert evaluate.matches(node, search_document(document), TABLE) == matches(query, document), to_lucene(query)
