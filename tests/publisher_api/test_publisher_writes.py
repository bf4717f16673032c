"""The rules every Publisher write keeps: immutable numbers and keys, field errors, If-Match, one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from edx_rest_framework_extensions.auth.jwt.tests.utils import generate_jwt_token, generate_latest_version_payload
from guardian.shortcuts import get_perms
from rest_framework.response import Response
from rest_framework.test import APIClient
from waffle.testutils import override_switch

from course_metadata.models import (
    Course,
    CourseEditor,
    CourseRun,
    CourseRunStatus,
    CourseRunType,
    CourseType,
    Organization,
)
from publisher_api.permissions import RESTRICT_INTERNAL_USERS_SWITCH
from tests.factories import (
    CollaboratorFactory,
    CourseRunFactory,
    StaffUserFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_type() -> CourseType:
    return CourseType.objects.get(slug="verified-and-audit")


@pytest.fixture
def verified_run_type() -> CourseRunType:
    return CourseRunType.objects.get(slug="verified-and-audit")


@pytest.fixture
def team(member: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(member)
    return client


def _start(days: int = 30) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def _create(team: APIClient, organization: Organization, course_type: CourseType, **extra: object) -> Response:
    body = {"org": organization.key, "number": "W101", "title": "Writes", "type": str(course_type.uuid), **extra}
    return team.post("/api/v1/courses/", body, format="json")


def test_create_makes_a_draft_with_entitlement_and_the_creator_as_editor(
    team: APIClient, member: User, organization: Organization, verified_type: CourseType
) -> None:
    response = _create(team, organization, verified_type, prices={"verified": "49.00"})
    assert response.status_code == 201, response.data
    course = Course.objects.get(uuid=response.data["uuid"])
    assert course.draft and course.key == f"{organization.key}+W101"
    assert [(e.mode.slug, str(e.price)) for e in course.entitlements.all()] == [("verified", "49.00")]
    assert list(CourseEditor.objects.filter(course=course).values_list("user", flat=True)) == [member.pk]
    assert "change_course" in get_perms(member, course)


def test_create_refuses_duplicate_number_and_unsold_price(
    team: APIClient, organization: Organization, verified_type: CourseType
) -> None:
    assert _create(team, organization, verified_type).status_code == 201
    response = _create(team, organization, verified_type)
    assert response.status_code == 400
    assert "already exists" in response.data["number"][0]
    response = team.post(
        "/api/v1/courses/",
        {
            "org": organization.key,
            "number": "W102",
            "title": "x",
            "type": str(verified_type.uuid),
            "prices": {"credit": "9"},
        },
        format="json",
    )
    assert response.status_code == 400 and "credit" in response.data["prices"][0]


def test_a_failed_first_run_leaves_no_course_behind(
    team: APIClient, organization: Organization, verified_type: CourseType
) -> None:
    credit_only = CourseRunType.objects.get(slug="credit-with-honor")
    response = _create(
        team,
        organization,
        verified_type,
        course_run={"start": _start(), "run_type": str(credit_only.uuid), "pacing_type": "self_paced"},
    )
    assert response.status_code == 400
    assert "run_type" in response.data["course_run"]
    assert not Course.objects.filter(number="W101").exists()


def test_field_errors_have_drfs_shape(team: APIClient, editor: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    response = client.patch(f"/api/v1/courses/{course.uuid}/", {"image": "not a url", "title": ""}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"image", "title"}


def test_the_course_number_never_changes(editor: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    response = client.patch(f"/api/v1/courses/{course.key}/", {"number": "CS999"}, format="json")
    assert response.status_code == 400
    assert "key_for_reruns" in response.data["number"][0]
    assert not Course.objects.filter(number="CS999").exists()


def test_unknown_course_is_404(editor: User) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    assert client.patch("/api/v1/courses/edX+NOPE/", {"title": "x"}, format="json").status_code == 404
    assert client.delete("/api/v1/course_runs/course-v1:edX+NOPE+1T2020/").status_code == 404


def test_if_match_detects_a_concurrent_edit(editor: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    url = f"/api/v1/courses/{course.uuid}/"
    etag = client.get(url + "?editable=1")["ETag"]
    assert etag
    first = client.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.data
    assert first["ETag"] != etag
    second = client.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert Course.objects.editable().get(uuid=course.uuid).title == "First"
    third = client.patch(url, {"title": "Third"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert third.status_code == 200
    # Writes without If-Match still work.
    assert client.patch(url, {"title": "Fourth"}, format="json").status_code == 200


def test_nested_edit_lands_on_the_draft_only(editor: User, course: Course, partner: object) -> None:
    for slug in ("math", "art"):
        SubjectFactory(partner=course.partner, slug=slug)
    collaborators = [CollaboratorFactory(), CollaboratorFactory()]
    client = APIClient()
    client.force_authenticate(editor)
    body = {
        "subjects": ["art", "math"],
        "collaborators": [str(collaborators[1].uuid), str(collaborators[0].uuid)],
        "topics": ["algebra", "geometry"],
        "geolocation": {"location_name": "Cambridge", "lat": "42.373600", "lng": "-71.109700"},
        "additional_metadata": {"external_identifier": "EXT-1", "facts": [{"heading": "Fast", "blurb": "2 weeks"}]},
        "video": {"src": "https://video.example.org/intro.mp4"},
    }
    response = client.patch(f"/api/v1/courses/{course.uuid}/", body, format="json")
    assert response.status_code == 200, response.data
    draft = Course.objects.drafts().get(uuid=course.uuid)
    assert [subject.slug for subject in draft.subjects.all()] == ["art", "math"]
    assert list(draft.collaborators.all()) == [collaborators[1], collaborators[0]]
    assert sorted(draft.topics.names()) == ["algebra", "geometry"]
    assert draft.geolocation is not None and draft.additional_metadata is not None and draft.video is not None
    assert draft.geolocation.location_name == "Cambridge" and draft.geolocation.draft
    assert [fact.heading for fact in draft.additional_metadata.facts.all()] == ["Fast"]
    assert draft.video.src == "https://video.example.org/intro.mp4"
    course.refresh_from_db()
    assert course.geolocation is None and course.additional_metadata is None
    assert list(course.subjects.all()) == []


def test_external_key_clash_is_a_400_naming_it(editor: User, course: Course) -> None:
    CourseRunFactory(course=course, external_key="MATH205-Fall20", status=CourseRunStatus.UNPUBLISHED)
    second = CourseRunFactory(course=course, status=CourseRunStatus.UNPUBLISHED)
    client = APIClient()
    client.force_authenticate(editor)
    response = client.patch(f"/api/v1/course_runs/{second.key}/", {"external_key": "MATH205-Fall20"}, format="json")
    assert response.status_code == 400, response.data
    assert "MATH205-Fall20" in str(response.data)
    assert CourseRun.objects.editable().get(key=second.key).external_key is None


def test_run_keys_follow_the_start_date_or_are_supplied(
    editor: User,
    course: Course,
    organization: Organization,
    verified_run_type: CourseRunType,
    verified_type: CourseType,
) -> None:
    course.type = verified_type
    course.save()
    client = APIClient()
    client.force_authenticate(editor)
    body = {"course": course.key, "start": "2031-05-04T00:00:00Z", "run_type": str(verified_run_type.uuid)}
    keys = [client.post("/api/v1/course_runs/", body, format="json").data["key"] for _ in range(2)]
    assert keys == [f"course-v1:{course.key}+2T2031", f"course-v1:{course.key}+2T2031a"]

    Organization.objects.filter(pk=organization.pk).update(auto_generate_course_run_keys=False)
    response = client.post("/api/v1/course_runs/", body, format="json")
    assert response.status_code == 400 and "key" in response.data
    response = client.post("/api/v1/course_runs/", {**body, "key": "course-v1:OtherOrgX+ZZZ+1T2027"}, format="json")
    assert response.status_code == 400 and "OtherOrgX+ZZZ" in str(response.data["key"])
    supplied = f"course-v1:{course.key}+Fall2031"
    response = client.post("/api/v1/course_runs/", {**body, "key": supplied}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["key"] == supplied


def test_key_for_reruns_renames_future_runs(
    editor: User, course: Course, verified_run_type: CourseRunType, verified_type: CourseType
) -> None:
    course.type = verified_type
    course.save()
    client = APIClient()
    client.force_authenticate(editor)
    assert (
        client.patch(f"/api/v1/courses/{course.uuid}/", {"key_for_reruns": "edX+CS101r"}, format="json").status_code
        == 200
    )
    body = {"course": course.key, "start": "2032-01-10T00:00:00Z", "run_type": str(verified_run_type.uuid)}
    response = client.post("/api/v1/course_runs/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["key"] == "course-v1:edX+CS101r+1T2032"
    run_key = response.data["key"]
    assert (
        client.patch(f"/api/v1/course_runs/{run_key}/", {"key": "course-v1:edX+X+1T2032"}, format="json").status_code
        == 400
    )


def test_a_course_that_went_live_cannot_be_deleted(editor: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    published_run = CourseRunFactory(course=course, status=CourseRunStatus.PUBLISHED)
    response = client.delete(f"/api/v1/courses/{course.uuid}/")
    assert response.status_code == 400 and "Retire" in str(response.data)
    assert client.delete(f"/api/v1/course_runs/{published_run.key}/").status_code == 400
    assert Course.objects.filter(uuid=course.uuid).exists()


def test_leaving_the_group_ends_rights_and_object_permissions(
    editor: User, course: Course, org_group: Group, django_capture_on_commit_callbacks: object
) -> None:
    from publisher_api.services.editors import course_editor_permissions_sync

    course_editor_permissions_sync(course=course)
    assert "change_course" in get_perms(editor, course)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        editor.groups.remove(org_group)
    editor = User.objects.get(pk=editor.pk)
    assert "change_course" not in get_perms(editor, course)
    client = APIClient()
    client.force_authenticate(editor)
    assert client.patch(f"/api/v1/courses/{course.uuid}/", {"title": "x"}, format="json").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_failing_permission_copy_takes_the_group_change_with_it(
    editor: User, org_group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The object-permission copy is written in the transaction that changes the groups (ADR 0135): if it
    fails, the change does not commit either, so no error answer ever stands for a committed change and no
    former member keeps a stale grant."""
    from django.db import DatabaseError, transaction

    import publisher_api.services.editors as editors

    def fail(**kwargs: Any) -> None:
        raise DatabaseError("the permission copy failed")

    monkeypatch.setattr(editors, "user_course_permissions_sync", fail)
    later: list[str] = []
    with pytest.raises(DatabaseError), transaction.atomic():
        editor.groups.remove(org_group)
        transaction.on_commit(lambda: later.append("ran"))
    assert User.objects.get(pk=editor.pk).groups.filter(pk=org_group.pk).exists()
    assert later == []


