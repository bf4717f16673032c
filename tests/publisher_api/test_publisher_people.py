"""POST people/ and PATCH/PUT people/{uuid}/: who may write, what is kept, what is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from course_metadata.models import ChangeLogEntry, Organization, Person, PersonSocialNetwork
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _body(organization: Organization, **extra: Any) -> dict[str, Any]:
    return {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "bio": "Wrote the first program.",
        "major_works": "Notes\nSketch",
        "position": {"title": "Professor", "organization": organization.pk},
        "urls_detailed": [{"type": "blog", "title": "Blog", "url": "https://ada.example/blog"}],
        "areas_of_expertise": [{"value": "Engines"}],
        **extra,
    }


def test_staff_creates_a_person_answered_as_the_read_api_shows_it(organization: Organization) -> None:
    staff = StaffUserFactory()
    before = ChangeLogEntry.objects.filter(object_type="person").count()
    response = _client(staff).post("/api/v1/people/", _body(organization, published=False), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(uuid=body["uuid"])
    assert person.published  # new people are published, as the incumbent does
    assert body["email"] is None
    assert body["position"]["title"] == "Professor"
    assert body["position"]["organization_uuid"] == str(organization.uuid)
    assert body["urls"]["blog"] == "https://ada.example/blog"
    assert [area["value"] for area in body["areas_of_expertise"]] == ["Engines"]
    assert body["works"] == ["Notes", "Sketch"]
    assert person.partner_id == organization.partner_id
    assert ChangeLogEntry.objects.filter(object_type="person").count() > before
    assert _client(None).get(f"/api/v1/people/{body['uuid']}/").json() == body


def test_member_creates_at_own_organization_only(
    member: User, organization: Organization, other_organization: Organization
) -> None:
    assert _client(member).post("/api/v1/people/", _body(organization), format="json").status_code == 201
    response = _client(member).post("/api/v1/people/", _body(other_organization), format="json")
    assert response.status_code == 403
    no_position = {"given_name": "Solo"}
    assert _client(member).post("/api/v1/people/", no_position, format="json").status_code == 403
    assert not Person.objects.filter(given_name="Solo").exists()


def test_anonymous_and_outsiders_may_not_write(organization: Organization, outsider: User) -> None:
    assert _client(None).post("/api/v1/people/", _body(organization), format="json").status_code == 401
    assert _client(outsider).post("/api/v1/people/", _body(organization), format="json").status_code == 403
    assert not Person.objects.exists()


def test_update_replaces_lists_and_keeps_what_is_not_sent(member: User, organization: Organization) -> None:
    created = _client(member).post("/api/v1/people/", _body(organization), format="json").json()
    network_id = created["urls_detailed"][0]["id"]
    url = f"/api/v1/people/{created['uuid']}/"
    patch = {
        "uuid": created["uuid"],
        "bio": "Mathematician.",
        "urls_detailed": [
            {"id": network_id, "type": "blog", "title": "Blog", "url": "https://ada.example/new"},
            {"type": "twitter", "url": "https://twitter.example/ada"},
        ],
        "areas_of_expertise": [],
    }
    response = _client(member).patch(url, patch, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bio"] == "Mathematician."
    assert body["family_name"] == "Lovelace"
    assert body["urls"] == {
        "facebook": None,
        "twitter": "https://twitter.example/ada",
        "blog": "https://ada.example/new",
    }
    assert body["urls_detailed"][0]["id"] == network_id
    assert body["areas_of_expertise"] == []
    assert body["position"]["title"] == "Professor"

    put = _client(member).put(url, {"given_name": "Augusta", "family_name": "King"}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["given_name"] == "Augusta"
    assert put.json()["bio"] == "Mathematician."


def test_update_permissions(member: User, organization: Organization, other_organization: Organization) -> None:
    staff = StaffUserFactory()
    theirs = _client(staff).post("/api/v1/people/", _body(other_organization), format="json").json()
    url = f"/api/v1/people/{theirs['uuid']}/"
    assert _client(member).patch(url, {"bio": "x"}, format="json").status_code == 403
    ours = _client(member).post("/api/v1/people/", _body(organization), format="json").json()
    moved = {"position": {"title": "Dean", "organization": other_organization.pk}}
    assert _client(member).patch(f"/api/v1/people/{ours['uuid']}/", moved, format="json").status_code == 403
    assert _client(staff).patch(url, {"bio": "x"}, format="json").json()["bio"] == "x"
    assert _client(staff).patch("/api/v1/people/not-a-uuid/", {"bio": "x"}, format="json").status_code == 404
    assert _client(staff).get("/api/v1/people/0.5/").status_code == 404
    refused = _client(staff).delete(url)
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD, OPTIONS, PATCH, PUT"
    assert _client(staff).patch("/api/v1/people/", {}, format="json")["Allow"] == "GET, HEAD, OPTIONS, POST"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "ada@example.com"}, "email"),
        ({"titel": "Dr"}, "titel"),
        ({"profile_image": "data:image/png;base64,AAAA"}, "profile_image"),
        ({"works": ["x"]}, "works"),
        ({"position": {"title": "x", "organization": 999999}}, "position"),
        ({"urls_detailed": [{"url": "not a url"}]}, "urls_detailed"),
        ({"salutation": "x" * 11}, "salutation"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(organization: Organization, extra: dict[str, Any], field: str) -> None:
    response = _client(StaffUserFactory()).post("/api/v1/people/", _body(organization, **extra), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Person.objects.exists()


def test_another_persons_network_id_is_refused(organization: Organization) -> None:
    client = _client(StaffUserFactory())
    first = client.post("/api/v1/people/", _body(organization), format="json").json()
    second = client.post("/api/v1/people/", _body(organization, given_name="Bob"), format="json").json()
    stolen = {"urls_detailed": [{"id": first["urls_detailed"][0]["id"], "url": "https://x.example/"}]}
    response = client.patch(f"/api/v1/people/{second['uuid']}/", stolen, format="json")
    assert response.status_code == 400
    assert "urls_detailed" in response.json()
    assert PersonSocialNetwork.objects.get(pk=first["urls_detailed"][0]["id"]).url == "https://ada.example/blog"
