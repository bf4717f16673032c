"""What the enterprise-catalog API tests share: the customers, the JWT clients edx-enterprise builds, the body
of its catalog creation and the shape of enterprise-catalog's catalog serializer."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt_token, generate_latest_version_payload
from rest_framework.test import APIClient

CUSTOMER = uuid.UUID("7f8e3c52-0b39-4f1e-9d9a-2f3a1c5e8b11")
OTHER_CUSTOMER = uuid.UUID("11111111-2222-4333-8444-555555555555")
# enterprise-catalog renders datetimes as DRF does: ISO 8601 in UTC with a Z, microseconds when non-zero.
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def jwt_client(user: Any, roles: list[str], administrator: bool = False) -> APIClient:
    payload = generate_latest_version_payload(user)
    payload.update({"administrator": administrator, "roles": roles})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload)}")
    return client


def create_body(catalog_uuid: uuid.UUID, content_filter: dict, **overrides: Any) -> dict[str, Any]:
    """The body of EnterpriseCatalogApiClient.create_enterprise_catalog, as it builds it."""
    body = {
        "uuid": str(catalog_uuid),
        "title": "Acme catalog",
        "enterprise_customer": str(CUSTOMER),
        "enterprise_customer_name": "Acme Corp",
        "content_filter": content_filter,
        "enabled_course_modes": ["verified", "audit"],
        "publish_audit_enrollment_urls": json.dumps(False),
        "catalog_query_uuid": None,
        "query_title": None,
        "include_exec_ed_2u_courses": False,
    }
    body.update(overrides)
    return body


def assert_catalog_shape(body: dict[str, Any]) -> None:
    """enterprise-catalog's EnterpriseCatalogSerializer: exactly its readable fields, typed as it types them."""
    assert list(body) == [
        "uuid",
        "title",
        "enterprise_customer",
        "catalog_query_uuid",
        "content_last_modified",
        "catalog_modified",
        "query_title",
    ]
    assert UUID_TEXT.match(body["uuid"]) and UUID_TEXT.match(body["enterprise_customer"])
    assert isinstance(body["title"], str)
    assert body["catalog_query_uuid"] is None or UUID_TEXT.match(body["catalog_query_uuid"])
    assert body["content_last_modified"] is None or DATETIME.match(body["content_last_modified"])
    assert DATETIME.match(body["catalog_modified"])
    assert body["query_title"] is None or isinstance(body["query_title"], str)


def incumbent_hash(content_filter: Any) -> str:
    return hashlib.md5(json.dumps(content_filter, sort_keys=True).encode()).hexdigest()
