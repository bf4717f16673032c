"""Refresh courses, runs, seats and entitlements from each partner's LMS and e-commerce."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from course_metadata.loaders.base import LoadReport
from course_metadata.loaders.refresh import refresh_partner
from course_metadata.models import Partner


class Command(BaseCommand):
    help = (
        "Pull courses and runs from the LMS courses API and seats and entitlements from e-commerce, for every "
        "partner (or one), then give a type to content that has none. Re-runs change only what changed; the "
        "exit status is 1 when anything failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner_code", "--partner-code", dest="partner_code", help="Only this partner.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs and the summary only).")

    def handle(self, *args: Any, **options: Any) -> None:
        partners = Partner.objects.order_by("short_code")
        if options["partner_code"]:
            partners = partners.filter(short_code=options["partner_code"])
            if not partners.exists():
                known = ", ".join(Partner.objects.values_list("short_code", flat=True)) or "none"
                raise CommandError(
                    _("No partner %(partner_code)r; known partners: %(known)s.")
                    % {"partner_code": options["partner_code"], "known": known}
                )
        report = LoadReport()
        with tqdm(unit="page", disable=options["no_progress"], file=sys.stderr) as progress:
            for partner in partners:
                refresh_partner(partner, report, progress)
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.failed:
            for failure in report.failures[:50]:
                self.stderr.write(f"failed: {failure}")
            if len(report.failures) > 50:
                self.stderr.write(f"... and {len(report.failures) - 50} more (see the log)")
            raise CommandError(
                _("%(count)s failures; fix them (or the source) and run again.") % {"count": len(report.failures)}
            )
