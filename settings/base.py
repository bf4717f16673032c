"""Settings shared by every environment; the environment modules override what differs."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LYCEUM_VAR_DIR", BASE_DIR / "var"))


# Every secret-shaped value written in this repository (development and test settings, examples) contains this
# marker, and production refuses any secret that does (ADR 0075): a value anyone can read never signs or decrypts.
PUBLIC_VALUE_MARKER = "not-a-secret"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    # Lyceum's admin: its templates and styles (listed first so they override the admin's), and the admin
    # itself with Lyceum's site in place of the default one.
    "lyceum_admin",
    "lyceum_admin.apps.LyceumAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's scripts and styles as static files, so /api-docs/ works without internet access.
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "sortedm2m",
    "taggit",
    "waffle",
    "social_django",
    # Lyceum
    "course_metadata",
    "publisher_api",
    "catalog",
    "search",
    # Before openedx_events: its signals must be registered when openedx_events checks EVENT_BUS_PRODUCER_CONFIG,
    # and its `consume_events` command replaces the library's.
    "eventbus",
    "openedx_events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The request's language (Accept-Language) for API errors and the admin, where a catalog exists.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "waffle.middleware.WaffleMiddleware",
    # A failed LMS sign-in (state mismatch, refused token) goes back to the login page with a message.
    "social_django.middleware.SocialAuthExceptionMiddleware",
]

ROOT_URLCONF = "settings.urls"
WSGI_APPLICATION = "settings.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates: the admin login page's "Sign in with <LMS>" link.
        "DIRS": [BASE_DIR / "settings" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "settings.authentication.lms.sign_in_context",
            ],
        },
    },
]

# Database sessions, read with a compiled query (ADR 0042).
SESSION_ENGINE = "settings.sessions"

# Sign-in through the LMS (OAuth2, ADR 0160) and Django's model backend with failed-login throttling
# (ADR 0070): every password login goes through the latter.
AUTHENTICATION_BACKENDS = [
    "settings.authentication.lms.LmsOAuth2",
    "settings.authentication.backends.ThrottledModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Languages a request may ask for (Accept-Language); catalogs live in each app's locale/ (`make messages`).
LANGUAGES = [("en", "English"), ("es", "Español")]
# The apps' catalogs are found in each app's locale/; this one holds the project-level strings (sign-in).
LOCALE_PATHS = [BASE_DIR / "settings" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates shown as 2026-07-01 16:00 (the admin's lists and pages), see lyceum_admin/formats.
FORMAT_MODULE_PATH = ["lyceum_admin.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in through the LMS (ADR 0160) ---------------------------------------------------------
# The OAuth2 application registered in the LMS for Lyceum. Sign-in through the LMS is offered when a key
# is set; production then requires the secret too.
SOCIAL_AUTH_EDX_OAUTH2_KEY = os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_KEY", "")
SOCIAL_AUTH_EDX_OAUTH2_SECRET = os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_SECRET", "")
# The LMS as Lyceum reaches it (token exchange), and as browsers do (authorize page, logout), if different.
SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT", "http://localhost:18000")
SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = os.environ.get("SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT", "")
SOCIAL_AUTH_STRATEGY = "auth_backends.strategies.EdxDjangoStrategy"
# The pipeline of edx-auth-backends' strategy (an LMS username finds the existing user of that name, the
# e-mail address follows the LMS's), then the staff flags from the LMS's claims.
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "auth_backends.pipeline.get_user_if_exists",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
    "auth_backends.pipeline.update_email",
    "settings.authentication.lms.sync_staff_flags",
)
# Failures are shown on the login page (SocialAuthExceptionMiddleware) instead of a server error.
SOCIAL_AUTH_RAISE_EXCEPTIONS = False
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/admin/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/admin/login/"
# The callback address given to the LMS is https:// unless this is off (a local LMS over plain HTTP).
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env_bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", default=False)
# What the login page calls the LMS: "Sign in with <name>".
LYCEUM_LMS_NAME = os.environ.get("LYCEUM_LMS_NAME", "the LMS")
# The LMS's service user that replaces usernames across services (POST /api/v1/replace_usernames/).
USERNAME_REPLACEMENT_WORKER = os.environ.get("USERNAME_REPLACEMENT_WORKER", "")

# --- REST framework -------------------------------------------------------------------------


def rest_authentication_classes(*, basic: bool) -> list[str]:
    """JWT (verified against a configured key), session, and HTTP Basic when ``basic`` (ADR 0070)."""
    classes = [
        "settings.authentication.tokens.VerifiedJwtAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    if basic:
        classes.append("settings.authentication.basic.ThrottledBasicAuthentication")
    return classes


# Basic auth is on here and in local/test; production turns it off unless LYCEUM_BASIC_AUTH=1.
REST_AUTHENTICATION_CLASSES = rest_authentication_classes(basic=env_bool("LYCEUM_BASIC_AUTH", default=True))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": REST_AUTHENTICATION_CLASSES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "course_metadata.api.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "course_metadata.api.schema.LyceumAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "course_metadata.api.pagination.PageOrLimitPagination",
    "PAGE_SIZE": 20,
    # Throttling is off unless a rate is configured (LYCEUM_USER_THROTTLE_RATE=1000/hour).
    "DEFAULT_THROTTLE_CLASSES": (
        ["rest_framework.throttling.UserRateThrottle"] if os.environ.get("LYCEUM_USER_THROTTLE_RATE") else []
    ),
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("LYCEUM_USER_THROTTLE_RATE")},
    # Bad bodies are 4xx JSON answers: nesting limit, 413 for oversized bodies, database constraints named.
    "DEFAULT_PARSER_CLASSES": [
        "course_metadata.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "course_metadata.api.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "course_metadata.api.errors.exception_handler",
}
# Largest request body (bytes) an API endpoint reads, Django's default of 2.5 MB; larger ones get a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("LYCEUM_MAX_BODY_BYTES", 2_621_440))
# The catalog diff takes a client's whole key set (100,000 keys are about 4 MB): its own, larger limit.
LYCEUM_LARGE_BODY_MAX_BYTES = int(os.environ.get("LYCEUM_LARGE_BODY_MAX_BYTES", 32 * 1024 * 1024))
API_MAX_PAGE_SIZE = 500

SPECTACULAR_SETTINGS = {
    "TITLE": "Lyceum API",
    "DESCRIPTION": "Course, course run, program and catalog metadata for an online-learning platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the pinned drf-spectacular-sidecar package, served as our own static files: the
    # default loads it from a CDN at @latest, which shows a blank page offline and changes under us.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies get their own components, so read-only fields are not offered as input.
    "COMPONENT_SPLIT_REQUEST": True,
    # Publisher's writes share the read API's paths through a dispatcher the generator cannot see into.
    "PREPROCESSING_HOOKS": ["publisher_api.api.schema.add_publisher_writes"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "course_metadata.api.schema.drop_uri_format_from_answers",
    ],
}

# JWTs are issued by the LMS; these defaults match a development LMS and are overridden in production.
JWT_AUTH: dict[str, Any] = {
    "JWT_ISSUERS": [
        {
            "AUDIENCE": os.environ.get("JWT_AUDIENCE", "lms-key"),
            "ISSUER": os.environ.get("JWT_ISSUER", "http://localhost:18000/oauth2"),
            "SECRET_KEY": os.environ.get("JWT_SECRET_KEY", "lms-secret"),
        }
    ],
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_SUPPORTED_VERSION": "1.2.0",
    "JWT_AUTH_COOKIE": "edx-jwt-cookie",
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_PUBLIC_SIGNING_JWK_SET": os.environ.get("JWT_PUBLIC_SIGNING_JWK_SET"),
}

# The user fields a verified JWT sets on every request (edx-drf-extensions reads this from EDX_DRF_EXTENSIONS, not
# JWT_AUTH). The LMS decides who is staff and who is superuser, granting and revoking alike, as on the admin's
# sign-in through it (ADR 0160): without ``superuser`` here a superuser of the LMS kept the flag after the LMS took it
# away, and with it staff powers over the API (ADR 0075). An absent claim changes nothing.
EDX_DRF_EXTENSIONS: dict[str, Any] = {
    "JWT_PAYLOAD_USER_ATTRIBUTE_MAPPING": {
        "administrator": "is_staff",
        "superuser": "is_superuser",
        "email": "email",
    },
}

# --- Cache and failed-login throttling (ADR 0070) --------------------------------------------


def cache_config(url: str) -> dict:
    """Redis at ``url``, or this process's memory when no URL is given (the embedded default, tests)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lyceum"}
    # Short timeouts, and an unreachable Redis reads as an empty cache: everything in it can be recomputed
    # (authentication shortcuts, waffle's copies of its switches), so an outage never fails a request (ADR 0075).
    return {
        "BACKEND": "settings.cache.FailSoftRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


CACHES = {"default": cache_config(os.environ.get("LYCEUM_CACHE_URL", ""))}
LYCEUM_AUTH_CACHE = "default"
# After LYCEUM_AUTH_FAILURE_LIMIT failed logins within LYCEUM_AUTH_FAILURE_WINDOW seconds, from one client
# or for one user name, further attempts get 429 (Basic) or a refused login until the window has passed.
LYCEUM_AUTH_FAILURE_LIMIT = int(os.environ.get("LYCEUM_AUTH_FAILURE_LIMIT", "10"))
LYCEUM_AUTH_FAILURE_WINDOW = int(os.environ.get("LYCEUM_AUTH_FAILURE_WINDOW", "300"))
# Proxies in front of the app that append to X-Forwarded-For; 0 means the client is REMOTE_ADDR.
LYCEUM_TRUSTED_PROXY_COUNT = int(os.environ.get("LYCEUM_TRUSTED_PROXY_COUNT", "0"))
# How long a verified Basic-auth login is remembered (a keyed digest, never the password); 0 turns it off.
LYCEUM_BASIC_AUTH_CACHE_SECONDS = int(os.environ.get("LYCEUM_BASIC_AUTH_CACHE_SECONDS", "60"))

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "drain-change-log": {
        "task": "course_metadata.tasks.process_change_log",
        "schedule": timedelta(minutes=1),
    },
    "publish-runs-past-go-live": {
        "task": "course_metadata.tasks.publish_due_course_runs",
        "schedule": crontab(minute="*/5"),
    },
    # LMS and e-commerce, every partner; the incumbent ran it a few times a day. Skipped while one still runs.
    "refresh-course-metadata": {
        "task": "course_metadata.tasks.refresh_course_metadata",
        "schedule": crontab(minute=15, hour="*/4"),
    },
}

