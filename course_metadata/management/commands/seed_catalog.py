"""Seed a realistic synthetic catalog: `manage.py seed_catalog --courses 50000 --seed 7`."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from course_metadata.demo import CatalogNotEmptyError, SeedOptions, seed_catalog


class Command(BaseCommand):
    help = (
        "Create a synthetic catalog (organizations, people, courses with runs, seats and entitlements, programs, "
        "a degree with curricula, pathways). Refuses a database that has courses unless --append is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--courses", type=int, default=60, help="How many courses to create (default 60).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed; the same seed gives the same catalog.")
        parser.add_argument("--organizations", type=int, default=12, help="How many organizations (default 12).")
        parser.add_argument("--partner", default="demo", help="Short code of the partner to seed (default demo).")
        parser.add_argument("--append", action="store_true", help="Add to a database that already has courses.")
        parser.add_argument(
            "--runs-per-course",
            type=int,
            default=None,
            help="Give every course exactly this many runs (default: 1 to 4, weighted towards 2).",
        )
        parser.add_argument("--chunk-size", type=int, default=1000, help="Courses written per bulk insert.")
        parser.add_argument(
            "--no-change-log",
            action="store_true",
            help="Do not append change-log entries for the seeded content (consumers such as search and catalog "
            "membership then need their full rebuild commands).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["courses"] < 1 or options["chunk_size"] < 1:
            raise CommandError(_("--courses and --chunk-size must be positive."))
        if options["runs_per_course"] is not None and not 1 <= options["runs_per_course"] <= 8:
            raise CommandError(_("--runs-per-course must be between 1 and 8."))
        seed = options["seed"] if options["seed"] is not None else random.SystemRandom().randrange(1_000_000)
        seed_options = SeedOptions(
            courses=options["courses"],
            seed=seed,
            organizations=options["organizations"],
            partner=options["partner"],
            append=options["append"],
            chunk_size=options["chunk_size"],
            runs_per_course=options["runs_per_course"],
            change_log=not options["no_change_log"],
            progress=not options["no_progress"] and options["verbosity"] > 0,
        )
        started = time.perf_counter()
        try:
            seeded = seed_catalog(seed_options)
        except CatalogNotEmptyError as error:
            raise CommandError(
                _("%(error)s Pass --append to add the demo catalog to it anyway.") % {"error": error}
            ) from error
        elapsed = time.perf_counter() - started
        if options["verbosity"] > 0:
            for label, count in seeded.counts().items():
                self.stdout.write(f"  {label:<55} {count:>9,}")
            self.stdout.write(
                self.style.SUCCESS(f"Seeded {options['courses']:,} courses in {elapsed:.1f}s (seed {seed}).")
            )
