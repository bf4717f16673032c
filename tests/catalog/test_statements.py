"""The plain-SQL write helpers store exactly what the ORM would, on PostgreSQL and SQLite alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.models import Catalog, CatalogMembership, ContentDocument, ContentMetadata
from catalog.services.statements import delete_each, increment, insert_each, set_each, update_each
from tests.catalog.conftest import NOW, stored_documents

pytestmark = pytest.mark.django_db


def _two_documents() -> list[ContentMetadata]:
    return stored_documents([{"key": "edX+A", "title": "A"}, {"key": "edX+B", "title": "B"}])


def test_update_each_sets_each_rows_own_values_of_every_type() -> None:
    first, second = _two_documents()
    later = NOW + dt.timedelta(hours=3, microseconds=17)
    price = Decimal("149.99")

    updated = update_each(
        ContentMetadata,
        [
            (first.pk, {"f_first_enrollable_paid_seat_price": price, "data_modified_timestamp": later}),
            (second.pk, {"f_title": "Renamed", "f_hidden": True}),
        ],
    )
    update_each(ContentDocument, [(second.pk, {"document": {"key": "edX+B", "nested": {"list": [1, "two"]}}})])

    assert updated == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.f_first_enrollable_paid_seat_price == price
    assert first.data_modified_timestamp == later
    assert first.f_title == "A"  # fields not named are left alone
    assert (second.f_title, second.f_hidden) == ("Renamed", True)
    assert second.data_modified_timestamp == NOW
    assert ContentDocument.objects.get(pk=second.pk).document == {"key": "edX+B", "nested": {"list": [1, "two"]}}


def test_update_each_refuses_what_is_not_a_column() -> None:
    (first, _) = _two_documents()
    with pytest.raises(ValueError, match="not a concrete field"):
        update_each(ContentMetadata, [(first.pk, {"memberships": 1})])


def test_insert_each_skips_rows_that_exist_and_delete_each_removes_by_key() -> None:
    first, second = _two_documents()
    catalog = Catalog.objects.create(title="All", query={})
    insert_each(
        CatalogMembership, ["catalog", "content", "date_updated", "created"], [(catalog.pk, first.pk, NOW, NOW)]
    )
    later = NOW + dt.timedelta(days=1)

    insert_each(
        CatalogMembership,
        ["catalog", "content", "date_updated", "created"],
        [(catalog.pk, first.pk, later, later), (catalog.pk, second.pk, later, later)],
    )

    dates = dict(CatalogMembership.objects.values_list("content_id", "date_updated"))
    assert dates == {first.pk: NOW, second.pk: later}  # the existing pair kept its row
    delete_each(CatalogMembership, ["catalog", "content"], [(catalog.pk, first.pk), (catalog.pk, 10**9)])
    assert list(CatalogMembership.objects.values_list("content_id", flat=True)) == [second.pk]


def test_increment_counts_the_rows_it_moved() -> None:
    catalogs = [Catalog.objects.create(title=f"C{index}", query={}) for index in range(3)]
    before = {catalog.pk: catalog.content_version for catalog in catalogs}

    moved = increment(Catalog, "content_version", [catalogs[0].pk, catalogs[2].pk, catalogs[2].pk, 10**9])

    assert moved == 2
    after = dict(Catalog.objects.values_list("pk", "content_version"))
    assert after == {
        catalogs[0].pk: before[catalogs[0].pk] + 1,
        catalogs[1].pk: before[catalogs[1].pk],
        catalogs[2].pk: before[catalogs[2].pk] + 1,
    }
    assert increment(Catalog, "content_version", []) == 0


def test_set_each_sets_a_field_on_the_rows_holding_each_key() -> None:
    first, second = _two_documents()
    catalogs = [Catalog.objects.create(title=f"C{index}", query={}) for index in range(2)]
    insert_each(
        CatalogMembership,
        ["catalog", "content", "date_updated", "created"],
        [(catalog.pk, content.pk, NOW, NOW) for catalog in catalogs for content in (first, second)],
    )
    later = NOW + dt.timedelta(minutes=5, microseconds=3)

    set_each(CatalogMembership, "date_updated", "content", [(first.pk, later)])

    dates = {(row.catalog_id, row.content_id): row.date_updated for row in CatalogMembership.objects.all()}
    assert dates == {
        (catalogs[0].pk, first.pk): later,
        (catalogs[1].pk, first.pk): later,
        (catalogs[0].pk, second.pk): NOW,
        (catalogs[1].pk, second.pk): NOW,
    }
