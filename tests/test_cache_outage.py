"""A Redis outage never fails a request: the production cache reads as empty while Redis is unreachable (ADR 0075).

Staff are the callers who showed it: every permission check of a member of staff reads django-waffle's
``publisher.restrict_internal_users`` switch, which waffle keeps in Django's cache.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIClient
from waffle.testutils import override_switch

from catalog.models import Catalog
from course_metadata.models import Course
from publisher_api.permissions import RESTRICT_INTERNAL_USERS_SWITCH
from settings.base import cache_config
from tests.factories import StaffUserFactory

# Nothing listens on port 1: every connection is refused at once.
UNREACHABLE_REDIS = {"default": cache_config("redis://127.0.0.1:1/9")}


@pytest.fixture
def staff_client(db: None) -> APIClient:
    client = APIClient()
    client.force_authenticate(StaffUserFactory())
    return client


def test_staff_read_and_write_courses_while_the_cache_is_unreachable(staff_client: APIClient, course: Course) -> None:
    with override_settings(CACHES=UNREACHABLE_REDIS):
        read = staff_client.get(f"/api/v1/courses/{course.key}/")
        written = staff_client.patch(f"/api/v1/courses/{course.key}/", {"title": "Written"}, format="json")
        created = staff_client.post("/api/v1/catalogs/", {"title": "Outage", "query": "*"}, format="json")
    assert (read.status_code, written.status_code, created.status_code) == (200, 200, 201)
    assert read.json()["editable"] is True
    # Publisher writes the course's draft row.
    assert Course.objects.filter(uuid=course.uuid, draft=True, title="Written").exists()
    assert Catalog.objects.filter(title="Outage").exists()


def test_the_restriction_switch_still_holds_without_the_cache(staff_client: APIClient, course: Course) -> None:
    """Without the cache waffle reads the switch from the database: the restriction is not lost with Redis."""
    with override_switch(RESTRICT_INTERNAL_USERS_SWITCH, active=True), override_settings(CACHES=UNREACHABLE_REDIS):
        read = staff_client.get(f"/api/v1/courses/{course.key}/")
        refused = staff_client.patch(f"/api/v1/courses/{course.key}/", {"title": "Refused"}, format="json")
    assert read.status_code == 200 and read.json()["editable"] is False
    assert refused.status_code == 403
    assert not Course.objects.filter(uuid=course.uuid, title="Refused").exists()


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda cache: cache.get("k", "default"), "default"),
        (lambda cache: cache.get_many(["k", "l"]), {}),
        (lambda cache: cache.add("k", 1), False),
        (lambda cache: cache.set("k", 1), None),
        (lambda cache: cache.delete("k"), False),
        (lambda cache: cache.has_key("k"), False),
        (lambda cache: cache.touch("k"), False),
        (lambda cache: cache.delete_many(["k"]), None),
    ],
    ids=["get", "get_many", "add", "set", "delete", "has_key", "touch", "delete_many"],
)
def test_each_cache_call_carries_on_without_redis(call: Any, expected: Any) -> None:
    with override_settings(CACHES=UNREACHABLE_REDIS):
        assert call(caches["default"]) == expected


def test_incr_without_redis_reports_a_missing_key() -> None:
    with override_settings(CACHES=UNREACHABLE_REDIS), pytest.raises(ValueError):
        caches["default"].incr("k")
