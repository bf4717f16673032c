"""One declaration of a nested list, loaded either way: by ``attach_nested`` for a page, or as a column."""

from __future__ import annotations

from typing import Any

import pytest

from course_metadata.models import Organization
from dbkit.nested import Nested, attach_nested, columns
from dbkit.rows import Row
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

KEYS = Nested("keys", Organization.objects.all(), "partner_id", flat="key", ordering=("-key",))
NAMES = Nested("names", Organization.objects.all(), "partner_id", {"key": "key", "uuid": "uuid"}, ordering=("key",))


def test_the_same_declaration_gives_the_same_lists_both_ways() -> None:
    first = OrganizationFactory.create(key="A")
    second = OrganizationFactory.create(key="B", partner=first.partner)
    OrganizationFactory.create(key="C")  # another partner's

    attached = [Row(pk=first.partner_id)]
    attach_nested([(attached, (KEYS, NAMES))])
    # The nested lists are computed columns, which the stubs cannot name as keys of the rows.
    values: Any = Organization.objects.filter(pk=first.pk).values(**columns("partner_id", KEYS, NAMES))
    as_columns = list(values)

    expected_names = [{"key": "A", "uuid": str(first.uuid)}, {"key": "B", "uuid": str(second.uuid)}]
    assert attached[0]["keys"] == as_columns[0]["keys"] == ["B", "A"]
    assert attached[0]["names"] == as_columns[0]["names"] == expected_names


def test_a_parent_without_children_gets_an_empty_list_both_ways() -> None:
    lonely = OrganizationFactory.create()
    rows = [Row(pk=-1)]
    attach_nested([(rows, (KEYS,))])
    assert rows[0]["keys"] == []
    empty = Nested("none", Organization.objects.filter(pk=-1), "partner_id", flat="key")
    assert Organization.objects.filter(pk=lonely.pk).values(**columns("partner_id", empty)).get() == {"none": []}


def test_a_declaration_is_either_a_list_of_objects_or_of_values() -> None:
    with pytest.raises(TypeError, match="either fields or flat"):
        Nested("both", Organization.objects.all(), "partner_id", {"key": "key"}, flat="key")
    with pytest.raises(TypeError, match="either fields or flat"):
        Nested("neither", Organization.objects.all(), "partner_id")
    with pytest.raises(TypeError, match="one-to-one"):
        Nested("one", Organization.objects.all(), "pk", {"key": "key"}, one=True).column()
