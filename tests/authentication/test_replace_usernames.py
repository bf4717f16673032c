"""POST replace_usernames/: the LMS's username replacement."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/replace_usernames/"


def _post(user: User | None, body: Any) -> Any:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.post(URL, body, format="json")


@override_settings(USERNAME_REPLACEMENT_WORKER="lms_worker")
def test_the_worker_replaces_usernames_and_reports_each_pair() -> None:
    worker = UserFactory(username="lms_worker")
    UserFactory(username="alice")
    UserFactory(username="bob")
    UserFactory(username="carol")
    mappings = [{"alice": "alice2"}, {"bob": "carol"}, {"nobody": "someone"}, {"carol": "x" * 151}]
    response = _post(worker, {"username_mappings": mappings})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "successful_replacements": [{"alice": "alice2"}, {"nobody": "someone"}],
        "failed_replacements": [{"bob": "carol"}, {"carol": "x" * 151}],
    }
    assert set(User.objects.values_list("username", flat=True)) == {"lms_worker", "alice2", "bob", "carol"}


def test_staff_may_call_it_and_an_empty_list_is_fine() -> None:
    response = _post(StaffUserFactory(), {"username_mappings": []})
    assert response.status_code == 200
    assert response.json() == {"successful_replacements": [], "failed_replacements": []}


@override_settings(USERNAME_REPLACEMENT_WORKER="lms_worker")
def test_others_may_not() -> None:
    UserFactory(username="alice")
    body = {"username_mappings": [{"alice": "mallory"}]}
    assert _post(None, body).status_code == 401
    assert _post(UserFactory(username="someone"), body).status_code == 403
    assert User.objects.filter(username="alice").exists()


@override_settings(USERNAME_REPLACEMENT_WORKER="")
def test_no_worker_configured_means_no_user_named_empty_is_the_worker() -> None:
    assert _post(UserFactory(username="plain"), {"username_mappings": []}).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username_mappings": "alice"},
        {"username_mappings": [{"a": "b", "c": "d"}]},
        {"username_mappings": [{}]},
        {"username_mappings": [["a", "b"]]},
        {"username_mappings": [{"a": 1}]},
        {"username_mappings": [], "extra": 1},
        ["not", "an", "object"],
    ],
)
def test_bad_bodies_are_400(body: Any) -> None:
    UserFactory(username="a")
    response = _post(StaffUserFactory(), body)
    assert response.status_code == 400, response.content
    assert User.objects.filter(username="a").exists()
