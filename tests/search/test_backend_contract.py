"""One suite for every search backend: what a query tree means, ranking order, facets, paging, rebuilds.

The database backend runs always (on PostgreSQL and SQLite); the cluster backend against Elasticsearch
whenever ``ELASTICSEARCH_URL`` points at one and against OpenSearch whenever ``OPENSEARCH_URL`` does
(``ELASTICSEARCH_URL=http://127.0.0.1:9200 make test ARGS=tests/search``), in indices of its own that are
deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from search.backends.base import DocRef, Document, SearchBackend, SearchRequest
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend, OpenSearchBackend
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
OS_URL = os.environ.get("OPENSEARCH_URL", "")


def _course(number: int, title: str, **body: Any) -> Document:
    key = f"Org{number % 2}X+C{number:03d}"
    content: dict[str, Any] = {
        "content_type": "course",
        "uuid": str(uuid.UUID(int=number)),
        "aggregation_key": f"course:{key}",
        "key": key,
        "title": title,
        "short_description": "",
        "full_description": "",
        "partner": "edx",
        "org": f"Org{number % 2}X",
        "organizations": [f"Org{number % 2}X: Organization {number % 2}"],
        "subjects": [],
        "seat_types": [],
        "start": [],
        "level_type": None,
        "first_enrollable_paid_seat_price": None,
    }
    content.update(body)
    return Document(id=f"course:{content['uuid']}", content_type="course", body=content)


def _run(number: int, course: Document, **body: Any) -> Document:
    key = f"course-v1:{course.body['key']}+{number}T2026"
    content: dict[str, Any] = {
        "content_type": "courserun",
        "uuid": str(uuid.UUID(int=1000 + number)),
        "aggregation_key": course.body["aggregation_key"],
        "key": key,
        "course_key": course.body["key"],
        "title": course.body["title"],
        "partner": "edx",
        "org": course.body["org"],
        "organizations": course.body["organizations"],
        "pacing_type": "instructor_paced",
        "hidden": False,
        "published": True,
        "start": None,
        "enrollment_start": None,
        "enrollment_end": None,
    }
    content.update(body)
    return Document(id=f"courserun:{content['uuid']}", content_type="courserun", body=content)


MEDICINE = _course(
    1,
    "Introduction to Medicine",
    short_description="The basics of clinical practice.",
    subjects=["Medicine", "Biology"],
    seat_types=["verified", "audit"],
    level_type="Introductory",
    first_enrollable_paid_seat_price=49.0,
    start=["2026-06-10T00:00:00Z"],
)
GENEVA = _course(
    2,
    "Histoire de Genève",
    short_description="A city and its lakes.",
    subjects=["History"],
    seat_types=["audit"],
    level_type="Intermediate",
    start=["2025-01-15T00:00:00Z"],
)
DESCRIBED = _course(
    3,
    "Ethics in Practice",
    short_description="Dilemmas that medicine and law share.",
    subjects=["Philosophy", "Medicine"],
    seat_types=["verified"],
    first_enrollable_paid_seat_price=99.0,
    start=["2026-03-01T00:00:00Z"],
)
PYTHON = _course(
    4,
    "Python for Data Science",
    full_description="<p>Pandas, <b>NumPy</b> and plotting.</p>",
    subjects=["Computer Science"],
    seat_types=[],
    level_type="Introductory",
)
SELF_PACED = _run(1, PYTHON, pacing_type="self_paced", start="2026-05-01T00:00:00Z")
FAR_AHEAD = _run(2, PYTHON, start="2027-01-01T00:00:00Z", hidden=True)
DOCUMENTS = (MEDICINE, GENEVA, DESCRIBED, PYTHON, SELF_PACED, FAR_AHEAD)
COURSES = ("course",)
BOTH = ("course", "courserun")


CLUSTERS = {"elasticsearch": (ElasticsearchBackend, ES_URL), "opensearch": (OpenSearchBackend, OS_URL)}


def _backends() -> list[Any]:
    marks = [pytest.param("database", id="database")]
    for name, (_, url) in CLUSTERS.items():
        variable = "ELASTICSEARCH_URL" if name == "elasticsearch" else "OPENSEARCH_URL"
        reason = f"{variable} is not set: no {name} cluster to test against"
        marks.append(pytest.param(name, id=name, marks=pytest.mark.skipif(not url, reason=reason)))
    return marks


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest, db: None) -> Iterator[SearchBackend]:
    if request.param == "database":
        found: SearchBackend = DatabaseBackend()
        found.index(list(DOCUMENTS))
        yield found
        return
    family, url = CLUSTERS[request.param]
    prefix = f"lyceumtest{uuid.uuid4().hex[:10]}"
    with override_settings(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX=prefix, ELASTICSEARCH_REFRESH="wait_for"):
        cluster = family()
        try:
            cluster.index(list(DOCUMENTS))
            yield cluster
        finally:
            for name in cluster.cluster.indices(f"{prefix}_*"):
                cluster.cluster.delete_index(name)


def _keys(backend: SearchBackend, node: Node, types: tuple[str, ...] = COURSES) -> set[str]:
    return {ref.key or ref.uuid for ref in backend.matching_ids(node, types)}


def _ordered(backend: SearchBackend, request: SearchRequest) -> list[str]:
    return [hit.body["key"] for hit in backend.search(request).hits]


class TestWhatAQueryMeans:
    def test_a_bare_word_matches_the_text_fields_stemmed(self, backend: SearchBackend) -> None:
        assert _keys(backend, Term(None, "medicines")) == {MEDICINE.body["key"], DESCRIBED.body["key"]}

    def test_accents_and_case_are_folded(self, backend: SearchBackend) -> None:
        assert _keys(backend, Term(None, "GENEVE")) == {GENEVA.body["key"]}
        assert _keys(backend, Term("title", "genève")) == {GENEVA.body["key"]}

    def test_html_is_not_text(self, backend: SearchBackend) -> None:
        assert _keys(backend, Term(None, "numpy")) == {PYTHON.body["key"]}
        assert _keys(backend, Term(None, "b")) == set()

    def test_a_phrase_keeps_word_order(self, backend: SearchBackend) -> None:
        assert _keys(backend, Phrase(None, "data science")) == {PYTHON.body["key"]}
        assert _keys(backend, Phrase(None, "science data")) == set()

    def test_raw_and_keyword_fields_match_whole_values_exactly(self, backend: SearchBackend) -> None:
        assert _keys(backend, Term("subjects.raw", "Medicine")) == {MEDICINE.body["key"], DESCRIBED.body["key"]}
        assert _keys(backend, Term("subjects.raw", "medicine")) == set()
        assert _keys(backend, Term("seat_types", "audit")) == {MEDICINE.body["key"], GENEVA.body["key"]}
        assert _keys(backend, Term("subjects", "science")) == {PYTHON.body["key"]}

    def test_prefixes_and_wildcards(self, backend: SearchBackend) -> None:
        assert _keys(backend, Prefix("key.raw", "Org1X+")) == {MEDICINE.body["key"], DESCRIBED.body["key"]}
        assert _keys(backend, Prefix(None, "medi")) == {MEDICINE.body["key"], DESCRIBED.body["key"]}
        assert _keys(backend, Wildcard("key.raw", "Org0X+C00?")) == {GENEVA.body["key"], PYTHON.body["key"]}

    def test_ranges_on_numbers_and_dates(self, backend: SearchBackend) -> None:
        assert _keys(backend, Range("first_enrollable_paid_seat_price", "50", None)) == {DESCRIBED.body["key"]}
        assert _keys(backend, Range("first_enrollable_paid_seat_price", None, "49", include_high=True)) == {
            MEDICINE.body["key"]
        }
        assert _keys(backend, Range("start", "2026-01-01", "2026-12-31")) == {
            MEDICINE.body["key"],
            DESCRIBED.body["key"],
        }

    def test_exists_and_boolean_logic(self, backend: SearchBackend) -> None:
        priced = {MEDICINE.body["key"], DESCRIBED.body["key"]}
        assert _keys(backend, Exists("first_enrollable_paid_seat_price")) == priced
        everything = {document.body["key"] for document in DOCUMENTS if document.content_type == "course"}
        assert _keys(backend, Not(Exists("first_enrollable_paid_seat_price"))) == everything - priced
        assert _keys(backend, Or((Term("subjects.raw", "History"), Term("level_type.raw", "Introductory")))) == {
            MEDICINE.body["key"],
            GENEVA.body["key"],
            PYTHON.body["key"],
        }
        assert _keys(backend, And((Term(None, "medicine"), Not(Term("subjects.raw", "Philosophy"))))) == {
            MEDICINE.body["key"]
        }
        assert _keys(backend, MatchAll()) == everything

    def test_booleans_and_content_types(self, backend: SearchBackend) -> None:
        assert _keys(backend, Term("hidden", "true"), BOTH) == {FAR_AHEAD.body["key"]}
        assert _keys(backend, Term("pacing_type", "self_paced"), ("courserun",)) == {SELF_PACED.body["key"]}
        assert backend.matching_ids(Term("key.raw", SELF_PACED.body["key"]), BOTH) == {
            DocRef("courserun", SELF_PACED.body["uuid"], SELF_PACED.body["key"])
        }


class TestRankingFacetsAndPaging:
    def test_a_title_match_ranks_above_a_description_match(self, backend: SearchBackend) -> None:
        request = SearchRequest(query=Term(None, "medicine"), content_types=COURSES, text="medicine", now=NOW)
        assert _ordered(backend, request) == [MEDICINE.body["key"], DESCRIBED.body["key"]]

    def test_self_paced_runs_go_up_and_far_starts_go_down(self, backend: SearchBackend) -> None:
        request = SearchRequest(query=MatchAll(), content_types=("courserun",), text="python", now=NOW)
        assert _ordered(backend, request) == [SELF_PACED.body["key"], FAR_AHEAD.body["key"]]

    def test_facet_counts(self, backend: SearchBackend) -> None:
        request = SearchRequest(
            query=MatchAll(),
            content_types=COURSES,
            facets=("subjects", "seat_types"),
            facet_queries={"introductory": Term("level_type.raw", "Introductory")},
            size=0,
            now=NOW,
        )
        result = backend.search(request)
        assert result.total == 4
        assert dict(result.facets["subjects"])["Medicine"] == 2
        assert dict(result.facets["seat_types"]) == {"audit": 2, "verified": 2}
        assert result.facet_queries == {"introductory": 2}

    def test_ordering_and_search_after_walk_every_hit_once(self, backend: SearchBackend) -> None:
        seen: list[str] = []
        after = None
        for _ in range(5):
            request = SearchRequest(
                query=MatchAll(), content_types=BOTH, ordering=("title",), size=2, search_after=after, now=NOW
            )
            hits = backend.search(request).hits
            if not hits:
                break
            seen += [hit.id for hit in hits]
            after = hits[-1].sort
        assert sorted(seen) == sorted(document.id for document in DOCUMENTS)
        assert len(seen) == len(set(seen))

    def test_offset_paging(self, backend: SearchBackend) -> None:
        first = backend.search(SearchRequest(query=MatchAll(), content_types=COURSES, ordering=("key",), size=2))
        second = backend.search(
            SearchRequest(query=MatchAll(), content_types=COURSES, ordering=("key",), size=2, offset=2)
        )
        keys = [hit.body["key"] for hit in [*first.hits, *second.hits]]
        assert keys == sorted(document.body["key"] for document in DOCUMENTS if document.content_type == "course")


class TestWrites:
    def test_index_replaces_and_delete_removes(self, backend: SearchBackend) -> None:
        renamed = Document(MEDICINE.id, "course", {**MEDICINE.body, "title": "Introduction to Surgery"})
        backend.index([renamed, renamed])
        assert _keys(backend, Term("title", "surgery")) == {MEDICINE.body["key"]}
        assert backend.count(COURSES) == 4
        backend.delete([MEDICINE.id, "course:not-there"])
        assert backend.count(COURSES) == 3
        assert _keys(backend, Term("title", "surgery")) == set()

    def test_a_rebuild_swaps_in_whole_and_prunes_old_indices(self, backend: SearchBackend) -> None:
        build = backend.new_build()
        build.add([GENEVA, PYTHON])
        assert build.count() == 2
        assert backend.count() == len(DOCUMENTS)  # not live until swapped
        backend.index([DESCRIBED])  # a change during the build reaches the new index too
        build.swap()
        assert backend.count() == 3
        assert _keys(backend, MatchAll()) == {GENEVA.body["key"], PYTHON.body["key"], DESCRIBED.body["key"]}
        for _ in range(2):
            again = backend.new_build()
            again.add([GENEVA])
            again.swap()
        assert len(backend.prune(keep=1)) >= 1
        assert backend.count() == 1
