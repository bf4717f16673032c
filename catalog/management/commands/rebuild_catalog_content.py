"""manage.py rebuild_catalog_content: rebuild every content document, then (by default) membership."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from catalog.services.refresh import content_rebuild_all
from course_metadata.models import Course


class Command(BaseCommand):
    help = (
        "Rebuild the catalog document of every official course, run, program and learner pathway from the "
        "database, delete documents whose objects are gone, then recompute catalog membership (guarded as in "
        "rebuild_catalog_membership). Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--skip-membership", action="store_true", help="Only rebuild the documents.")
        parser.add_argument("--force", action="store_true", help="Passed on to rebuild_catalog_membership.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Course.objects.official().count()
        with tqdm(total=total, unit="course", disable=options["no_progress"]) as bar:
            report = content_rebuild_all(now=timezone.now(), progress=bar.update)
        self.stdout.write(
            f"Documents: {report.created_or_changed} created or changed, {report.unchanged} unchanged, "
            f"{report.removed} removed."
        )
        if not options["skip_membership"]:
            flags = [flag for flag in ("force", "no_progress") if options[flag]]
            call_command(
                "rebuild_catalog_membership", *(f"--{flag.replace('_', '-')}" for flag in flags), stdout=self.stdout
            )
