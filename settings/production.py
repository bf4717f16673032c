"""Production settings: everything comes from the environment, and a real SECRET_KEY is required."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from settings.base import *  # noqa: F403
from settings.base import env_bool, env_list

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 32 or "not-a-secret" in SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production, e.g. postgres://user:pass@host:5432/lyceum.")

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DATABASES = {"default": dj_database_url.config(conn_max_age=600, conn_health_checks=True)}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0")
SESSION_COOKIE_SECURE = env_bool("LYCEUM_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LYCEUM_DEMO_ADMIN_ALLOWED = False
