"""`make run` in one Django process: migrate only when needed, seed the demo, print where it is, serve."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

# Set by Django's autoreloader in the child process it serves from; the parent has already prepared.
RELOADER_CHILD = "RUN_MAIN"


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations ``migrate`` would apply (0 on every run after the first)."""
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def browse_url(addrport: str) -> str:
    host, _unused, port = addrport.rpartition(":")
    host = host or "127.0.0.1"
    return f"http://{'127.0.0.1' if host in {'0.0.0.0', '::'} else host}:{port}"


class Command(BaseCommand):
    help = (
        "Prepare and serve the embedded demo in one process: apply migrations only when some are unapplied, "
        "seed demo content into an empty catalog and make sure the 'admin' login works (bootstrap_demo), then "
        "run the development server. What `make run` does."
    )
    requires_migrations_checks = False
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="host:port to serve on.")
        parser.add_argument("--courses", type=int, default=60, help="Demo courses seeded into an empty catalog.")
        parser.add_argument("--seed", type=int, default=42, help="Random seed of the demo content.")
        parser.add_argument("--noreload", action="store_true", help="Do not restart the server when code changes.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "LYCEUM_DEMO_ADMIN_ALLOWED", False):
            raise CommandError(
                _(
                    "serve_demo seeds demo data and a demo superuser, so it only runs with settings.local "
                    "(DJANGO_SETTINGS_MODULE=settings.local); serve production with gunicorn."
                )
            )
        addrport = options["addrport"]
        base_url = browse_url(addrport)
        if os.environ.get(RELOADER_CHILD) != "true":
            self.prepare(base_url=base_url, courses=options["courses"], seed=options["seed"])
        call_command("runserver", addrport, use_reloader=not options["noreload"], skip_checks=False)

    def prepare(self, *, base_url: str, courses: int, seed: int) -> None:
        pending = unapplied_migrations()
        if pending:
            started = time.monotonic()
            self.stdout.write(f"Applying {pending} migrations to {self.database_name()} (first run only)...")
            with fast_sqlite_writes():
                call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"Database ready in {time.monotonic() - started:.0f}s."))
        call_command("bootstrap_demo", base_url=base_url, courses=courses, seed=seed)
        self.stdout.write(
            f"\nLyceum is starting on {base_url}\n"
            f"  API:      {base_url}/api/v1/\n"
            f"  Admin:    {base_url}/admin/\n"
            f"  API docs: {base_url}/api-docs/\n"
        )

    @staticmethod
    def database_name() -> str:
        database = connections[DEFAULT_DB_ALIAS].settings_dict
        return str(database["NAME"]) if database["ENGINE"].endswith("sqlite3") else database["ENGINE"].rsplit(".")[-1]


class fast_sqlite_writes:
    """On the local SQLite file, skip the wait for the disk while migrating (a crash mid-way means `make clean`)."""

    def __enter__(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")

    def __exit__(self, *exc_info: object) -> None:
        if self.sqlite:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("PRAGMA synchronous = FULL")
