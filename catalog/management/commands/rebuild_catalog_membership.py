"""manage.py rebuild_catalog_membership: recompute catalog membership from the stored documents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from catalog.models import Catalog
from catalog.services.membership import RebuildReport, catalog_membership_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every catalog's members (or one catalog's) from scratch with the database evaluator, "
        "report what is added and removed, and write the difference. A catalog with at least "
        "CATALOG_REBUILD_GUARD_MIN_SIZE members whose swing would exceed CATALOG_REBUILD_MAX_SWING is left "
        "alone unless --force. Safe to re-run: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--catalog", metavar="UUID", help="Rebuild only this catalog.")
        parser.add_argument("--dry-run", action="store_true", help="Report the changes without writing them.")
        parser.add_argument("--force", action="store_true", help="Apply even swings the guard would refuse.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        catalogs = Catalog.objects.order_by("pk")
        if options["catalog"]:
            catalogs = catalogs.filter(uuid=options["catalog"]) if _is_uuid(options["catalog"]) else catalogs.none()
            if not catalogs.exists():
                raise CommandError(_("No catalog with UUID %(catalog)r.") % {"catalog": options["catalog"]})
        now = timezone.now()
        reports: list[RebuildReport] = []
        total = catalogs.count()
        with tqdm(total=total, unit="catalog", disable=options["no_progress"] or total < 2) as bar:
            for catalog in catalogs.iterator(chunk_size=500):
                reports.append(
                    catalog_membership_rebuild(
                        catalog=catalog, dry_run=options["dry_run"], force=options["force"], now=now
                    )
                )
                bar.update(1)
        self._report(reports, dry_run=options["dry_run"])

    def _report(self, reports: list[RebuildReport], *, dry_run: bool) -> None:
        verb = "would change" if dry_run else "changed"
        for report in reports:
            if not report.changed:
                continue
            state = "REFUSED" if report.refused else verb
            self.stdout.write(
                f"{report.uuid} {report.title!r}: {state} +{report.added} -{report.removed} "
                f"(~{report.refreshed} dates) of {report.before} members"
            )
        added = sum(report.added for report in reports if not report.refused)
        removed = sum(report.removed for report in reports if not report.refused)
        changed = sum(1 for report in reports if report.changed and not report.refused)
        self.stdout.write(
            f"{len(reports)} catalogs checked; {changed} {verb}: +{added} -{removed}"
            + (" (dry run: nothing written)" if dry_run else "")
        )
        refused = [report for report in reports if report.refused]
        if refused:
            limit = f"{settings.CATALOG_REBUILD_MAX_SWING:.0%}"
            raise CommandError(
                _(
                    "%(count)s catalog(s) would swing by more than %(limit)s of their members and were left unchanged: %(values)s. Check the content documents, then re-run with --force if the change is real."
                )
                % {"count": len(refused), "limit": limit, "values": ", ".join(report.uuid for report in refused)}
            )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
