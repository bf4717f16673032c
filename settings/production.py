"""Production settings: everything comes from the environment; start-up refuses unsafe or missing secrets."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from settings.base import *  # noqa: F403
from settings.base import (
    JWT_AUTH,
    PUBLIC_VALUE_MARKER,
    REST_FRAMEWORK,
    cache_config,
    env_bool,
    env_list,
    rest_authentication_classes,
)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 32 or PUBLIC_VALUE_MARKER in SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production, e.g. postgres://user:pass@host:5432/lyceum.")

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production: the comma-separated host names Lyceum serves.")

# JWTs: no development secret, and at least one verification key (ADR 0070). The secret has no default
# here, so a deployment that verifies only RS256 tokens sets JWT_PUBLIC_SIGNING_JWK_SET alone.
DEVELOPMENT_JWT_SECRET = "lms-secret"
JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", "")
JWT_PUBLIC_SIGNING_JWK_SET = os.environ.get("JWT_PUBLIC_SIGNING_JWK_SET", "")
if JWT_SECRET_KEY == DEVELOPMENT_JWT_SECRET:
    raise ImproperlyConfigured(
        "JWT_SECRET_KEY is the development secret 'lms-secret'; set it to the LMS's JWT signing secret, "
        "or leave it empty and set JWT_PUBLIC_SIGNING_JWK_SET."
    )
if PUBLIC_VALUE_MARKER in JWT_SECRET_KEY:
    raise ImproperlyConfigured(
        f"JWT_SECRET_KEY contains {PUBLIC_VALUE_MARKER!r}: it is a value published with Lyceum (test settings, "
        "examples), so anyone could sign tokens with it. Set it to the LMS's JWT signing secret."
    )
# HS256 with a short secret can be brute-forced offline from any one token; RFC 7518 asks for a key at least as
# long as the hash (32 bytes), and PyJWT warns below that.
JWT_SECRET_MIN_BYTES = 32
if JWT_SECRET_KEY and len(JWT_SECRET_KEY.encode()) < JWT_SECRET_MIN_BYTES:
    raise ImproperlyConfigured(
        f"JWT_SECRET_KEY is shorter than {JWT_SECRET_MIN_BYTES} bytes; an HS256 secret that short can be guessed from "
        "a single token. Use the LMS's full signing secret, or verify RS256 tokens with JWT_PUBLIC_SIGNING_JWK_SET."
    )
if not JWT_SECRET_KEY and not JWT_PUBLIC_SIGNING_JWK_SET:
    raise ImproperlyConfigured(
        "No JWT verification key: set JWT_SECRET_KEY (the LMS's HS256 secret) and/or "
        "JWT_PUBLIC_SIGNING_JWK_SET (the LMS's public JWK set, JSON)."
    )
if JWT_PUBLIC_SIGNING_JWK_SET:
    from jwt import PyJWKSet, PyJWKSetError

    try:
        PyJWKSet.from_json(JWT_PUBLIC_SIGNING_JWK_SET)
    except (PyJWKSetError, ValueError) as error:
        raise ImproperlyConfigured(f"JWT_PUBLIC_SIGNING_JWK_SET is not a usable JWK set: {error}") from error
JWT_AUTH["JWT_ISSUERS"][0]["SECRET_KEY"] = JWT_SECRET_KEY
JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] = JWT_PUBLIC_SIGNING_JWK_SET or None

# Stored credentials are encrypted (ADR 0072): a real key, never the development one.
LYCEUM_SECRETS_KEYS = env_list("LYCEUM_SECRETS_KEY")
if not LYCEUM_SECRETS_KEYS or any(len(key) < 32 or PUBLIC_VALUE_MARKER in key for key in LYCEUM_SECRETS_KEYS):
    raise ImproperlyConfigured(
        "LYCEUM_SECRETS_KEY must be set in production to random keys of at least 32 characters (comma-separated, "
        "newest first); it encrypts stored LMS credentials. For example: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

# Sign-in through the LMS (ADR 0160): a configured application needs its secret; callbacks are https://.
SOCIAL_AUTH_EDX_OAUTH2_KEY = os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_KEY", "")
SOCIAL_AUTH_EDX_OAUTH2_SECRET = os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_SECRET", "")
if SOCIAL_AUTH_EDX_OAUTH2_KEY and not SOCIAL_AUTH_EDX_OAUTH2_SECRET:
    raise ImproperlyConfigured(
        "SOCIAL_AUTH_EDX_OAUTH2_KEY is set but SOCIAL_AUTH_EDX_OAUTH2_SECRET is not: set the secret of Lyceum's "
        "OAuth2 application in the LMS, or unset the key to sign in with local accounts only."
    )
if PUBLIC_VALUE_MARKER in SOCIAL_AUTH_EDX_OAUTH2_SECRET:
    raise ImproperlyConfigured(
        f"SOCIAL_AUTH_EDX_OAUTH2_SECRET contains {PUBLIC_VALUE_MARKER!r}: it is a published example value; set the "
        "secret of Lyceum's OAuth2 application in the LMS."
    )
if SOCIAL_AUTH_EDX_OAUTH2_KEY and not os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT"):
    raise ImproperlyConfigured(
        "SOCIAL_AUTH_EDX_OAUTH2_KEY is set but SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT is not: set the LMS's address "
        "(e.g. https://lms.example.com)."
    )
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env_bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", default=True)

# HTTP Basic hashes a password per request: off unless a deployment asks for it (ADR 0070).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = rest_authentication_classes(
    basic=env_bool("LYCEUM_BASIC_AUTH", default=False)
)
# Shared by every worker, so failed-login counts and verified logins hold across processes.
CACHES = {"default": cache_config(os.environ.get("LYCEUM_CACHE_URL", "redis://redis:6379/1"))}
DATABASES = {"default": dj_database_url.config(conn_max_age=600, conn_health_checks=True)}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0")
SESSION_COOKIE_SECURE = env_bool("LYCEUM_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HSTS (ADR 0075): a browser that has seen the site over HTTPS never goes back to plain HTTP, where the admin's login
# form could be read or rewritten. Django adds the header to HTTPS answers only, so behind a TLS-terminating proxy
# gunicorn must trust the proxy's X-Forwarded-Proto (FORWARDED_ALLOW_IPS). Subdomains are left to their own sites.
SECURE_HSTS_SECONDS = int(os.environ.get("LYCEUM_HSTS_SECONDS", str(365 * 24 * 3600) if SESSION_COOKIE_SECURE else "0"))
LYCEUM_DEMO_ADMIN_ALLOWED = False
