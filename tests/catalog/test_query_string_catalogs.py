"""Catalogs stored as query strings the clauses cannot hold: saved, kept current by the consumer, rebuilt."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from catalog.models import Catalog, CatalogMembership, ContentMetadata
from catalog.models.catalogs import validate_query
from catalog.selectors.matching import accepts, content_matching, explain
from course_metadata.models import Course
from tests.catalog.conftest import make_course, run_keys
from tests.factories import LevelTypeFactory

pytestmark = pytest.mark.django_db

# OR across fields and a wildcard: neither fits the AND-ed clauses.
QUERY = "org:MITx OR (level_type:Introductory AND key:edX+A*)"


def members(catalog: Catalog) -> set[str]:
    return set(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))


@pytest.fixture
def courses(run_consumer):
    intro = LevelTypeFactory(name="Introductory")
    # Named, not left to the factory's cycle of names (which can come round to "Introductory").
    advanced = LevelTypeFactory(name="Advanced")
    made = {
        "a1": make_course(org_key="edX", number="A1", runs=[{}], level_type=intro),
        "b2": make_course(org_key="edX", number="B2", runs=[{}], level_type=intro),
        "a3": make_course(org_key="edX", number="A3", runs=[{}], level_type=advanced),
        "m1": make_course(org_key="MITx", number="M1", runs=[{}], level_type=advanced),
    }
    run_consumer()
    return made


def test_such_a_catalog_is_saved_unindexable_with_its_members(courses, make_catalog):
    catalog = make_catalog(QUERY)

    assert catalog.query == QUERY
    assert catalog.parsed_query.node is not None
    assert catalog.query_unindexable  # evaluated against every change
    assert members(catalog) == {"edX+A1", "MITx+M1", *run_keys(courses["m1"])}


def test_the_consumer_keeps_it_current(courses, make_catalog, run_consumer):
    catalog = make_catalog(QUERY)
    Course.objects.filter(pk=courses["a3"].pk).update(level_type=LevelTypeFactory(name="Introductory"))
    course = Course.objects.get(pk=courses["a3"].pk)
    course.title = "Edited"
    course.save()
    run_consumer()

    assert members(catalog) == {"edX+A1", "edX+A3", "MITx+M1", *run_keys(courses["m1"])}


def test_a_rebuild_computes_the_same_members(courses, make_catalog):
    catalog = make_catalog(QUERY)
    expected = members(catalog)
    CatalogMembership.objects.filter(catalog=catalog).delete()

    call_command("rebuild_catalog_membership", "--no-progress", "--force", stdout=StringIO())

    assert members(catalog) == expected


def test_the_python_and_database_paths_agree(courses, make_catalog):
    catalog = make_catalog(QUERY)
    query = catalog.parsed_query
    selected = set(content_matching(query).values_list("pk", flat=True))
    contents = ContentMetadata.objects.select_related("body")
    assert selected == {content.pk for content in contents if accepts(query, content.document)}
    explanation = explain(query, ContentMetadata.objects.get(content_key="MITx+M1").document)[0]
    assert explanation.matches and explanation.values == [r"(org:MITx OR (level_type:Introductory AND key:edX\+A*))"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("medicine", "name a field"),
        ("org:edX OR nope:x", "unknown field 'nope'"),
        ("org:(edX", "the query ends too early"),
        ("uuid:not-a-uuid", "not a UUID"),
        ("org:edX OR start:>now-1d", "not an ISO date"),
        ("org:ed* OR start:>now-1d", "date math (now) cannot be used here"),
    ],
)
def test_what_neither_language_reads_is_refused_on_save(query, message):
    with pytest.raises(ValidationError) as caught:
        validate_query(query)
    assert message in str(caught.value)
