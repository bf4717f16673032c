"""The embedded default: SQLite, eager tasks, database search. What `make run` serves."""

import os

import dj_database_url

from settings.base import *  # noqa: F403
from settings.base import VAR_DIR, env_bool

# DEBUG=0 serves the local settings without debug pages and query logging (the read API benchmark does).
DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = os.environ.get("SECRET_KEY", "lyceum-local-development-only-not-a-secret")
ALLOWED_HOSTS = ["*"]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lyceum.sqlite3'}"), conn_max_age=600
    )
}

CELERY_TASK_ALWAYS_EAGER = True
SEARCH_BACKEND = "database"

# Only the embedded default may create the demo admin.
LYCEUM_DEMO_ADMIN_ALLOWED = True
