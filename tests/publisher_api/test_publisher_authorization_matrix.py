"""Every write endpoint, for every kind of caller, on {own org, other org, orphaned course}.

Each cell asserts the status, and that a refused write changed nothing (a snapshot of every table a
Publisher write can touch is equal before and after) while an accepted one changed something.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.utils import timezone
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt_token, generate_latest_version_payload
from guardian.models import UserObjectPermission
from rest_framework.test import APIClient
from waffle.testutils import override_switch

from course_metadata.models import (
    Course,
    CourseEditor,
    CourseEntitlement,
    CourseRun,
    CourseRunStatus,
    CourseRunType,
    CourseType,
    Organization,
    Seat,
)
from publisher_api.models import PublisherRoleAssignment, PublisherRoleEvent
from publisher_api.permissions import RESTRICT_INTERNAL_USERS_SWITCH
from tests.factories import (
    CourseEditorFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationExtensionFactory,
    OrganizationFactory,
    PartnerFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.publisher_api.conftest import grant_publisher_editor

pytestmark = pytest.mark.django_db

SNAPSHOT_MODELS: tuple[type[Model], ...] = (
    Course,
    CourseRun,
    CourseEditor,
    CourseEntitlement,
    Seat,
    PublisherRoleAssignment,
    PublisherRoleEvent,
    UserObjectPermission,
)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    # _default_manager is each model's ``objects``; a plain model class has no ``objects`` to the type checker.
    return {model.__name__: list(model._default_manager.order_by("pk").values()) for model in SNAPSHOT_MODELS}


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    courses: dict[str, Course]  # own, other, orphaned
    runs: dict[str, CourseRun]
    editor_rows: dict[str, CourseEditor]  # an editor row of each course that may be removed
    candidates: dict[str, User]  # a user who may become an editor of each course
    users: dict[str, User]
    run_type: CourseRunType


@pytest.fixture
def world(db: None) -> World:
    partner = PartnerFactory(short_code="matrix")
    course_type = CourseType.objects.get(slug="verified-and-audit")
    run_type = CourseRunType.objects.get(slug="verified-and-audit")
    org_a = OrganizationFactory(partner=partner, key="OrgA")
    org_b = OrganizationFactory(partner=partner, key="OrgB")
    group_a = OrganizationExtensionFactory(organization=org_a).group
    group_b = OrganizationExtensionFactory(organization=org_b).group
    legal_group, _ = Group.objects.get_or_create(name=settings.PUBLISHER_LEGAL_GROUP_NAME)

    def draft_course(org: Organization, number: str) -> Course:
        return CourseFactory(partner=partner, authoring_organization=org, number=number, type=course_type, draft=True)

    courses = {
        "own": draft_course(org_a, "OWN1"),
        "other": draft_course(org_b, "OTH1"),
        "orphaned": draft_course(org_a, "ORP1"),
    }
    runs = {
        name: CourseRunFactory(course=course, type=run_type, status=CourseRunStatus.UNPUBLISHED, term="1T2030")
        for name, course in courses.items()
    }
    users = {
        "outsider": UserFactory(username="outsider"),
        "member": UserFactory(username="member", groups=[group_a]),
        "editor": UserFactory(username="editor", groups=[group_a]),
        "removed_editor": UserFactory(username="removed_editor", groups=[group_a]),
        "legal": UserFactory(username="legal", groups=[legal_group]),
        "staff": StaffUserFactory(username="staff"),
        "staff_restricted": StaffUserFactory(username="staff_restricted"),
        "staff_role_db": StaffUserFactory(username="staff_role_db"),
        "staff_role_jwt": StaffUserFactory(username="staff_role_jwt"),
    }
    grant_publisher_editor(users["staff_role_db"])
    other_editor = UserFactory(username="other_editor", groups=[group_b])
    CourseEditorFactory(user=users["editor"], course=courses["own"])
    editor_rows = {
        "own": CourseEditorFactory(user=users["removed_editor"], course=courses["own"]),
        "orphaned": CourseEditorFactory(user=users["removed_editor"], course=courses["orphaned"]),
        "other": CourseEditorFactory(user=other_editor, course=courses["other"]),
    }
    users["removed_editor"].groups.remove(group_a)
    candidates = {
        "own": UserFactory(username="candidate_a", groups=[group_a]),
        "orphaned": UserFactory(username="candidate_a2", groups=[group_a]),
        "other": UserFactory(username="candidate_b", groups=[group_b]),
    }
    return World(org_a, org_b, courses, runs, editor_rows, candidates, users, run_type)


ACTORS = [
    "anonymous",
    "outsider",
    "member",
    "editor",
    "removed_editor",
    "legal",
    "staff",
    "staff_restricted",
    "staff_role_db",
    "staff_role_jwt",
]
TARGETS = ["own", "other", "orphaned"]
RESTRICTED_ACTORS = {"staff_restricted", "staff_role_db", "staff_role_jwt"}
STAFF_WRITERS = {"staff", "staff_role_db", "staff_role_jwt"}


def client_for(world: World, actor: str) -> APIClient:
    client = APIClient()
    if actor == "anonymous":
        return client
    user = world.users[actor]
    if actor == "staff_role_jwt":
        payload = generate_latest_version_payload(user)
        payload.update({"administrator": True, "roles": ["publisher_editor"]})
        client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload)}")
    else:
        client.force_authenticate(user)
    return client


def may_edit(actor: str, target: str) -> bool:
    """The issue's rules, restated independently of publisher_api.permissions."""
    if actor in STAFF_WRITERS:
        return True
    if actor == "editor":
        return target in ("own", "orphaned")  # own: an editor; orphaned: an org member of an orphan
    if actor == "member":
        return target == "orphaned"
    return False


