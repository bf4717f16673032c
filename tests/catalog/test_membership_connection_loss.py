"""The catalog consumer's PostgreSQL connection killed mid-batch: documents, membership and the catalog's
version roll back with the cursor, and the next run applies the batch once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError

from catalog.consumers import CONSUMER_NAME
from catalog.models import Catalog, CatalogMembership, ContentMetadata
from catalog.services import refresh
from catalog.services.catalogs import catalog_create
from course_metadata.changelog import consumers
from course_metadata.changelog.consumers import consume, consumer_position
from tests.catalog.conftest import make_course, run_keys
from tests.connection_loss import backend_pid, needs_postgresql, terminate_backend

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_membership_batch_killed_after_storing_documents_is_applied_once_by_the_next_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needs_postgresql()
    catalog = catalog_create(title="edX", query={"org": "edX"})
    version = catalog.content_version
    # The hand-off after each commit is lost (a broker outage): the entries wait in the log.
    monkeypatch.setattr(consumers, "request_processing", lambda: None)
    course = make_course(org_key="edX", runs=[{}, {}])
    start = consumer_position(CONSUMER_NAME)

    real_membership_apply = refresh.membership_apply
    kills: list[int] = []

    def membership_apply_on_a_dying_connection(**kwargs: Any) -> Any:
        if not kills:  # once: the documents are stored, the membership is next
            kills.append(backend_pid())
            terminate_backend(kills[0])
        return real_membership_apply(**kwargs)

    monkeypatch.setattr(refresh, "membership_apply", membership_apply_on_a_dying_connection)

    with pytest.raises(DatabaseError):
        consume(CONSUMER_NAME)

    assert consumer_position(CONSUMER_NAME) == start
    assert not ContentMetadata.objects.filter(content_key=course.key).exists()  # rolled back with the cursor
    assert not CatalogMembership.objects.filter(catalog=catalog).exists()
    assert Catalog.objects.get(pk=catalog.pk).content_version == version

    assert consume(CONSUMER_NAME) > 0

    members = list(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))
    assert sorted(members) == sorted([course.key, *run_keys(course)])  # each once
    assert Catalog.objects.get(pk=catalog.pk).content_version == version + 1
    assert consumer_position(CONSUMER_NAME) > start
