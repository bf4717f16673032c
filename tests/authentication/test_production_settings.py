"""settings.production refuses to start with development or missing secrets, checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

REPO = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, settings.production as s; "
    "print(json.dumps({'auth': s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'], "
    "'cache': s.CACHES['default']['BACKEND'], 'jwt': s.JWT_AUTH['JWT_ISSUERS'][0]['SECRET_KEY'], "
    "'jwks': s.JWT_AUTH['JWT_PUBLIC_SIGNING_JWK_SET'], 'hsts': s.SECURE_HSTS_SECONDS, "
    "'secure_cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]}))"
)
# A real public key, so the set parses exactly as a deployment's would.
JWK_SET = json.dumps(
    {
        "keys": [
            {
                **json.loads(
                    RSAAlgorithm.to_jwk(rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())
                ),
                "kid": "k",
            }
        ]
    }
)


def start(**environment: str | None) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "a" * 40 + "-random-enough-for-the-length-check",
        "DATABASE_URL": "postgres://lyceum@127.0.0.1:5432/lyceum",
        "ALLOWED_HOSTS": "catalog.example.com",
        "JWT_SECRET_KEY": "the-lms-jwt-signing-secret-from-the-vault",
        "LYCEUM_SECRETS_KEY": "the-credentials-encryption-key-from-the-vault",
    }
    for name, value in environment.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def loaded(**environment: str | None) -> dict:
    result = start(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(**environment: str | None) -> str:
    result = start(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_a_complete_environment_starts_without_basic_auth_and_with_redis() -> None:
    started = loaded()
    assert started["auth"] == [
        "settings.authentication.tokens.VerifiedJwtAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    assert started["cache"] == "settings.cache.FailSoftRedisCache"
    assert started["jwt"] == "the-lms-jwt-signing-secret-from-the-vault"


def test_browsers_are_told_to_use_https_only_when_cookies_are_https_only() -> None:
    """HSTS: after one visit over HTTPS, a browser never sends the admin's login form over plain HTTP, where a
    network attacker could read or rewrite it. It goes with secure cookies, which already assume HTTPS."""
    assert loaded()["hsts"] == 365 * 24 * 3600
    assert loaded(LYCEUM_HSTS_SECONDS="600")["hsts"] == 600
    plain = loaded(LYCEUM_SECURE_COOKIES="0")
    assert plain["secure_cookies"] == [False, False] and plain["hsts"] == 0


def test_basic_auth_only_when_asked_for() -> None:
    assert loaded(LYCEUM_BASIC_AUTH="1")["auth"][-1] == "settings.authentication.basic.ThrottledBasicAuthentication"
    assert "settings.authentication.basic.ThrottledBasicAuthentication" not in loaded(LYCEUM_BASIC_AUTH="0")["auth"]


def test_lms_sign_in_with_key_secret_and_address_starts() -> None:
    result = start(
        SOCIAL_AUTH_EDX_OAUTH2_KEY="lyceum-sso",
        SOCIAL_AUTH_EDX_OAUTH2_SECRET="s3cret",
        SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT="https://lms.example.com",
    )
    assert result.returncode == 0, result.stderr


def test_a_jwk_set_alone_is_a_verification_key() -> None:
    started = loaded(JWT_SECRET_KEY=None, JWT_PUBLIC_SIGNING_JWK_SET=JWK_SET)
    assert started["jwt"] == "" and started["jwks"] == JWK_SET


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"JWT_SECRET_KEY": "lms-secret"}, "JWT_SECRET_KEY is the development secret"),
        ({"JWT_SECRET_KEY": None}, "No JWT verification key"),
        ({"JWT_SECRET_KEY": "short-hs256-secret"}, "JWT_SECRET_KEY is shorter than 32 bytes"),
        ({"JWT_SECRET_KEY": "x" * 31}, "JWT_SECRET_KEY is shorter than 32 bytes"),
        ({"JWT_SECRET_KEY": ""}, "No JWT verification key"),
        ({"JWT_PUBLIC_SIGNING_JWK_SET": "{not json"}, "JWT_PUBLIC_SIGNING_JWK_SET is not a usable JWK set"),
        ({"JWT_PUBLIC_SIGNING_JWK_SET": '{"keys": []}'}, "JWT_PUBLIC_SIGNING_JWK_SET is not a usable JWK set"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"LYCEUM_SECRETS_KEY": None}, "LYCEUM_SECRETS_KEY must be set"),
        ({"LYCEUM_SECRETS_KEY": "lyceum-development-secrets-key-not-a-secret"}, "LYCEUM_SECRETS_KEY must be set"),
        ({"LYCEUM_SECRETS_KEY": "the-credentials-encryption-key-from-the-vault,short"}, "LYCEUM_SECRETS_KEY must be"),
        (
            {"SOCIAL_AUTH_EDX_OAUTH2_KEY": "lyceum-sso", "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT": "https://lms.example.com"},
            "SOCIAL_AUTH_EDX_OAUTH2_SECRET is not",
        ),
        (
            {"SOCIAL_AUTH_EDX_OAUTH2_KEY": "lyceum-sso", "SOCIAL_AUTH_EDX_OAUTH2_SECRET": "s3cret"},
            "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT is not",
        ),
    ],
    ids=[
        "dev-jwt-secret",
        "no-jwt-key",
        "short-jwt-secret",
        "jwt-secret-one-byte-short",
        "empty-jwt-key",
        "bad-jwk-set",
        "empty-jwk-set",
        "no-hosts",
        "blank-hosts",
        "no-secret-key",
        "no-secrets-key",
        "development-secrets-key",
        "short-old-secrets-key",
        "lms-key-without-secret",
        "lms-key-without-address",
    ],
)
def test_unsafe_environments_are_refused(environment: dict[str, str | None], message: str) -> None:
    assert message in refused(**environment)


# Every secret in the repository is public: production refuses each one, wherever it is written.
SECRET_NAMES = ("SECRET_KEY", "JWT_SECRET_KEY", "LYCEUM_SECRETS_KEY", "SOCIAL_AUTH_EDX_OAUTH2_SECRET")
DOCKERFILE_SECRET_RE = re.compile(rf"\b({'|'.join(SECRET_NAMES)})=([^\s$\\\"']+)")


def test_the_test_settings_jwt_secret_is_refused() -> None:
    """The test settings' HS256 secret is long enough for the length check, and published here: anyone holding it
    could sign tokens for a deployment that copied it."""
    import settings.test

    committed = settings.test.JWT_AUTH["JWT_ISSUERS"][0]["SECRET_KEY"]
    assert "JWT_SECRET_KEY" in refused(JWT_SECRET_KEY=committed)


@pytest.mark.parametrize("name", ["JWT_SECRET_KEY", "SOCIAL_AUTH_EDX_OAUTH2_SECRET"])
def test_a_value_marked_as_public_is_refused_for_every_secret(name: str) -> None:
    environment = {
        "SOCIAL_AUTH_EDX_OAUTH2_KEY": "lyceum-sso",
        "SOCIAL_AUTH_EDX_OAUTH2_SECRET": "the-oauth2-application-secret-from-the-vault",
        "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT": "https://lms.example.com",
        name: "an-example-value-long-enough-but-not-a-secret-at-all",
    }
    assert name in refused(**environment)


def test_no_secret_written_in_the_dockerfile_starts_production() -> None:
    """The image's build step once ran collectstatic with fixed placeholder secrets, each one good enough for
    production's checks; they are generated at build time now, and any literal one must be refused."""
    written = DOCKERFILE_SECRET_RE.findall((REPO / "Dockerfile").read_text())
    accepted = [(name, value) for name, value in written if start(**{name: value}).returncode == 0]
    assert not accepted


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"LYCEUM_SEARCH_BACKEND": "solr"}, "LYCEUM_SEARCH_BACKEND is 'solr'"),
        ({"LYCEUM_SEARCH_BACKEND": "opensearch"}, "ELASTICSEARCH_URL is not set"),
        ({"LYCEUM_SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": ""}, "ELASTICSEARCH_URL is not set"),
    ],
)
def test_a_search_backend_it_cannot_reach_refuses_to_start(environment: dict[str, str], message: str) -> None:
    result = start(**environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_cluster_backend_with_its_address_starts() -> None:
    loaded(LYCEUM_SEARCH_BACKEND="opensearch", ELASTICSEARCH_URL="http://search.internal:9200")
