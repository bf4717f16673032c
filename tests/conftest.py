"""Fixtures shared by the whole suite; area-specific ones live in tests/<area>/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from course_metadata.models import Course, CourseRun, Organization, Partner
from tests.factories import (
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    PartnerFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.row_rules_guard import _row_rules_on_every_write_path  # noqa: F401  (a suite-wide autouse fixture)

# Property tests share the machine with database work: judge them by their examples, not their speed.
hypothesis_settings.register_profile(
    "lyceum", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
hypothesis_settings.load_profile("lyceum")


@pytest.fixture
def partner(db: None) -> Partner:
    return PartnerFactory.create(short_code="edx", name="edX")


@pytest.fixture
def organization(partner: Partner) -> Organization:
    return OrganizationFactory.create(partner=partner, key="edX", name="edX")


@pytest.fixture
def course(organization: Organization) -> Course:
    return CourseFactory.create(partner=organization.partner, authoring_organization=organization, number="CS101")


@pytest.fixture
def course_run(course: Course) -> CourseRun:
    return CourseRunFactory.create(course=course, term="2T2024")


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def staff_user(db: None) -> User:
    return StaffUserFactory.create()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request with Accept-Language leaves its language active in the thread; no test inherits it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Failed-login counts and remembered logins live in the cache; no test inherits another's."""
    cache.clear()