# --- Loaders (refresh_course_metadata, import_from_discovery) ---------------------------------
# Encrypts stored credentials (a partner's OAuth2 client secret, ADR 0072): comma-separated, the first key
# encrypts and every one decrypts (rotation). Production refuses this development value.
DEVELOPMENT_SECRETS_KEY = f"lyceum-development-secrets-key-{PUBLIC_VALUE_MARKER}"
LYCEUM_SECRETS_KEYS = env_list("LYCEUM_SECRETS_KEY") or [DEVELOPMENT_SECRETS_KEY]
# Seconds before a request to the LMS, e-commerce or course-discovery is given up; attempts per request
# (retried on timeouts, connection errors, 5xx, 429 and bodies that are not JSON); seconds before the
# second attempt, doubled for each further one.
LOADER_HTTP_TIMEOUT = float(os.environ.get("LOADER_HTTP_TIMEOUT", "30"))
LOADER_HTTP_ATTEMPTS = int(os.environ.get("LOADER_HTTP_ATTEMPTS", "4"))
LOADER_HTTP_BACKOFF = float(os.environ.get("LOADER_HTTP_BACKOFF", "2"))

# --- Search ---------------------------------------------------------------------------------
SEARCH_BACKEND = os.environ.get("LYCEUM_SEARCH_BACKEND", "database")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "lyceum")
# update_index refuses to swap in an index whose document count differs from the live one's by more than
# this share, unless --disable-change-limit (a broken upstream must not empty search).
SEARCH_INDEX_CHANGE_LIMIT = float(os.environ.get("SEARCH_INDEX_CHANGE_LIMIT", "0.1"))
# Older indexes update_index keeps after a swap (to swap back by hand).
SEARCH_INDEX_KEEP = 2
# Processes update_index builds documents in (database backend on PostgreSQL; elsewhere one).
SEARCH_INDEX_WORKERS = int(os.environ.get("LYCEUM_SEARCH_INDEX_WORKERS", "2"))
# Values listed per facet.
SEARCH_FACET_LIMIT = 100
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "10"))
ELASTICSEARCH_SHARDS = int(os.environ.get("ELASTICSEARCH_SHARDS", "1"))
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "0"))
# Bulk writes' `refresh`: "false" (searchable within the index's refresh interval, 1 s by default),
# "wait_for" (the write returns once searchable) or "true".
ELASTICSEARCH_REFRESH = os.environ.get("ELASTICSEARCH_REFRESH", "false")
if SEARCH_BACKEND not in {"database", "elasticsearch", "opensearch"}:
    raise ImproperlyConfigured(
        f"LYCEUM_SEARCH_BACKEND is {SEARCH_BACKEND!r}: set it to database, elasticsearch or opensearch."
    )
