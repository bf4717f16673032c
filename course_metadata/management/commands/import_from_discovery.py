"""Bring the catalog of a running course-discovery over, through its REST API, keeping uuids and keys."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from course_metadata.loaders.base import LoadReport
from course_metadata.loaders.discovery import DiscoveryImporter
from course_metadata.loaders.http import ApiClient
from course_metadata.models import Partner


class Command(BaseCommand):
    help = (
        "Import organizations, subjects, topics, people, course and run types, courses with runs, seats and "
        "entitlements, and programs from a course-discovery at --url. Re-runnable: rows are matched by uuid "
        "(runs by key) and only what differs is written. The exit status is 1 when anything failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", required=True, help="Root of the course-discovery, e.g. https://discovery.example.org"
        )
        parser.add_argument("--token", required=True, help="An access token the course-discovery accepts (staff).")
        parser.add_argument(
            "--token-type", default="JWT", choices=["JWT", "Bearer"], help="How the token is sent (default JWT)."
        )
        parser.add_argument(
            "--partner_code",
            "--partner-code",
            dest="partner_code",
            help="Our partner to import into (needed when there are several).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = self.partner(options["partner_code"])
        client = ApiClient(
            token=options["token"],
            token_scheme=options["token_type"],
            timeout=settings.LOADER_HTTP_TIMEOUT,
            attempts=settings.LOADER_HTTP_ATTEMPTS,
            backoff=settings.LOADER_HTTP_BACKOFF,
        )
        report = LoadReport()
        with tqdm(unit="page", disable=options["no_progress"], file=sys.stderr) as progress:
            DiscoveryImporter(
                partner=partner, client=client, base_url=options["url"], report=report, progress=progress
            ).load()
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

    def partner(self, code: str | None) -> Partner:
        partners = list(Partner.objects.order_by("short_code"))
        known = ", ".join(p.short_code for p in partners) or "none"
        if code:
            for partner in partners:
                if partner.short_code == code:
                    return partner
            raise CommandError(_("No partner %(code)r; known partners: %(known)s.") % {"code": code, "known": known})
        if len(partners) != 1:
            raise CommandError(
                _("Name the partner to import into with --partner_code (known partners: %(known)s).") % {"known": known}
            )
        return partners[0]
