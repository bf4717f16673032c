"""HTTP Basic: failed logins throttled per client and per user name, verified credentials remembered briefly."""

from __future__ import annotations

import base64
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from settings.authentication.throttle import client_address, client_scope
from settings.base import cache_config
from tests.factories import StaffUserFactory

URL = "/api/v1/publisher-roles/"  # staff only: a 200 proves the Basic login worked
LIMIT = 3


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting every hash it computes (verifying a password or hashing a new one)."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def throttle_settings() -> Iterator[None]:
    hashers = ["tests.authentication.test_basic.CountingHasher"]
    with override_settings(LYCEUM_AUTH_FAILURE_LIMIT=LIMIT, LYCEUM_AUTH_FAILURE_WINDOW=120, PASSWORD_HASHERS=hashers):
        yield


def staff(username: str, password: str = "right-password") -> User:
    user = StaffUserFactory.create(username=username)
    user.set_password(password)
    user.save()
    return user


def basic(username: str, password: str, address: str = "10.0.0.1", **headers: Any) -> Any:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return APIClient().get(URL, HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR=address, **headers)


def hashes_during(action: Any) -> int:
    before = CountingHasher.calls
    action()
    return CountingHasher.calls - before


def test_correct_password_succeeds_before_the_limit(db: None) -> None:
    staff("alice")
    for _ in range(LIMIT - 1):
        assert basic("alice", "wrong").status_code == 401
    assert basic("alice", "right-password").status_code == 200


def test_after_the_limit_even_the_right_password_is_refused_without_hashing(db: None) -> None:
    staff("alice")
    for _ in range(LIMIT):
        assert basic("alice", "wrong").status_code == 401
    responses: list[Any] = []
    spent = hashes_during(lambda: responses.extend([basic("alice", "right-password"), basic("alice", "wrong")]))
    assert spent == 0
    for response in responses:
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 120
        assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_throttled_per_client_and_per_user_name(db: None) -> None:
    staff("alice")
    staff("bob")
    staff("carol")
    for _ in range(LIMIT):
        basic("alice", "wrong", address="10.0.0.1")
    assert basic("bob", "right-password", address="10.0.0.2").status_code == 200  # another user, another client
    assert basic("carol", "right-password", address="10.0.0.1").status_code == 429  # same client
    assert basic("alice", "right-password", address="10.0.0.3").status_code == 429  # same user name


def test_unknown_user_names_count_against_the_client(db: None) -> None:
    staff("bob")
    for number in range(LIMIT):
        assert basic(f"nobody{number}", "guess").status_code == 401
    assert basic("bob", "right-password").status_code == 429


def test_an_ipv6_client_is_counted_by_its_slash_64(db: None) -> None:
    """One IPv6 subscriber holds a whole /64 (2^64 addresses): counting each address apart let a client spray
    passwords across user names unthrottled, a fresh address per guess."""
    staff("bob")
    for number in range(LIMIT):
        assert basic(f"nobody{number}", "guess", address=f"2001:db8:1:2::{number + 1:x}").status_code == 401
    assert basic("bob", "right-password", address="2001:db8:1:2:ffff::1").status_code == 429  # same /64
    assert basic("bob", "right-password", address="2001:db8:1:3::1").status_code == 200  # the next /64


def test_client_scopes() -> None:
    assert client_scope("10.0.0.1") == "10.0.0.1"
    assert client_scope("2001:db8:1:2:abcd::7") == "2001:db8:1:2::/64"
    assert client_scope("::ffff:192.0.2.7") == "192.0.2.7"  # an IPv4 client seen through a dual-stack socket
    assert client_scope("unknown") == "unknown"


