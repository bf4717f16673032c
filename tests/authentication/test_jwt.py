"""JWTs are accepted only when verified against a configured key (ADR 0070), over real HTTP requests."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import override_settings
from edx_rest_framework_extensions.auth.jwt import decoder as edx_decoder
from jwt.algorithms import RSAAlgorithm
from rest_framework.test import APIClient
from rest_framework_jwt.settings import api_settings

from settings.authentication import tokens

ROLES_URL = "/api/v1/publisher-roles/"
# Long enough that PyJWT does not warn about the key length even for HS512 (64 bytes); the tests set it as the
# configured secret.
SECRET = "a-test-secret-long-enough-for-every-hmac-algorithm-pyjwt-knows-" * 2


def claims(**overrides: Any) -> dict[str, Any]:
    issuer = settings.JWT_AUTH["JWT_ISSUERS"][0]
    now = int(time.time())
    payload = {
        "iss": issuer["ISSUER"],
        "aud": issuer["AUDIENCE"],
        "preferred_username": "mallory",
        "email": "mallory@example.com",
        "administrator": True,  # maps onto is_staff: a forged token that is accepted makes staff
        "iat": now,
        "exp": now + 600,
        "version": "1.2.0",
    }
    payload.update(overrides)
    return payload


def jwt_settings(*, secret: str = SECRET, jwk_set: str | None = None) -> dict[str, Any]:
    configured = copy.deepcopy(settings.JWT_AUTH)
    configured["JWT_ISSUERS"][0]["SECRET_KEY"] = secret
    configured["JWT_PUBLIC_SIGNING_JWK_SET"] = jwk_set
    return configured


def get_roles(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
    return client.get(ROLES_URL).status_code


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_set_of(*private_keys: rsa.RSAPrivateKey) -> str:
    keys = []
    for number, private_key in enumerate(private_keys):
        jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
        jwk.update({"kid": f"key-{number}", "use": "sig", "alg": "RS256"})
        keys.append(jwk)
    return json.dumps({"keys": keys})


@pytest.fixture
def hs256(db: None) -> Any:
    with override_settings(JWT_AUTH=jwt_settings()):
        yield


def test_unsigned_token_is_refused(hs256: None) -> None:
    assert get_roles(jwt.encode(claims(), key="", algorithm="none")) == 401


def test_token_signed_with_another_secret_is_refused(hs256: None) -> None:
    assert get_roles(jwt.encode(claims(), "another-secret-also-more-than-32-bytes", algorithm="HS256")) == 401


def test_token_signed_with_the_configured_secret_is_accepted(hs256: None) -> None:
    assert get_roles(jwt.encode(claims(), SECRET, algorithm="HS256")) == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"iss": "https://someone-else.example.com/oauth2"},
        {"aud": "another-audience"},
    ],
    ids=["expired", "wrong-issuer", "wrong-audience"],
)
def test_token_with_bad_claims_is_refused(hs256: None, overrides: dict[str, Any]) -> None:
    assert get_roles(jwt.encode(claims(**overrides), SECRET, algorithm="HS256")) == 401


def test_token_with_an_algorithm_the_secret_is_not_for_is_refused(hs256: None) -> None:
    assert get_roles(jwt.encode(claims(), SECRET, algorithm="HS512")) == 401


def test_rs256_token_is_verified_against_the_jwk_set(db: None) -> None:
    signing_key, other_key = rsa_key(), rsa_key()
    with override_settings(JWT_AUTH=jwt_settings(secret="", jwk_set=jwk_set_of(signing_key))):
        assert get_roles(jwt.encode(claims(), signing_key, algorithm="RS256", headers={"kid": "key-0"})) == 200
        assert get_roles(jwt.encode(claims(), signing_key, algorithm="RS256")) == 200  # no kid: try each key
        assert get_roles(jwt.encode(claims(), other_key, algorithm="RS256", headers={"kid": "key-0"})) == 401
        assert get_roles(jwt.encode(claims(), other_key, algorithm="RS256")) == 401
        # With no symmetric secret configured, no HS256 token can be verified.
        assert get_roles(jwt.encode(claims(), SECRET, algorithm="HS256")) == 401
        assert get_roles(jwt.encode(claims(), key="", algorithm="none")) == 401


def test_rs256_token_without_a_jwk_set_is_refused(hs256: None) -> None:
    assert get_roles(jwt.encode(claims(), rsa_key(), algorithm="RS256")) == 401


def test_a_valid_token_of_a_deactivated_user_is_refused(hs256: None) -> None:
    """Deactivating an account here revokes API access at once, as it does for session and Basic sign-in."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create(username="mallory", email="mallory@example.com", is_active=False)
    response = APIClient(HTTP_AUTHORIZATION=f"JWT {jwt.encode(claims(), SECRET, algorithm='HS256')}").get(ROLES_URL)
    assert response.status_code == 401
    assert "mallory" not in response.content.decode()  # the refusal names no account


@pytest.mark.parametrize("former", [{"is_staff": True, "is_superuser": True}, {"is_superuser": True}], ids=str)
def test_the_lms_revoking_superuser_revokes_it_here_on_the_next_token(hs256: None, former: dict[str, bool]) -> None:
    """The LMS decides who is staff or superuser (ADR 0160); a JWT's ``superuser`` claim counts like ``administrator``.

    A superuser of the LMS who once signed in to the admin through it kept ``is_superuser`` here after the LMS
    took it away: the token's ``administrator: false`` cleared ``is_staff``, and ``is_superuser`` alone still
    gave staff powers over the API (managing Publisher roles, every catalog, replacing usernames).
    """
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="mallory", email="mallory@example.com", **former)
    token = jwt.encode(claims(administrator=False, superuser=False), SECRET, algorithm="HS256")
    response = APIClient(HTTP_AUTHORIZATION=f"JWT {token}").post(ROLES_URL, {}, format="json")
    assert response.status_code == 403
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_the_lms_granting_superuser_grants_it_here(hs256: None) -> None:
    from django.contrib.auth import get_user_model

    get_roles(jwt.encode(claims(administrator=True, superuser=True), SECRET, algorithm="HS256"))
    user = get_user_model().objects.get(username="mallory")
    assert (user.is_staff, user.is_superuser) == (True, True)


def test_forged_token_creates_no_user(hs256: None) -> None:
    from django.contrib.auth import get_user_model

    get_roles(jwt.encode(claims(preferred_username="forged"), key="", algorithm="none"))
    assert not get_user_model().objects.filter(username="forged").exists()


# --- the library behaviour this relies on ------------------------------------------------------


def test_drf_jwt_decodes_through_our_handler() -> None:
    """JwtAuthentication (via drf-jwt) and edx-rbac decode with JWT_DECODE_HANDLER: it must be ours."""
    assert api_settings.JWT_DECODE_HANDLER is tokens.jwt_decode_handler


def test_library_keyset_check_passes_with_no_keys() -> None:
    """Why the handler exists: edx-drf-extensions' key-set check accepts anything given no keys.

    If this starts failing, the library has fixed it; the handler stays as the stricter check (ADR 0070).
    """
    unsigned = jwt.encode(claims(), key="", algorithm="none")
    assert edx_decoder.verify_jwk_signature_using_keyset(unsigned, [], aud=claims()["aud"]) is None


def test_unusable_jwk_set_verifies_no_rs256_token(db: None) -> None:
    # (Production refuses to start with such a set; the library's own handler fails on it with a 500.)
    with override_settings(JWT_AUTH=jwt_settings(jwk_set="{not a jwk set")):
        assert get_roles(jwt.encode(claims(), rsa_key(), algorithm="RS256")) == 401
