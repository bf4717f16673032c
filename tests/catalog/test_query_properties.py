"""Property tests for catalog queries: the invariants every evaluator of the tree must keep."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.query import FIELDS, OPTIONS, QueryError, document_values, matches, parse_query, to_lucene
from catalog.query import hypothesis_strategies as strategies

fields = st.sampled_from(list(FIELDS.values()))
ordered_fields = st.sampled_from([spec for spec in FIELDS.values() if spec.ordered])


def test_the_vocabulary_covers_every_field() -> None:
    assert set(strategies.VOCABULARY) == set(FIELDS)


@given(strategies.query_dicts(), strategies.documents())
def test_a_query_is_the_conjunction_of_its_keys(query: dict[str, Any], document: dict[str, Any]) -> None:
    one_by_one = all(matches({key: value}, document) for key, value in query.items() if key not in OPTIONS)
    assert matches(query, document) == one_by_one


@given(fields.flatmap(lambda spec: st.tuples(st.just(spec.name), strategies.query_value(spec))), strategies.documents())
def test_exact_and_not_are_complements(test: tuple[str, Any], document: dict[str, Any]) -> None:
    # Stronger than "on documents that have the field": missing content fails one, passes the other.
    name, value = test
    assert matches({name: value}, document) != matches({f"{name}__not": value}, document)
    assert matches({name: None}, document) != matches({f"{name}__exclude": None}, document)


@given(
    fields.flatmap(lambda spec: st.tuples(st.just(spec.name), st.lists(strategies.query_value(spec), min_size=1))),
    strategies.documents(),
)
def test_lists_mean_any_of_and_none_of(test: tuple[str, list[Any]], document: dict[str, Any]) -> None:
    name, values = test
    assert matches({name: values}, document) == any(matches({name: value}, document) for value in values)
    assert matches({f"{name}__not": values}, document) == all(
        matches({f"{name}__not": value}, document) for value in values
    )


@given(
    ordered_fields.flatmap(lambda spec: st.tuples(st.just(spec.name), strategies.query_value(spec))),
    strategies.documents(),
)
def test_range_lookups_relate_as_orderings(test: tuple[str, Any], document: dict[str, Any]) -> None:
    name, value = test
    exact, gt, gte, lt, lte = (
        matches({f"{name}__{lookup}": value}, document) for lookup in ("exact", "gt", "gte", "lt", "lte")
    )
    assert gte == (gt or exact)
    assert lte == (lt or exact)
    has_value = bool(document_values(FIELDS[name], document))
    # The ordered fields are scalar, so content with a value is either below, at or above it.
    assert (lt or gte) == has_value
    assert not (lt and gte)


@settings(deadline=None)
@given(strategies.query_dicts(), strategies.documents())
def test_the_lucene_rendering_is_the_same_query(query: dict[str, Any], document: dict[str, Any]) -> None:
    parsed = parse_query(query)
    rendered = to_lucene(parsed)
    # Search options have no Lucene spelling; the clauses must survive unchanged.
    assert parse_query(rendered).clauses == parsed.clauses
    assert matches(rendered, document) == matches(query, document)


@given(strategies.queries(), strategies.documents())
def test_candidate_keys_and_fields_never_rule_out_a_match(query: Any, document: dict[str, Any]) -> None:
    if not matches(query, document):
        return
    for name, allowed in query.candidate_keys().items():
        assert document_values(FIELDS[name], document) & allowed
    for name in query.fields:
        assert document_values(FIELDS[name], document)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
query_keys = st.one_of(
    st.text(max_size=20),
    st.builds(
        "__".join, st.lists(st.sampled_from([*FIELDS, "gte", "not", "exclude", "x", ""]), min_size=1, max_size=3)
    ),
)


@given(st.dictionaries(query_keys, json_values, max_size=4))
def test_any_json_object_parses_or_raises_query_error(query: dict[str, Any]) -> None:
    try:
        parse_query(query)
    except QueryError as error:
        assert error.key in query


# Lucene built from a small grammar with wrong parts mixed in, so strings reach the translator.
lucene_names = st.sampled_from(["org", "subjects", "hidden", "start", "first_enrollable_paid_seat_price", "price"])
lucene_words = st.sampled_from(["edX", "History", "true", "2024-01-01", "10", "*", "ed*", '"a b"', "cheap"])
lucene_values = st.one_of(
    lucene_words,
    st.builds("({} OR {})".format, lucene_words, lucene_words),
    st.builds("[{} TO {}}}".format, lucene_words, lucene_words),
    st.builds(">={}".format, lucene_words),
)
lucene_terms = st.one_of(
    st.builds("{}:{}".format, lucene_names, lucene_values),
    st.builds("_exists_:{}".format, lucene_names),
    lucene_words,
    st.just("*:*"),
)
lucene_strings = st.recursive(
    lucene_terms,
    lambda inner: st.one_of(
        st.builds("{} {} {}".format, inner, st.sampled_from(["AND", "OR", ""]), inner),
        st.builds("{}{}".format, st.sampled_from(["NOT ", "-", "+"]), inner),
        st.builds("({})".format, inner),
    ),
    max_leaves=6,
)


@settings(deadline=None)
@given(lucene_strings, strategies.documents())
def test_any_lucene_string_parses_or_raises_query_error(text: str, document: dict[str, Any]) -> None:
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert error.key
        return
    assert parse_query(to_lucene(parsed)) == parsed
    assert matches(to_lucene(parsed), document) == matches(parsed, document)
