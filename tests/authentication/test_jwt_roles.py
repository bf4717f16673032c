"""The verified JWT's roles count on every request, not only on writes and ``?editable=1`` reads."""

from __future__ import annotations

from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt_token, generate_latest_version_payload
from rest_framework.test import APIClient
from waffle.testutils import override_switch

from course_metadata.models import Course
from publisher_api.permissions import RESTRICT_INTERNAL_USERS_SWITCH
from tests.factories import StaffUserFactory


def test_jwt_publisher_editor_sees_editable_on_a_plain_read(course: Course) -> None:
    staff = StaffUserFactory.create(username="jwt-editor")
    payload = generate_latest_version_payload(staff)
    payload.update({"administrator": True, "roles": ["publisher_editor"]})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload)}")
    with override_switch(RESTRICT_INTERNAL_USERS_SWITCH, active=True):
        body = client.get(f"/api/v1/courses/{course.key}/").json()
        listed = client.get("/api/v1/courses/", {"keys": course.key}).json()["results"]
        # The same token without the role: read-only staff, so nothing is editable.
        payload["roles"] = []
        client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload)}")
        without_role = client.get(f"/api/v1/courses/{course.key}/").json()
    assert body["editable"] is True
    assert [entry["editable"] for entry in listed] == [True]
    assert without_role["editable"] is False
