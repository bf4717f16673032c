"""Test settings: PostgreSQL when one is reachable, SQLite otherwise; tasks run eagerly.

Tests take the same indexing and change-log code paths as production: only the task queue is eager.
"""

import os
import socket
from urllib.parse import urlparse

import dj_database_url

from settings.base import *  # noqa: F403

DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return True
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=1):
            return True
    except OSError:
        return False


_database_url = os.environ.get("DATABASE_URL") or DEFAULT_TEST_DATABASE_URL
if not _reachable(_database_url):
    _database_url = "sqlite://:memory:"
DATABASES = {"default": dj_database_url.parse(_database_url)}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Tests never need a commit to survive a crash; not waiting for the disk makes them much faster.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"

SECRET_KEY = "lyceum-test-settings"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
LYCEUM_DEMO_ADMIN_ALLOWED = True

# Tests sign HS256 tokens with this secret: as long as production requires (32 bytes), so PyJWT never warns
# about a short key and a test cannot pass only because the secret is weak.
JWT_AUTH["JWT_ISSUERS"][0]["SECRET_KEY"] = "lyceum-test-jwt-signing-secret-32-bytes-not-a-secret"
