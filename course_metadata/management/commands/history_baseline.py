"""Give rows without history (written in bulk by a seeder or a loader) their first history row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from course_metadata.history import historied_models, history_baseline


class Command(BaseCommand):
    help = (
        "Record a first ('+') history row for every course, run, seat, program, curriculum ... that has none, "
        "so the admin's history of its first edit shows what changed. Safe to run again: rows with history "
        "are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reason", default="Baseline (history_baseline)", help="The history rows' reason.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        models = historied_models()
        total = 0
        show = not options["no_progress"] and options["verbosity"] > 0
        for model in tqdm(models, desc="History baseline", unit="model", disable=not show):
            total += history_baseline(model, reason=options["reason"])
        if options["verbosity"] > 0:
            self.stdout.write(f"Recorded {total:,} baseline history rows.")
