"""Relevance tiers (search.ranking) and the PostgreSQL narrow rows that answer searches (ADR 0092)."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from typing import Any

import pytest
from django.db import connection

from search import ranking, schema
from search.backends.base import SearchRequest
from search.backends.database import DatabaseBackend, narrow, querying
from search.query.nodes import And, Exists, MatchAll, Not, Or, Range, Term
from tests.search.conftest import make_doc
from tests.search.test_backend import DOCS

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)

# A run with the word only in its short description and every boost, and runs with it in the title and none
# (one even starting far ahead, halving its score).
BOOSTED = make_doc(
    "courserun",
    "boosted",
    key="course-v1:X+B+1",
    title="Statistics",
    short_description="With python throughout",
    pacing_type="self_paced",
    has_enrollable_paid_seats=True,
    is_current_and_still_upgradeable=True,
    start="2024-05-01T00:00:00Z",
)
TITLED = make_doc("courserun", "titled", key="course-v1:X+T+1", title="Python", start="2024-12-01T00:00:00Z")
DESCRIBED = make_doc(
    "courserun", "described", key="course-v1:X+D+1", title="Numbers", full_description="<p>Python, twice: python</p>"
)


def request(**fields: Any) -> SearchRequest:
    fields.setdefault("content_types", schema.CONTENT_TYPES)
    fields.setdefault("query", MatchAll())
    fields.setdefault("now", NOW)
    return SearchRequest(**fields)


def test_neighbouring_tiers_are_further_apart_than_any_two_boost_products() -> None:
    factors = [tier.factor for tier in ranking.TIERS] + [ranking.UNMATCHED]
    for better, worse in itertools.pairwise(factors):
        assert better / worse > ranking.boost_spread(NOW)


def test_a_title_match_outranks_a_short_description_match_whatever_the_boosts(backend: DatabaseBackend) -> None:
    backend.index([BOOSTED, TITLED, DESCRIBED])
    result = backend.search(request(query=Term(None, "python"), text="python", content_types=("courserun",)))
    assert [hit.id for hit in result.hits] == ["courserun:titled", "courserun:boosted", "courserun:described"]
    assert [hit.score for hit in result.hits] == pytest.approx([100 * 0.5 * 1.3, 10 * 1.5 * 1.3 * 1.2 * 1.2, 1.3])


def test_paging_through_the_tiers_matches_one_page(backend: DatabaseBackend) -> None:
    backend.index([*DOCS, BOOSTED, TITLED, DESCRIBED])
    whole = [hit.id for hit in backend.search(request(query=Term(None, "python"), text="python", size=20)).hits]
    paged = [
        hit.id
        for offset in range(0, len(whole), 2)
        for hit in backend.search(request(query=Term(None, "python"), text="python", offset=offset, size=2)).hits
    ]
    assert paged == whole
    assert len(whole) > 4


postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")

REQUESTS = [
    request(query=Term(None, "python"), text="python", facets=("content_type", "seat_types", "organizations")),
    request(
        query=And(
            (
                Term(None, "python"),
                Not(Term("hidden", "true")),
                Or((Not(Exists("published")), Term("published", "true"))),
            )
        ),
        text="python",
        content_types=("course",),
        facets=("level_type", "organizations", "subjects", "prerequisites"),
        facet_queries={"soon": Range("start", "now", "now+60d"), "started": Range("start", None, "now")},
    ),
    request(query=Term("seat_types", "verified"), facets=("hidden", "first_enrollable_paid_seat_price")),
    request(query=Term(None, "python"), text="python numbers statistics", offset=1, size=3),
    request(query=Term("title", "python"), text="python", partner="EDX"),
    request(query=Range("enrollment_start", "2024-01-01", "2024-12-31"), ordering=("-start",)),
    request(
        query=Term(None, "nowhere"),
        text="nowhere",
        facets=("content_type", "organizations"),
        facet_queries={"started": Range("start", None, "now")},
    ),
    request(
        query=MatchAll(),
        facets=("content_type", "seat_types", "hidden", "language", "subjects"),
        facet_queries={"started": Range("start", None, "now"), "verified": Term("seat_types", "verified")},
    ),
]


@postgresql
@pytest.mark.parametrize("wanted", REQUESTS, ids=[str(index) for index in range(len(REQUESTS))])
def test_the_narrow_rows_answer_as_the_documents_table_does(backend: DatabaseBackend, wanted: SearchRequest) -> None:
    backend.index([*DOCS, BOOSTED, TITLED, DESCRIBED])
    narrow_result = querying._narrow_search(wanted, NOW)
    general = querying._general_search(wanted, NOW)
    assert [hit.id for hit in narrow_result.hits] == [hit.id for hit in general.hits]
    assert [hit.score for hit in narrow_result.hits] == pytest.approx([hit.score for hit in general.hits])
    assert [hit.sort[1:] for hit in narrow_result.hits] == [hit.sort[1:] for hit in general.hits]
    assert [hit.body for hit in narrow_result.hits] == [hit.body for hit in general.hits]
    assert narrow_result.total == general.total
    assert narrow_result.facets == general.facets
    assert narrow_result.facet_queries == general.facet_queries
    assert narrow_result.hits or narrow_result.total == 0


@postgresql
def test_more_facets_than_one_grouping_takes_are_counted_on_the_documents_table(backend: DatabaseBackend) -> None:
    backend.index([*DOCS, BOOSTED, TITLED, DESCRIBED])
    queries = {f"before{month}": Range("start", None, f"2024-{month:02d}-01") for month in range(1, 13)}
    queries |= {f"after{month}": Range("start", f"2024-{month:02d}-01", None) for month in range(1, 13)}
    wanted = request(
        query=Term(None, "python"),
        text="python",
        facets=(
            "content_type",
            "seat_types",
            "organizations",
            "subjects",
            "level_type",
            "language",
            "pacing_type",
            "hidden",
        ),
        facet_queries=queries,
    )
    with pytest.raises(narrow.NotNarrow):
        querying._narrow_search(wanted, NOW)
    found = backend.search(wanted)
    general = querying._general_search(wanted, NOW)
    assert (found.total, found.facets, found.facet_queries) == (general.total, general.facets, general.facet_queries)
    assert found.facet_queries["after1"] > 0


@postgresql
def test_a_phrase_takes_the_documents_table(backend: DatabaseBackend) -> None:
    from search.query.nodes import Phrase

    with pytest.raises(narrow.NotNarrow):
        narrow.NarrowCompiler(NOW).compile(Phrase(None, "introduction to"))
    backend.index(DOCS)
    assert "course:c1" in {hit.id for hit in backend.search(request(query=Phrase(None, "introduction to"))).hits}


@postgresql
def test_the_migration_backfills_what_the_writer_writes(backend: DatabaseBackend) -> None:
    backend.index([*DOCS, BOOSTED, TITLED, DESCRIBED])
    columns = ", ".join(narrow.COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {narrow.TABLE} ORDER BY doc")
        written = cursor.fetchall()
        cursor.execute(f"DELETE FROM {narrow.TABLE}")
        sql, params = narrow.upsert_sql("search_searchdocument")
        cursor.execute(sql, params)
        cursor.execute(f"SELECT {columns} FROM {narrow.TABLE} ORDER BY doc")
        assert cursor.fetchall() == written
    assert len(written) == len(DOCS) + 3


def test_the_migration_has_a_column_for_every_narrow_field() -> None:
    migration = importlib.import_module("search.migrations.0006_narrow_rows")
    assert migration.FIELDS == narrow.FIELDS
    assert migration.DATE_FIELDS == narrow.DATE_FIELDS


def _toasted_values(kind: str) -> int:
    """How many values the TOAST table of ``kind``'s narrow partition holds for the live rows (a row version
    replaced in this transaction no longer shows its values)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = %s", [f"{narrow.TABLE}_{kind}"]
        )
        found = cursor.fetchone()
        assert found is not None, f"no narrow partition for {kind}"
        cursor.execute(f"SELECT count(DISTINCT chunk_id) FROM {found[0]}")
        return int(cursor.fetchone()[0])


