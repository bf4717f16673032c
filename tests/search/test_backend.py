"""The database backend compiles every kind of query node the same way on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from search import schema
from search.backends.base import SearchRequest, TypeaheadRequest
from search.backends.database import DatabaseBackend, storage
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from search.text import BadValue
from tests.search.conftest import make_doc

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)

DOCS = [
    make_doc(
        "course",
        "c1",
        key="edX+Py101",
        title="Introduction to Python",
        short_description="Learn programming",
        full_description="<p>Variables, loops and functions in Genève.</p>",
        organizations=["edX: edX Inc"],
        subjects=["Computer Science"],
        level_type="Introductory",
        seat_types=["verified", "audit"],
        start=["2024-05-01T00:00:00Z", "2024-09-01T00:00:00Z"],
        first_enrollable_paid_seat_price=49,
        course_type="verified-audit",
        org="edX",
    ),
    make_doc(
        "courserun",
        "r1",
        key="course-v1:edX+Py101+1T2024",
        course_key="edX+Py101",
        title="Introduction to Python",
        short_description="Learn programming",
        organizations=["edX: edX Inc"],
        subjects=["Computer Science"],
        seat_types=["verified"],
        pacing_type="self_paced",
        start="2024-05-01T00:00:00Z",
        end="2024-08-01T00:00:00Z",
        published=True,
        hidden=False,
        has_enrollable_paid_seats=True,
        first_enrollable_paid_seat_price=49,
        org="edX",
        language=["English"],
    ),
    make_doc(
        "courserun",
        "r2",
        key="course-v1:edX+Py101+2T2025",
        course_key="edX+Py101",
        title="Introduction to Python",
        short_description="Learn programming",
        organizations=["edX: edX Inc"],
        seat_types=["audit"],
        pacing_type="instructor_paced",
        start="2025-05-01T00:00:00Z",
        published=False,
        hidden=True,
        org="edX",
        language=["Spanish"],
    ),
    make_doc(
        "course",
        "c2",
        key="MITx+Bio1",
        title="Biology",
        short_description="Cells and python snakes",
        full_description="Genetics",
        organizations=["MITx: MIT"],
        subjects=["Biology", "Computer Science"],
        level_type="Advanced",
        seat_types=["verified"],
        start=[],
        org="MITx",
        partner="mitx",
    ),
    make_doc(
        "program",
        "p1",
        title="Data Science MicroMasters",
        subtitle="Python and statistics",
        type="MicroMasters",
        status=["active"],
        published=True,
        hidden=False,
        organizations=["edX: edX Inc"],
        start="2024-07-01T00:00:00Z",
    ),
    make_doc("person", "pe1", full_name="Ana Pérez", bio="Teaches python", organizations=["edX"]),
]


@pytest.fixture
def loaded(backend: DatabaseBackend) -> DatabaseBackend:
    backend.index(DOCS)
    return backend


def ids(backend: DatabaseBackend, node: Node, types: tuple[str, ...] = schema.CONTENT_TYPES) -> set[str]:
    return {f"{ref.content_type}:{ref.uuid}" for ref in backend.matching_ids(node, types)}


CASES: list[tuple[Node, set[str]]] = [
    (MatchAll(), {doc.id for doc in DOCS}),
    (Term(None, "python"), {"course:c1", "courserun:r1", "courserun:r2", "course:c2", "program:p1", "person:pe1"}),
    (Term(None, "PYTHONS"), {"course:c1", "courserun:r1", "courserun:r2", "course:c2", "program:p1", "person:pe1"}),
    (Term(None, "geneve"), {"course:c1"}),  # accents folded, in the stored text and in the query
    (Term(None, "Genève"), {"course:c1"}),
    (Term("title", "python"), {"course:c1", "courserun:r1", "courserun:r2"}),
    (Term("short_description", "python"), {"course:c2"}),
    (Phrase(None, "introduction to python"), {"course:c1", "courserun:r1", "courserun:r2"}),
    (Phrase("title", "python introduction"), set()),
    (Prefix("title", "intro"), {"course:c1", "courserun:r1", "courserun:r2"}),
    (Prefix(None, "statist"), {"program:p1"}),
    (Term("subjects", "computer"), {"course:c1", "courserun:r1", "course:c2"}),
    (Term("subjects.raw", "Computer Science"), {"course:c1", "courserun:r1", "course:c2"}),
    (Term("subjects.raw", "computer science"), set()),
    (Term("org", "mitx"), {"course:c2"}),
    (Term("seat_types", "verified"), {"course:c1", "courserun:r1", "course:c2"}),
    (Term("pacing_type", "self_paced"), {"courserun:r1"}),
    (Term("hidden", "true"), {"courserun:r2"}),
    (Term("published", "false"), {"courserun:r2"}),
    (Term("first_enrollable_paid_seat_price", "49"), {"course:c1", "courserun:r1"}),
    (Term("key.raw", "MITx+Bio1"), {"course:c2"}),
    (Prefix("key.raw", "course-v1:edX"), {"courserun:r1", "courserun:r2"}),
    (Prefix("course_key", "edX+"), {"courserun:r1", "courserun:r2"}),
    (Wildcard("course_key", "*Py1?1"), {"courserun:r1", "courserun:r2"}),
    (Wildcard("title", "biol*"), {"course:c2"}),
    (Range("start", "2024-08-01", None), {"course:c1", "courserun:r2"}),
    (Range("start", None, "2024-05-01"), {"course:c1", "courserun:r1"}),
    (Range("start", "2024-05-01", "2024-05-01", include_low=False), set()),
    (Range("first_enrollable_paid_seat_price", "10", "50"), {"course:c1", "courserun:r1"}),
    (Range("first_enrollable_paid_seat_price", None, "10"), set()),
    (Exists("first_enrollable_paid_seat_price"), {"course:c1", "courserun:r1"}),
    (Exists("start"), {"course:c1", "courserun:r1", "courserun:r2", "program:p1"}),
    (Exists("level_type"), {"course:c1", "course:c2"}),
    (And((Term(None, "python"), Term("content_type", "course"))), {"course:c1", "course:c2"}),
    (Or((Term("org", "mitx"), Term("type", "micromasters"))), {"course:c2", "program:p1"}),
    (Not(Term(None, "python")), set()),
    (And((Term("content_type", "courserun"), Not(Term("hidden", "true")))), {"courserun:r1"}),
    (Term("language.raw", "Spanish"), {"courserun:r2"}),
    (Term(None, "the"), set()),
]


@pytest.mark.parametrize(("node", "expected"), CASES, ids=[repr(case[0])[:60] for case in CASES])
def test_each_node_matches_what_it_means(loaded: DatabaseBackend, node: Node, expected: set[str]) -> None:
    assert ids(loaded, node) == expected


@pytest.mark.parametrize(
    "node",
    [Term("no_such_field", "x"), Term("title.raw", "x"), Range("start", "yesterday", None), Term("hidden", "maybe")],
)
def test_unknown_fields_and_bad_values_are_refused(loaded: DatabaseBackend, node: Node) -> None:
    with pytest.raises((schema.UnknownField, BadValue)):
        loaded.matching_ids(node, schema.CONTENT_TYPES)


def request(**fields: Any) -> SearchRequest:
    fields.setdefault("content_types", schema.CONTENT_TYPES)
    fields.setdefault("query", MatchAll())
    fields.setdefault("now", NOW)
    return SearchRequest(**fields)


def test_search_ranks_title_matches_above_description_matches(loaded: DatabaseBackend) -> None:
    result = loaded.search(request(query=Term(None, "python"), text="python", content_types=("course",)))
    assert [hit.id for hit in result.hits] == ["course:c1", "course:c2"]
    assert result.hits[0].score > result.hits[1].score


def test_ranking_lifts_self_paced_runs_with_paid_seats(loaded: DatabaseBackend) -> None:
    result = loaded.search(request(query=Term(None, "python"), text="python", content_types=("courserun",)))
    assert [hit.id for hit in result.hits] == ["courserun:r1", "courserun:r2"]


def test_facets_count_the_matching_documents(loaded: DatabaseBackend) -> None:
    result = loaded.search(
        request(
            query=Term(None, "python"),
            facets=("content_type", "seat_types", "organizations", "hidden", "first_enrollable_paid_seat_price"),
            facet_queries={"runs": Term("content_type", "courserun"), "mitx": Term("org", "mitx")},
        )
    )
    assert result.total == 6
    assert result.facets["content_type"] == [("course", 2), ("courserun", 2), ("person", 1), ("program", 1)]
    assert result.facets["seat_types"] == [("verified", 3), ("audit", 2)]
    assert result.facets["organizations"] == [("edX: edX Inc", 4), ("MITx: MIT", 1), ("edX", 1)]
    assert result.facets["hidden"] == [(False, 2), (True, 1)]
    assert result.facets["first_enrollable_paid_seat_price"] == [(49, 2)]
    assert result.facet_queries == {"runs": 2, "mitx": 1}


def test_partner_and_content_types_restrict(loaded: DatabaseBackend) -> None:
    result = loaded.search(request(partner="MITX"))
    assert [hit.id for hit in result.hits] == ["course:c2"]
    assert loaded.search(request(content_types=())).total == 0


def test_ordering_and_search_after_walk_every_document_once(loaded: DatabaseBackend) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = loaded.search(request(ordering=("-start",), size=2, search_after=after))
        seen += [hit.id for hit in page.hits]
        if len(page.hits) < 2:
            break
        after = page.hits[-1].sort
    assert sorted(seen) == sorted(doc.id for doc in DOCS)
    assert seen[:3] == ["courserun:r2", "program:p1", "course:c1"]  # a course sorts by its first start


def test_offset_paging_and_relevance_paging_agree(loaded: DatabaseBackend) -> None:
    whole = loaded.search(request(query=Term(None, "python"), text="python", size=10))
    paged = []
    after = None
    for _ in range(3):
        page = loaded.search(request(query=Term(None, "python"), text="python", size=2, search_after=after))
        paged += [hit.id for hit in page.hits]
        after = page.hits[-1].sort
    assert paged == [hit.id for hit in whole.hits]
    assert [
        hit.id for hit in loaded.search(request(query=Term(None, "python"), text="python", offset=2, size=2)).hits
    ] == paged[2:4]


def test_unknown_ordering_is_refused(loaded: DatabaseBackend) -> None:
    with pytest.raises(BadValue):
        loaded.search(request(ordering=("price",)))


def test_index_replaces_and_delete_removes(loaded: DatabaseBackend) -> None:
    loaded.index([make_doc("course", "c2", key="MITx+Bio1", title="Marine Biology", partner="mitx")])
    assert ids(loaded, Term("title", "marine")) == {"course:c2"}
    assert loaded.count() == len(DOCS)
    loaded.delete(["course:c2", "course:nope"])
    assert ids(loaded, Term("title", "marine")) == set()
    assert loaded.count() == len(DOCS) - 1
    assert loaded.count(["courserun"]) == 2


def test_a_build_is_invisible_until_swapped_and_old_ones_are_pruned(loaded: DatabaseBackend) -> None:
    build = loaded.new_build()
    build.add(DOCS[:2])
    loaded.index([make_doc("person", "pe2", full_name="Written During Build")])  # reaches both generations
    assert build.count() == 3
    assert loaded.count() == len(DOCS) + 1
    build.swap()
    assert loaded.count() == 3
    assert ids(loaded, Term("full_name", "build")) == {"person:pe2"}
    for _ in range(3):
        again = loaded.new_build()
        again.add(DOCS)
        again.swap()
    assert len(loaded.prune(keep=1)) == 3  # the first live one, the build and two rebuilds: one kept
    if connection.vendor == "postgresql":
        # The kept generation keeps its documents; only the live one has rows that searches read.
        with connection.cursor() as cursor:
            for table in (storage.TYPEAHEAD, storage.NARROW, storage.DOCS):
                cursor.execute(f"SELECT count(DISTINCT generation_id) FROM {table}")
                assert cursor.fetchone()[0] == (2 if table == storage.DOCS else 1), table
    assert loaded.count() == len(DOCS)
    assert ids(loaded, Term(None, "geneve")) == {"course:c1"}


def test_a_discarded_build_leaves_the_live_index_alone(loaded: DatabaseBackend) -> None:
    build = loaded.new_build()
    build.add(DOCS[:1])
    build.discard()
    assert loaded.count() == len(DOCS)
    assert ids(loaded, Term(None, "geneve")) == {"course:c1"}


def suggested(backend: DatabaseBackend, text: str, content_type: str = "courserun", **options: Any) -> list[str]:
    return [hit.id for hit in backend.typeahead(TypeaheadRequest(text, content_type, **options))]


def test_typeahead_matches_title_word_prefixes_of_visible_documents(loaded: DatabaseBackend) -> None:
    assert suggested(loaded, "intro pyt") == ["courserun:r1"]  # r2 is hidden and unpublished
    assert suggested(loaded, "PYTH") == ["courserun:r1"]
    assert suggested(loaded, "ython") == []  # a prefix of a word, not any part of it
    assert suggested(loaded, "learn") == []  # the title only
    assert suggested(loaded, "data sci", "program") == ["program:p1"]
    assert suggested(loaded, "statist", "program") == []
    assert suggested(loaded, "intro", partner="EDX") == ["courserun:r1"]
    assert suggested(loaded, "intro", partner="mitx") == []


def test_typeahead_follows_edits_deletes_and_builds(loaded: DatabaseBackend) -> None:
    shown = make_doc("courserun", "r2", key="course-v1:edX+Py101+2T2025", title="Intro to Pythons", published=True)
    loaded.index([shown])
    assert sorted(suggested(loaded, "intro pyt")) == ["courserun:r1", "courserun:r2"]
    loaded.index([make_doc("courserun", "r2", title="Intro to Pythons", published=True, hidden=True)])
    assert suggested(loaded, "intro pyt") == ["courserun:r1"]
    loaded.delete(["courserun:r1"])
    assert suggested(loaded, "intro pyt") == []
    build = loaded.new_build()
    build.add([shown])
    assert suggested(loaded, "intro pyt") == []  # not live yet
    build.swap()
    assert suggested(loaded, "intro pyt") == ["courserun:r2"]
    assert suggested(loaded, "intro pyt", size=0) == []