def test_forwarded_for_is_not_trusted_by_default(db: None) -> None:
    staff("bob")
    for number in range(LIMIT):
        basic(f"nobody{number}", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert basic("bob", "right-password", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_client_address_with_trusted_proxies() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.8")
    assert client_address(request) == "10.0.0.9"
    with override_settings(LYCEUM_TRUSTED_PROXY_COUNT=1):
        assert client_address(request) == "10.0.0.8"
    with override_settings(LYCEUM_TRUSTED_PROXY_COUNT=2):
        assert client_address(request) == "203.0.113.5"  # the spoofed first entry is never used
    with override_settings(LYCEUM_TRUSTED_PROXY_COUNT=5):
        assert client_address(request) == "10.0.0.9"


def test_verified_credentials_are_remembered_without_rehashing(db: None) -> None:
    staff("alice")
    assert hashes_during(lambda: basic("alice", "right-password")) == 1
    spent = hashes_during(lambda: [basic("alice", "right-password") for _ in range(3)])
    assert spent == 0
    assert basic("alice", "right-password").status_code == 200
    # Remembering one password does not make another one pass.
    assert basic("alice", "wrong").status_code == 401


def test_password_change_retires_remembered_credentials(db: None) -> None:
    user = staff("alice")
    assert basic("alice", "right-password").status_code == 200
    user.set_password("new-password")
    user.save()
    assert basic("alice", "right-password").status_code == 401
    assert basic("alice", "new-password").status_code == 200


def test_deactivated_user_is_refused_despite_remembered_credentials(db: None) -> None:
    user = staff("alice")
    assert basic("alice", "right-password").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert basic("alice", "right-password").status_code == 401


def test_cache_stores_no_password(db: None) -> None:
    from django.core.cache import cache

    staff("alice")
    basic("alice", "right-password")
    basic("alice", "wrong")
    stored = repr(list(cache._cache.items()))  # type: ignore[attr-defined]  # keys and pickled values
    assert "basic-verified" in stored and "auth-failures" in stored
    assert "right-password" not in stored and "wrong" not in stored and "alice" not in stored


def test_unreachable_cache_neither_blocks_nor_breaks_logins(db: None) -> None:
    staff("alice")
    with override_settings(CACHES={"default": cache_config("redis://127.0.0.1:1/0")}):
        for _ in range(LIMIT + 1):
            assert basic("alice", "wrong").status_code == 401
        assert basic("alice", "right-password").status_code == 200


# --- password logins through the forms ----------------------------------------------------------


@pytest.mark.parametrize("login_url", ["/admin/login/", "/api-auth/login/"])
def test_form_logins_are_throttled_too(db: None, login_url: str) -> None:
    staff("alice")
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    for _ in range(LIMIT):
        client.post(login_url, {"username": "alice", "password": "wrong"})
        assert "_auth_user_id" not in client.session
    spent = hashes_during(lambda: client.post(login_url, {"username": "alice", "password": "right-password"}))
    assert spent == 0
    assert "_auth_user_id" not in client.session
    # The same user name over Basic is throttled as well: one count per user name, whatever the door.
    assert basic("alice", "right-password", address="10.0.0.8").status_code == 429


def test_form_login_works_before_the_limit(db: None) -> None:
    staff("alice")
    client = APIClient()
    client.post("/admin/login/", {"username": "alice", "password": "wrong"})
    client.post("/admin/login/", {"username": "alice", "password": "right-password"})
    assert client.session["_auth_user_id"] == str(User.objects.get(username="alice").pk)


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_throttling_and_remembered_logins_on_redis(db: None) -> None:
    """The production cache: counts, blocks and remembered logins shared through Redis."""
    redis_cache = {**cache_config("redis://127.0.0.1:6379/15"), "KEY_PREFIX": f"lyceum-test-{uuid.uuid4()}"}
    staff("alice")
    with override_settings(CACHES={"default": redis_cache}):
        assert hashes_during(lambda: basic("alice", "right-password", address="10.1.0.1")) == 1
        assert hashes_during(lambda: basic("alice", "right-password", address="10.1.0.1")) == 0
        for _ in range(LIMIT):
            assert basic("nobody", "guess", address="10.1.0.2").status_code == 401
        refused = basic("alice", "right-password", address="10.1.0.2")
        assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 120
        assert basic("alice", "right-password", address="10.1.0.3").status_code == 200