def test_course_editors_endpoints(editor: User, member: User, outsider: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    listing = client.get(f"/api/v1/course_editors/?course={course.uuid}")
    assert [row["user"]["username"] for row in listing.data] == ["editor"]
    refused = client.post(
        "/api/v1/course_editors/", {"course": str(course.uuid), "user_id": outsider.pk}, format="json"
    )
    assert refused.status_code == 400 and "user_id" in refused.data
    added = client.post("/api/v1/course_editors/", {"course": str(course.uuid), "user_id": member.pk}, format="json")
    assert added.status_code == 201, added.data
    assert client.delete(f"/api/v1/course_editors/{added.data['id']}/").status_code == 204
    assert list(CourseEditor.objects.values_list("user__username", flat=True)) == ["editor"]


@pytest.mark.usefixtures("restricted")
def test_jwt_without_the_role_is_read_only(course: Course) -> None:
    staff = StaffUserFactory()
    payload = generate_latest_version_payload(staff)
    payload.update({"administrator": True, "roles": ["some_other_role"]})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {generate_jwt_token(payload)}")
    assert client.get(f"/api/v1/courses/{course.uuid}/?editable=1").status_code == 200
    assert client.patch(f"/api/v1/courses/{course.uuid}/", {"title": "x"}, format="json").status_code == 403


def test_legal_reviewer_moves_runs_out_of_legal_review_only(legal_reviewer: User, editor: User, course: Course) -> None:
    run = CourseRunFactory(course=course, status=CourseRunStatus.LEGAL_REVIEW)
    team = APIClient()
    team.force_authenticate(editor)
    legal = APIClient()
    legal.force_authenticate(legal_reviewer)
    url = f"/api/v1/course_runs/{run.key}/"
    assert team.patch(url, {"status": CourseRunStatus.INTERNAL_REVIEW}, format="json").status_code == 403
    assert team.patch(url, {"has_ofac_restrictions": True}, format="json").status_code == 403
    response = legal.patch(
        url, {"has_ofac_restrictions": True, "status": CourseRunStatus.INTERNAL_REVIEW}, format="json"
    )
    assert response.status_code == 200, response.data
    draft = CourseRun.objects.editable().get(key=run.key)
    assert draft.has_ofac_restrictions is True and draft.status == CourseRunStatus.INTERNAL_REVIEW
    assert legal.patch(url, {"status": CourseRunStatus.REVIEWED}, format="json").status_code == 403
    invalid = legal.patch(url, {"status": CourseRunStatus.PUBLISHED}, format="json")
    assert invalid.status_code == 403  # legal may not publish; staff would get a 400 naming the allowed moves
    staff = APIClient()
    staff.force_authenticate(StaffUserFactory())
    invalid = staff.patch(url, {"status": CourseRunStatus.PUBLISHED}, format="json")
    assert invalid.status_code == 400 and "Allowed" in str(invalid.data["status"])


def test_course_edit_sends_reviewed_runs_back(editor: User, course: Course) -> None:
    run = CourseRunFactory(course=course, status=CourseRunStatus.PUBLISHED)
    client = APIClient()
    client.force_authenticate(editor)
    assert client.patch(f"/api/v1/courses/{course.uuid}/", {"title": "Renamed"}, format="json").status_code == 200
    draft_run = CourseRun.objects.drafts().get(key=run.key)
    assert draft_run.status == CourseRunStatus.UNPUBLISHED
    run.refresh_from_db()
    assert run.status == CourseRunStatus.PUBLISHED


def test_role_restriction_switch_is_off_by_default(course: Course) -> None:
    staff = APIClient()
    staff.force_authenticate(StaffUserFactory())
    assert staff.patch(f"/api/v1/courses/{course.uuid}/", {"title": "x"}, format="json").status_code == 200
    with override_switch(RESTRICT_INTERNAL_USERS_SWITCH, active=True):
        assert staff.patch(f"/api/v1/courses/{course.uuid}/", {"title": "y"}, format="json").status_code == 403


def test_outsider_cannot_see_drafts_through_editable(outsider: User, course: Course) -> None:
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/courses/{course.uuid}/?editable=1").status_code in (403, 404)