@postgresql
def test_narrow_rows_keep_their_words_out_of_line_when_written_and_rewritten(backend: DatabaseBackend) -> None:
    # The rows counting and faceting read stay small (ADR 0093): a course's words go to the TOAST table of
    # the course partition although its row is far below PostgreSQL's 2 kB threshold, and so do the new
    # words when the course is written again (an update of its row).
    courses = [
        make_doc("course", f"toast{index}", key=f"X+T{index}", title=f"Course {index}", short_description="Python")
        for index in range(3)
    ]
    backend.index(courses)
    assert _toasted_values("course") == len(courses)
    backend.index(
        [make_doc("course", doc.uuid, title="Rewritten", full_description="Marine biology") for doc in courses]
    )
    assert _toasted_values("course") == len(courses)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {narrow.TABLE}_course WHERE words @@ to_tsquery('english', 'marine')")
        assert cursor.fetchone()[0] == len(courses)


@postgresql
def test_a_text_search_reads_the_narrow_rows_through_the_text_indexes_only(backend: DatabaseBackend) -> None:
    # The planner does not price the out-of-line words: for a common word it preferred a sequential scan that
    # fetched every row's words from TOAST (ADR 0093). A text search's narrow statements run with sequential
    # scans off, and the setting is back on for whatever runs next, also when the search fails.
    backend.index([BOOSTED, TITLED, DESCRIBED])
    settings_seen: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if narrow.TABLE in sql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('enable_seqscan')")
                settings_seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        result = backend.search(request(query=Term(None, "python"), text="python", facets=("pacing_type",)))
    assert result.total == 3
    assert settings_seen and set(settings_seen) == {"off"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        assert cursor.fetchone()[0] == "on"
    settings_seen.clear()
    with connection.execute_wrapper(spy):
        backend.search(request(facets=("pacing_type",)))  # no words: the planner chooses freely
    assert set(settings_seen) == {"on"}
