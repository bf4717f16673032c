"""Catalog model rules: the query is validated on every path, viewers are object permissions, the index."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Catalog, CatalogQueryIndex
from catalog.services.catalogs import catalog_index_rebuild, catalog_update, catalog_viewers_set
from tests.factories import UserFactory
from tests.factories.catalogs import CatalogFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"org__like": "edX"}, "org__like"),
        ({"nope": 1}, "nope"),
        ({"start__gte": "yesterday"}, "start__gte"),
        ({"hidden": "maybe"}, "hidden"),
        ({"availability": "Soonish"}, "availability"),
        ("org:edX OR nope:Intro", "unknown field 'nope'"),
        (42, "JSON object"),
    ],
)
def test_an_invalid_query_never_reaches_the_database(query, named):
    catalog = Catalog(title="Bad", query=query)
    with pytest.raises(ValidationError) as raised:
        catalog.full_clean()
    assert named in raised.value.message_dict["query"][0]
    with pytest.raises(ValidationError):
        catalog.save()  # not only the form: save() checks too
    assert not Catalog.objects.exists()


def test_valid_queries_in_both_spellings_are_kept_as_written():
    stored = Catalog.objects.create(title="JSON", query={"first_enrollable_paid_seat_price__lte": "300"})
    lucene = Catalog.objects.create(title="Lucene", query="org:edX AND NOT level_type:Advanced")
    assert Catalog.objects.get(pk=stored.pk).query == {"first_enrollable_paid_seat_price__lte": "300"}
    assert lucene.parsed_query.fields == {"org"}
    assert stored.content_version == 1


def test_viewers_are_guardian_object_permissions():
    alice, bob = UserFactory(), UserFactory()
    catalog = CatalogFactory(viewers=[alice])
    assert alice.has_perm("catalog.view_catalog", catalog)
    assert not bob.has_perm("catalog.view_catalog", catalog)
    catalog_update(catalog=catalog, viewers=[bob])
    assert set(catalog.viewers) == {bob}
    assert not UserFactory._meta.model.objects.get(pk=alice.pk).has_perm("catalog.view_catalog", catalog)


def test_viewers_are_written_by_the_service_not_by_assigning_to_the_model():
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    catalog = CatalogFactory(viewers=[alice, bob])
    # The model only reads the grants; an assignment would have written permission rows from a model.
    with pytest.raises(AttributeError):
        catalog.viewers = [carol]  # type: ignore[misc,assignment]
    assert set(catalog.viewers) == {alice, bob}

    catalog_viewers_set(catalog=catalog, viewers=[bob, carol, carol])
    assert set(catalog.viewers) == {bob, carol}
    catalog_viewers_set(catalog=catalog, viewers=[])
    assert list(catalog.viewers) == []


def test_the_index_holds_the_candidate_keys():
    catalog = CatalogFactory(
        query={"org": ["edX", "MITx"], "content_type": "course", "first_enrollable_paid_seat_price__lt": 100}
    )
    # Only the most selective field is indexed: org narrows content down more than content_type.
    rows = set(CatalogQueryIndex.objects.filter(catalog=catalog).values_list("field", "value"))
    assert rows == {("org", "edX"), ("org", "MITx")}
    assert not catalog.query_unindexable


@pytest.mark.parametrize("query", [{}, {"org__not": "edX"}, {"start__gte": "2024-01-01"}, {"org": ["edX", None]}])
def test_queries_without_a_positive_exact_clause_are_unindexable(query):
    catalog = CatalogFactory(query=query)
    assert catalog.query_unindexable
    assert not CatalogQueryIndex.objects.filter(catalog=catalog).exists()


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ({"uuid": "6F9F7A1E4C2B4D539A3E2F0D8E1C5B7A", "hidden": "1"}, ("uuid", "6f9f7a1e-4c2b-4d53-9a3e-2f0d8e1c5b7a")),
        ({"hidden": "1"}, ("hidden", "true")),
        ({"first_enrollable_paid_seat_price": "300.00", "hidden": False}, ("first_enrollable_paid_seat_price", "300")),
        ({"start": "2024-01-01", "content_type": "course"}, ("start", "2024-01-01T00:00:00+00:00")),
    ],
)
def test_values_are_indexed_in_their_normalized_spelling(query, entry):
    catalog = CatalogFactory(query=query)
    catalog_index_rebuild(catalog=catalog)
    assert list(CatalogQueryIndex.objects.filter(catalog=catalog).values_list("field", "value")) == [entry]
