"""``manage.py replay_parked_events [ID ...] [--all]``: deliver parked bus events again, once their cause is fixed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from eventbus.models import ParkedEvent, ParkedEventStatus
from eventbus.parking import parked_event_discard, parked_event_replay


class Command(BaseCommand):
    help = (
        "Replay events the bus consumer parked (see the admin's parked events): each is sent to its receivers "
        "again, in the order it was parked, and marked replayed when they all succeed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="Ids of the parked events to replay.")
        parser.add_argument("--all", action="store_true", help="Replay every event still parked.")
        parser.add_argument(
            "--discard",
            action="store_true",
            help="Instead of replaying them, give the named events up (they stay listed, marked discarded).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["ids"]) == bool(options["all"]):
            raise CommandError(_("Name the parked events to replay by id, or pass --all (not both)."))
        events = ParkedEvent.objects.filter(status=ParkedEventStatus.PARKED).order_by("parked_at", "pk")
        if options["ids"]:
            events = events.filter(pk__in=options["ids"])
            missing = sorted(set(options["ids"]) - set(events.values_list("pk", flat=True)))
            if missing:
                raise CommandError(
                    _("No parked event (still parked) with id %(ids)s.") % {"ids": ", ".join(map(str, missing))}
                )
        if options["discard"]:
            for parked in events.iterator():
                parked_event_discard(parked=parked)
                self.stdout.write(f"{parked.pk} {parked.event_type} {parked.message_id}: discarded")
            return
        failed = 0
        for parked in events.iterator():
            outcome = parked_event_replay(parked=parked)
            if outcome.replayed:
                self.stdout.write(f"{parked.pk} {parked.event_type} {parked.message_id}: replayed")
            else:
                failed += 1
                self.stdout.write(
                    f"{parked.pk} {parked.event_type} {parked.message_id}: still failing: {outcome.error}"
                )
        if failed:
            raise CommandError(_("%(count)d parked event(s) still fail; they stay parked.") % {"count": failed})