if SEARCH_BACKEND != "database" and not ELASTICSEARCH_URL:
    raise ImproperlyConfigured(
        f"LYCEUM_SEARCH_BACKEND is {SEARCH_BACKEND} but ELASTICSEARCH_URL is not set: set it to the cluster's "
        "address (e.g. http://search.internal:9200), or use LYCEUM_SEARCH_BACKEND=database."
    )

# --- Publisher ------------------------------------------------------------------------------
PUBLISHER_LEGAL_GROUP_NAME = os.environ.get("PUBLISHER_LEGAL_GROUP_NAME", "Legal Team Members")
# edx-rbac: system roles in the JWT `roles` claim that grant the PUBLISHER_EDITOR feature role, which
# lifts the `publisher.restrict_internal_users` waffle switch's read-only rule for internal users.
# The enterprise roles are enterprise-catalog's (catalog.api.enterprise.access, ADR 0100): admins of a customer
# manage its catalogs, learners read them; the operator role (context "*") reaches every customer.
SYSTEM_TO_FEATURE_ROLE_MAPPING = {
    "publisher_editor": ["PUBLISHER_EDITOR"],
    "enterprise_catalog_admin": ["enterprise_catalog_admin"],
    "enterprise_openedx_operator": ["enterprise_catalog_admin"],
    "enterprise_admin": ["enterprise_learner", "enterprise_catalog_admin"],
    "enterprise_learner": ["enterprise_learner"],
    "enterprise_provisioning_admin": ["enterprise_provisioning_admin"],
}
RBAC_IGNORE_INVALID_JWT_COOKIE = True
# Every JWT is verified against a configured key (the HS256 secret or the JWK set) by our handler, then read
# by edx-drf-extensions' (issuers, audience, versions): the library alone accepts unsigned tokens when no
# JWK set is configured (ADR 0070).
JWT_AUTH["JWT_DECODE_HANDLER"] = "settings.authentication.tokens.jwt_decode_handler"

