"""Prepare the embedded demo for `make run`: seed an empty catalog and provide a known `admin` login."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from course_metadata.models import Course

DEMO_USERNAME = "admin"
DEMO_EMAIL = "admin@example.com"
PASSWORD_ENV_VAR = "LYCEUM_DEMO_PASSWORD"
PASSWORD_FILE_NAME = "demo-admin-password"


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE_NAME


def read_stored_password(path: Path) -> str | None:
    try:
        stored = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return stored or None


def store_password(path: Path, password: str) -> None:
    """Write the password readable by its owner only, so it can be shown again on the next run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    # The mode given to os.open only applies to a new file; tighten an existing one as well.
    path.chmod(0o600)


class Command(BaseCommand):
    help = (
        "Seed demo content when the catalog is empty and make sure the superuser 'admin' exists. "
        f"The password comes from ${PASSWORD_ENV_VAR}, or is generated once and kept in "
        f"<LYCEUM_VAR_DIR>/{PASSWORD_FILE_NAME}. Only allowed where settings.LYCEUM_DEMO_ADMIN_ALLOWED is true."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--courses", type=int, default=60, help="How many courses to seed (default: 60).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed for the demo data (default: 42).")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the server will listen, used to print the admin URL (default: http://127.0.0.1:8000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "LYCEUM_DEMO_ADMIN_ALLOWED", False):
            raise CommandError(
                _(
                    "bootstrap_demo creates a superuser with a known password, so it only runs with settings that set LYCEUM_DEMO_ADMIN_ALLOWED = True (settings.local and settings.test). Current settings: %(value)s."
                )
                % {"value": os.environ.get("DJANGO_SETTINGS_MODULE", "unknown")}
            )
        self.seed_catalog(courses=options["courses"], seed=options["seed"])
        password, source = self.ensure_admin()
        self.print_login(password=password, source=source, base_url=options["base_url"].rstrip("/"))

    def seed_catalog(self, *, courses: int, seed: int) -> None:
        if Course.objects.exists():
            self.stdout.write("The catalog already has courses; leaving it as it is.")
            # A catalog seeded before seeding recorded history gets its baseline (nothing to do otherwise).
            call_command("history_baseline", no_progress=True, verbosity=0)
            return
        if "seed_catalog" not in get_commands():
            self.stderr.write(
                self.style.WARNING("The seed_catalog command is not available; starting with an empty catalog.")
            )
            return
        self.stdout.write(f"The catalog is empty: seeding {courses} demo courses (seed {seed}).")
        call_command("seed_catalog", courses=courses, seed=seed)
        # Query strings (q, contains) are answered by the search index: build it whole now rather than on
        # the first query (ADR 0082). Named, not imported: search is an app this one may not import.
        if "update_index" in get_commands():
            call_command("update_index", no_progress=True, stdout=self.stdout)

    def ensure_admin(self) -> tuple[str | None, str]:
        """Create or update the demo superuser; return the password to show (None if unknown) and its origin."""
        user_model = get_user_model()
        env_password = os.environ.get(PASSWORD_ENV_VAR, "")
        stored_path = password_file()
        with transaction.atomic():
            admin = user_model.objects.select_for_update().filter(username=DEMO_USERNAME).first()
            if admin is None:
                if env_password:
                    # Kept like a generated one, so a later run without the variable still shows it.
                    store_password(stored_path, env_password)
                    password, source = env_password, f"from ${PASSWORD_ENV_VAR}, kept in {stored_path}"
                else:
                    # Reuse a password generated earlier (say, before the database was reset).
                    password = read_stored_password(stored_path) or secrets.token_urlsafe(12)
                    store_password(stored_path, password)
                    source = f"generated, kept in {stored_path}"
                user_model.objects.create_superuser(username=DEMO_USERNAME, email=DEMO_EMAIL, password=password)
                self.stdout.write(self.style.SUCCESS(f"Created the superuser '{DEMO_USERNAME}'."))
                return password, source
            if env_password:
                admin.set_password(env_password)
                admin.is_active = admin.is_staff = admin.is_superuser = True
                admin.save()
                store_password(stored_path, env_password)
                return env_password, f"from ${PASSWORD_ENV_VAR}, kept in {stored_path}"
        stored = read_stored_password(stored_path)
        if stored is not None and admin.check_password(stored):
            return stored, f"kept in {stored_path}"
        return None, f"changed outside make run; set one with: {PASSWORD_ENV_VAR}=<new password> make run"

    def print_login(self, *, password: str | None, source: str, base_url: str) -> None:
        shown_password = password if password is not None else "(not known to Lyceum)"
        lines = [
            "",
            self.style.MIGRATE_HEADING("Demo admin login"),
            f"  username:  {DEMO_USERNAME}",
            f"  password:  {shown_password}  ({source})",
            f"  admin URL: {base_url}/admin/",
            "",
        ]
        self.stdout.write("\n".join(lines))
