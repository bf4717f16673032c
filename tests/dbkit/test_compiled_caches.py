"""Compiled queries are cached with the objects they belong to, never by ``id()``.

A cache keyed by ``id(connection)`` kept every thread's connection wrapper alive (its compiler holds the
wrapper) and grew with each thread; one keyed by ``id(spec)`` handed a spec built for one request the SQL
of an earlier, collected spec whose id CPython had reused.
"""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest
from django.db import connections

from course_metadata.models import Organization
from dbkit.nested import Nested, attach_nested
from dbkit.rows import AnyOf, KeyedRows, Row
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _organizations_by_pk() -> KeyedRows:
    return KeyedRows(lambda ids: Organization.objects.filter(AnyOf("pk", ids)).values("pk", "key").order_by("pk"))


def test_thread_connections_are_not_kept_alive_by_compiled_queries() -> None:
    by_pk = _organizations_by_pk()
    wrappers: list[weakref.ref[Any]] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            wrappers.append(weakref.ref(connections["default"]))
            # The thread's own connection does not see this test's rows; the compiled query still runs.
            assert by_pk.fetch([0]) == []
        except BaseException as error:  # reported to the test below; a thread's exception would be lost
            errors.append(error)
        finally:
            connections.close_all()

    for _ in range(5):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    gc.collect()

    assert errors == []
    assert len(wrappers) == 5
    assert [wrapper() for wrapper in wrappers] == [None] * 5
    # The query still compiles and runs on this thread's connection.
    organization = OrganizationFactory.create()
    assert by_pk.fetch([organization.pk]) == [{"pk": organization.pk, "key": organization.key}]


def test_a_keyed_query_built_per_request_is_not_kept_by_the_connection() -> None:
    organization = OrganizationFactory.create()
    by_pk = _organizations_by_pk()
    assert by_pk.fetch([organization.pk]) == [{"pk": organization.pk, "key": organization.key}]
    gone = weakref.ref(by_pk)
    del by_pk
    gc.collect()
    assert gone() is None


def test_specs_built_in_turn_get_their_own_sql() -> None:
    organization = OrganizationFactory.create()
    # Built, used and dropped in turn: CPython reuses a freed object's memory, and so its id, at once.
    for index in range(20):
        spec = Nested("extra", Organization.objects.all(), "pk", {f"field_{index}": "key"}, one=True)
        rows = [Row(pk=organization.pk)]
        attach_nested([(rows, [spec])])
        assert rows[0]["extra"] == {f"field_{index}": organization.key}
        del spec
