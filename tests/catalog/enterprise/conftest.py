"""Fixtures of the enterprise-catalog API tests: edx-enterprise's worker client and three catalogs over a few
courses, runs and a program."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.catalog.conftest import make_course
from tests.catalog.enterprise.helpers import CUSTOMER, OTHER_CUSTOMER, jwt_client
from tests.factories import ProgramFactory


@pytest.fixture
def worker(staff_user) -> APIClient:
    """edx-enterprise's enterprise_worker: staff, with the operator role on every customer."""
    return jwt_client(staff_user, ["enterprise_openedx_operator:*"], administrator=True)


@pytest.fixture
def world(make_catalog, run_consumer) -> dict[str, Any]:
    a1 = make_course(org_key="edX", number="A1", runs=[{}])
    b2 = make_course(org_key="edX", number="B2", runs=[{}, {}])
    m1 = make_course(org_key="MITx", number="M1", runs=[{}])
    program = ProgramFactory(partner=a1.partner, courses=[a1, m1])
    run_consumer()
    courses = make_catalog(
        {"org": "edX", "content_type": "course"},
        enterprise_customer_uuid=CUSTOMER,
        enterprise_customer_name="Acme Corp",
    )
    mitx_runs = make_catalog({"org": "MITx", "content_type": "courserun"}, enterprise_customer_uuid=CUSTOMER)
    everything = make_catalog({}, enterprise_customer_uuid=OTHER_CUSTOMER, enterprise_customer_name="Other")
    return {
        "a1": a1,
        "b2": b2,
        "m1": m1,
        "program": program,
        "courses": courses,
        "mitx_runs": mitx_runs,
        "everything": everything,
    }