# --- Catalogs -------------------------------------------------------------------------------
# A membership rebuild that would add or remove more than this share of a catalog with at least
# CATALOG_REBUILD_GUARD_MIN_SIZE members refuses to run without --force.
CATALOG_REBUILD_MAX_SWING = float(os.environ.get("CATALOG_REBUILD_MAX_SWING", "0.2"))
CATALOG_REBUILD_GUARD_MIN_SIZE = int(os.environ.get("CATALOG_REBUILD_GUARD_MIN_SIZE", "100"))
# Availability and prices change with the clock: re-evaluate content whose next boundary has passed.
CELERY_BEAT_SCHEDULE["catalog-availability-clock"] = {
    "task": "catalog.tasks.refresh_content_past_boundary",
    "schedule": timedelta(minutes=5),
}
# Catalog edits whose membership refresh was lost (broker down) or failed past its retries (ADR 0074).
CELERY_BEAT_SCHEDULE["catalog-requested-refreshes"] = {
    "task": "catalog.tasks.refresh_requested_catalog_memberships",
    "schedule": timedelta(minutes=2),
}

# --- Event bus (openedx-events over Redis Streams, docs/decisions/0130-event-bus.rst) ---------------------------
# Unset: no bus. Lyceum's content-changed events are then only in-process signals, and `consume_events` refuses
# to start. Set: the change log publishes to LYCEUM_EVENT_BUS_CONTENT_TOPIC there, and `consume_events` reads.
EVENT_BUS_URL = os.environ.get("LYCEUM_EVENT_BUS_URL", "")
EVENT_BUS_REDIS_CONNECTION_URL = EVENT_BUS_URL or None
EVENT_BUS_TOPIC_PREFIX = os.environ.get("LYCEUM_EVENT_BUS_TOPIC_PREFIX", "")
EVENT_BUS_PRODUCER = "eventbus.producer.create_producer"
# The library's consumer, acknowledging an event only once it is applied or parked (eventbus.redis_consumer).
EVENT_BUS_CONSUMER = "eventbus.redis_consumer.LyceumRedisEventConsumer"
# Pauses between attempts at an event whose receiver failed: all of them for a transient failure (database
# or Redis unreachable, lock timeout), the first only for a refused event, which is then parked.
EVENT_BUS_CONSUMER_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
# A transient failure still seen on this many deliveries of one entry is parked instead of retried again.
EVENT_BUS_CONSUMER_MAX_DELIVERIES = int(os.environ.get("LYCEUM_EVENT_BUS_MAX_DELIVERIES", "10"))
EVENT_BUS_CONTENT_TOPIC = os.environ.get("LYCEUM_EVENT_BUS_CONTENT_TOPIC", "lyceum-content-changed")
EVENT_BUS_STUDIO_TOPIC = os.environ.get("LYCEUM_EVENT_BUS_STUDIO_TOPIC", "course-catalog-info-changed")
EVENT_BUS_CONSUMER_GROUP = os.environ.get("LYCEUM_EVENT_BUS_CONSUMER_GROUP", "lyceum")
# Short code of the partner that courses first seen in a Studio event are created for (default: the only one).
EVENT_BUS_STUDIO_PARTNER = os.environ.get("LYCEUM_EVENT_BUS_PARTNER", "")
# The ceiling of Lyceum's content-changed stream, a memory bound (an entry takes about 400 bytes in Redis:
# 200,000 is some 80 MB), never a retention policy: entries are trimmed by the periodic task below once every
# consumer group has acknowledged them. A group that falls this far behind loses entries, and is reported
# (logs, `manage.py event_bus_status`) from 80 % of it. edx-event-bus-redis's own default is 10,000.
EVENT_BUS_REDIS_STREAM_MAX_LEN = int(os.environ.get("LYCEUM_EVENT_BUS_STREAM_MAX_LEN", "200000"))
CELERY_BEAT_SCHEDULE["eventbus-trim-streams"] = {
    "task": "eventbus.tasks.trim_event_bus_streams",
    "schedule": timedelta(minutes=5),
}
EVENT_BUS_PRODUCER_CONFIG = {
    "org.lyceum.catalog.content.changed.v1": {
        EVENT_BUS_CONTENT_TOPIC: {"event_key_field": "content.key", "enabled": bool(EVENT_BUS_URL)},
    },
}
# The CloudEvents `source` of what Lyceum sends (openedx/lyceum/web).
EVENTS_SERVICE_NAME = "lyceum"
# The consumer's blocking read, in seconds. It must stay below the socket timeout of the consumer's Redis
# client (redis-py's default, 5 s, since redis-py 8): a longer block times out as an error on every idle poll,
# and a message Redis hands over just as the client gives up stays pending until the consumer restarts.
EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = 3

# Short reads (a detail, a small page) run as prepared statements with generic plans on PostgreSQL, which
# saves the planning that dominates their cost. Turn off behind a pooler that cannot keep prepared
# statements on a server connection (PgBouncer before 1.21 in transaction mode).
LYCEUM_PREPARED_READS = env_bool("LYCEUM_PREPARED_READS", default=True)

# edx-drf-extensions reports to edx-django-utils' telemetry, which defaults to New Relic (not installed
# here) and warns about it in every process. No backend unless a deployment names one.
OPENEDX_TELEMETRY: list[str] = [name for name in os.environ.get("OPENEDX_TELEMETRY", "").split(",") if name.strip()]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- django-guardian --------------------------------------------------------------------------
# Object permissions are only ever granted to real users (catalog viewers, course editors); without an
# anonymous user row, flushing and restoring a database (serialized rollback in tests) stays clean.
ANONYMOUS_USER_NAME = None
