"""Query strings never get their answer from an index that lags behind or is missing (ADR 0082)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from course_metadata.selectors import query_strings
from course_metadata.selectors.query_strings import QueryUnavailable
from search import freshness
from search.backends.database import DatabaseBackend, storage
from search.indexing import RebuildReport
from search.models import SearchGeneration
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(backend: DatabaseBackend) -> list[Any]:
    partner = PartnerFactory(short_code="edx")
    organization = OrganizationFactory(partner=partner, key="edX")
    made = []
    for number, title in enumerate(["Zeugma for Beginners", "Advanced Zeugma", "Ornithology"]):
        course = CourseFactory(partner=partner, authoring_organization=organization, title=title, number=f"Z{number}")
        CourseRunFactory(course=course, term="1T2030")
        made.append(course)
    return made


def uuids(courses: list[Any]) -> frozenset[Any]:
    return frozenset(course.uuid for course in courses)


def wipe(backend: DatabaseBackend) -> None:
    for generation in SearchGeneration.objects.all():
        storage.drop(generation.pk)


def test_the_index_follows_the_writes_before_it_answers(backend: DatabaseBackend, courses: list[Any]) -> None:
    # Nothing ran the consumer since the courses were written: the query brings the index up to date.
    assert query_strings.matching_uuids("title:zeugma", "course") == uuids(courses[:2])
    assert backend.count(["course"]) == 3
    later = CourseFactory(partner=courses[0].partner, title="Zeugma Again", number="Z9")
    assert query_strings.matching_uuids("zeugma", "course") == uuids([*courses[:2], later])


@pytest.mark.parametrize(
    ("query", "expected"), [("title:zeugma", slice(0, 2)), ("NOT title:zeugma", slice(2, 3)), ("org:nosuch", None)]
)
def test_a_missing_index_is_built_before_it_answers(
    backend: DatabaseBackend, courses: list[Any], caplog: pytest.LogCaptureFixture, query: str, expected: Any
) -> None:
    query_strings.matching_uuids("*:*", "course")
    freshness.catch_up(backend)
    wipe(backend)  # an index never built, or lost, while the consumer is up to date
    assert backend.count(["course"]) == 0

    with caplog.at_level(logging.WARNING, logger="search.freshness"):
        found = query_strings.matching_uuids(query, "course")

    assert found == (uuids(courses[expected]) if expected is not None else frozenset())
    assert backend.count(["course"]) == 3  # "nothing matches" was not taken from an empty index
    assert "building the search index on demand" in caplog.text


def test_an_empty_database_answers_nothing_without_building(backend: DatabaseBackend) -> None:
    assert query_strings.matching_uuids("org:edX", "course") == frozenset()
    assert query_strings.matching_uuids("NOT org:edX", "program") == frozenset()
    assert backend.count() == 0


def test_contains_on_an_empty_index_is_built_first(backend: DatabaseBackend, courses: list[Any]) -> None:
    freshness.catch_up(backend)
    wipe(backend)
    asked = {courses[0].uuid, courses[2].uuid}
    assert query_strings.matching_uuids("zeugma", "course", among=asked) == {courses[0].uuid}


def test_an_index_that_cannot_be_built_is_a_503_never_an_empty_answer(
    backend: DatabaseBackend, courses: list[Any], monkeypatch: pytest.MonkeyPatch, user: Any
) -> None:
    freshness.catch_up(backend)
    wipe(backend)
    built: list[str] = []

    def builds_nothing(**kwargs: Any) -> RebuildReport:  # a build that leaves the index as empty as it was
        built.append("asked")
        return RebuildReport("empty", 0, 0, 0.0, [])

    monkeypatch.setattr(freshness, "rebuild_index", builds_nothing)

    with pytest.raises(QueryUnavailable, match="update_index"):
        query_strings.matching_uuids("org:edX", "course")
    api = APIClient()
    api.force_authenticate(user)
    response = api.get("/api/v1/courses/", {"q": "org:edX"})
    assert response.status_code == 503
    assert "update_index" in response.json()["detail"]
    assert built == ["asked", "asked"]