def may_create_in(actor: str, target: str) -> bool:
    if actor in STAFF_WRITERS:
        return True
    return actor in ("member", "editor") and target in ("own", "orphaned")


def _type_uuid(course: Course) -> str:
    assert course.type is not None
    return str(course.type.uuid)


def _start() -> str:
    return (timezone.now() + dt.timedelta(days=30)).isoformat()


# endpoint name -> (request maker, success status, rule)
Request = Callable[[APIClient, World, str], Any]
ENDPOINTS: dict[str, tuple[Request, int, Callable[[str, str], bool]]] = {
    "create_course": (
        lambda client, world, target: client.post(
            "/api/v1/courses/",
            {
                "org": (world.org_b if target == "other" else world.org_a).key,
                "number": f"NEW{target.upper()}",
                "title": "New",
                "type": _type_uuid(world.courses["own"]),
            },
            format="json",
        ),
        201,
        may_create_in,
    ),
    "patch_course": (
        lambda client, world, target: client.patch(
            f"/api/v1/courses/{world.courses[target].uuid}/", {"short_description": "Changed."}, format="json"
        ),
        200,
        may_edit,
    ),
    "put_course": (
        lambda client, world, target: client.put(
            f"/api/v1/courses/{world.courses[target].key}/", {"title": "Renamed"}, format="json"
        ),
        200,
        may_edit,
    ),
    "delete_course": (
        lambda client, world, target: client.delete(f"/api/v1/courses/{world.courses[target].uuid}/"),
        204,
        may_edit,
    ),
    "create_run": (
        lambda client, world, target: client.post(
            "/api/v1/course_runs/",
            {
                "course": world.courses[target].key,
                "start": _start(),
                "run_type": str(world.run_type.uuid),
                "pacing_type": "self_paced",
            },
            format="json",
        ),
        201,
        may_edit,
    ),
    "patch_run": (
        lambda client, world, target: client.patch(
            f"/api/v1/course_runs/{world.runs[target].key}/", {"title_override": "Changed"}, format="json"
        ),
        200,
        may_edit,
    ),
    "submit_run": (
        lambda client, world, target: client.patch(
            f"/api/v1/course_runs/{world.runs[target].key}/", {"draft": False}, format="json"
        ),
        200,
        may_edit,
    ),
    "delete_run": (
        lambda client, world, target: client.delete(f"/api/v1/course_runs/{world.runs[target].key}/"),
        204,
        may_edit,
    ),
    "add_editor": (
        lambda client, world, target: client.post(
            "/api/v1/course_editors/",
            {"course": str(world.courses[target].uuid), "user_id": world.candidates[target].pk},
            format="json",
        ),
        201,
        may_edit,
    ),
    "remove_editor": (
        lambda client, world, target: client.delete(f"/api/v1/course_editors/{world.editor_rows[target].pk}/"),
        204,
        may_edit,
    ),
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_write_matrix(world: World, endpoint: str, actor: str, target: str) -> None:
    make_request, success, rule = ENDPOINTS[endpoint]
    client = client_for(world, actor)
    before = snapshot()
    with override_switch(RESTRICT_INTERNAL_USERS_SWITCH, active=actor in RESTRICTED_ACTORS):
        response = make_request(client, world, target)
    expected = 401 if actor == "anonymous" else (success if rule(actor, target) else 403)
    assert response.status_code == expected, (response.status_code, getattr(response, "data", None))
    if expected == success:
        assert snapshot() != before
    else:
        assert snapshot() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_publisher_roles_matrix(world: World, actor: str) -> None:
    client = client_for(world, actor)
    grantee = world.users["member"]
    with override_switch(RESTRICT_INTERNAL_USERS_SWITCH, active=actor in RESTRICTED_ACTORS):
        before = snapshot()
        listing = client.get("/api/v1/publisher-roles/")
        granted = client.post("/api/v1/publisher-roles/", {"user": grantee.username, "reason": "helps"}, format="json")
        after_grant = snapshot()
        existing = PublisherRoleAssignment.objects.get(user=world.users["staff_role_db"])
        revoked = client.delete(f"/api/v1/publisher-roles/{existing.pk}/?reason=done")
    staff_like = actor.startswith("staff")
    writer = actor in STAFF_WRITERS
    if actor == "anonymous":
        assert (listing.status_code, granted.status_code, revoked.status_code) == (401, 401, 401)
    else:
        assert listing.status_code == (200 if staff_like else 403)
        assert granted.status_code == (201 if writer else 403), granted.data
        assert revoked.status_code == (204 if writer else 403)
    if not writer:
        assert after_grant == before
        assert snapshot() == before
    else:
        assert PublisherRoleAssignment.objects.filter(user=grantee).exists()
        assert not PublisherRoleAssignment.objects.filter(pk=existing.pk).exists()
        actions = list(PublisherRoleEvent.objects.order_by("pk").values_list("user__username", "action", "reason"))
        assert actions == [("member", "granted", "helps"), ("staff_role_db", "revoked", "done")]
