"""manage.py update_index: rebuild the search index from the database and swap it in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from search.indexing import ChangeTooLarge, rebuild_index


class Command(BaseCommand):
    help = (
        "Build a fresh search index (a new generation, or a new Elasticsearch index) from every indexable course, "
        "run, program, person and learner pathway; refuse it when its size differs from the live index by more "
        "than SEARCH_INDEX_CHANGE_LIMIT unless --disable-change-limit; then swap it in atomically and keep the "
        "last SEARCH_INDEX_KEEP older ones. Works with either search backend."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--disable-change-limit",
            action="store_true",
            help="Swap the new index in even when its document count differs a lot from the live one.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes that build and write documents (default SEARCH_INDEX_WORKERS; the database backend on "
            "PostgreSQL only, one elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bar = tqdm(total=0, unit="object", disable=options["no_progress"])

        def on_total(total: int) -> None:
            bar.total = total
            bar.refresh()

        try:
            report = rebuild_index(
                enforce_change_limit=not options["disable_change_limit"],
                progress=bar.update,
                on_total=on_total,
                workers=options["workers"],
            )
        except ChangeTooLarge as error:
            raise CommandError(_("Index not swapped: %(error)s") % {"error": error}) from None
        finally:
            bar.close()
        self.stdout.write(
            f"Index {report.name}: {report.documents} documents in {report.seconds:.1f} s "
            f"({report.rate:.0f} documents/s); the previous live index held {report.live_before}."
        )
        if report.dropped:
            self.stdout.write(f"Dropped old indexes: {', '.join(report.dropped)}")
