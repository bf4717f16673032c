"""A catalog created through the API whose database connection dies right after the commit is answered 201,
and its membership is still computed later (ADR 0074's mark survives the lost hand-off)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connections, transaction

from catalog.api import serializers as catalog_serializers
from catalog.api.enterprise import serializers as enterprise_serializers
from catalog.models import Catalog
from catalog.services import catalogs
from settings import celery_app
from tests.catalog.enterprise.helpers import create_body, jwt_client
from tests.connection_loss import (  # noqa: F401
    backend_pid,
    connection_lost_after,
    drop_dead_connections,
    needs_postgresql,
    terminate_backend,
)
from tests.publisher_api.test_write_hand_off import production_celery  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("production_celery", "drop_dead_connections"),
]


def test_a_committed_catalog_is_answered_201_when_the_connection_dies_after_the_commit(
    api_client: Any, staff_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    monkeypatch.setattr(
        catalog_serializers, "catalog_create", connection_lost_after(catalog_serializers.catalog_create)
    )
    api_client.raise_request_exception = False
    api_client.force_authenticate(staff_user)

    response = api_client.post(
        "/api/v1/catalogs/", {"title": "Lost after commit", "query": {"org": "edX"}}, format="json"
    )

    assert response.status_code == 201, response.content[:500]
    connections.close_all()
    catalog = Catalog.objects.get(pk=response.json()["id"])
    assert catalog.membership_refresh_requested is not None  # the periodic drain computes its members


def test_a_committed_enterprise_catalog_is_answered_201_when_the_connection_dies_after_the_commit(
    staff_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    monkeypatch.setattr(
        enterprise_serializers, "catalog_create", connection_lost_after(enterprise_serializers.catalog_create)
    )
    worker = jwt_client(staff_user, ["enterprise_openedx_operator:*"], administrator=True)
    worker.raise_request_exception = False
    chosen = uuid.uuid4()

    response = worker.post("/api/v1/enterprise-catalogs/", create_body(chosen, {"org": "MITx"}), format="json")

    assert response.status_code == 201, response.content[:500]
    connections.close_all()
    assert Catalog.objects.get(uuid=chosen).membership_refresh_requested is not None


def test_with_eager_celery_a_hand_off_that_fails_on_the_lost_connection_does_not_fail_the_committed_catalog(
    api_client: Any, staff_user: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """The embedded default (``make run``) and the tests run tasks inline on commit: the membership task meets
    the connection lost right after the COMMIT and fails through all its retries. The write still answers 201,
    and the catalog stays marked for the periodic drain (ADR 0074)."""
    needs_postgresql()
    celery_app.conf.update(task_always_eager=True)  # as settings.test and settings.local have it
    real_schedule = catalogs._schedule_membership_refresh

    def schedule_after_a_lost_connection(catalog_id: int) -> None:
        # Registered first, so it runs first after the COMMIT: the hand-off then finds the connection gone.
        transaction.on_commit(lambda: terminate_backend(backend_pid()))
        real_schedule(catalog_id)

    monkeypatch.setattr(catalogs, "_schedule_membership_refresh", schedule_after_a_lost_connection)
    api_client.raise_request_exception = False
    api_client.force_authenticate(staff_user)

    response = api_client.post("/api/v1/catalogs/", {"title": "Eager", "query": {"org": "edX"}}, format="json")

    assert response.status_code == 201, response.content[:500]
    connections.close_all()
    assert Catalog.objects.get(pk=response.json()["id"]).membership_refresh_requested is not None
