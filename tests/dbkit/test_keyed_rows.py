"""KeyedRows: compiled once, run with key lists; several lists, and one list used in several places."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import CharField, F, QuerySet, Value
from django.test.utils import CaptureQueriesContext

from course_metadata.models import Organization
from dbkit.rows import AnyOf, KeyedRows
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BY_PK = KeyedRows(lambda ids: Organization.objects.filter(AnyOf("pk", ids)).values("pk", "key").order_by("pk"))


def _by_key_and_pk(keys: Any, ids: Any) -> QuerySet:
    return Organization.objects.filter(AnyOf("key", keys), AnyOf("pk", ids)).values("pk").order_by("pk")


def _two_parts(ids: Any) -> QuerySet:
    by_pk = Organization.objects.filter(AnyOf("pk", ids)).values(
        label=F("key"), part=Value("a", output_field=CharField())
    )
    again = Organization.objects.filter(AnyOf("pk", ids)).values(
        label=F("name"), part=Value("b", output_field=CharField())
    )
    return by_pk.order_by().union(again.order_by(), all=True)


BOTH = KeyedRows(_by_key_and_pk, lists=2)
TWICE = KeyedRows(_two_parts)


def test_rows_for_the_keys_and_no_query_for_none() -> None:
    first, second, _ = OrganizationFactory.create_batch(3)

    assert BY_PK.fetch([second.pk, first.pk, 10**9]) == [
        {"pk": first.pk, "key": first.key},
        {"pk": second.pk, "key": second.key},
    ]
    assert BY_PK.fetch({second.pk}) == [{"pk": second.pk, "key": second.key}]
    with CaptureQueriesContext(connection) as queries:
        assert BY_PK.fetch([]) == []
    assert len(queries) == 0


def test_each_list_fills_its_own_place() -> None:
    first, second, third = OrganizationFactory.create_batch(3)

    rows = BOTH.fetch([first.key, third.key], [first.pk, second.pk])

    assert rows == [{"pk": first.pk}]
    assert BOTH.fetch([], [first.pk]) == []


def test_a_list_used_twice_is_bound_in_both_places() -> None:
    _, second = OrganizationFactory.create_batch(2)

    rows = TWICE.fetch([second.pk])

    assert sorted((row["part"], row["label"]) for row in rows) == [("a", second.key), ("b", second.name)]


def test_the_number_of_lists_is_checked() -> None:
    with pytest.raises(TypeError, match="takes 2 key lists, got 1"):
        BOTH.fetch([1])
