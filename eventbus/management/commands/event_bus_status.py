"""``manage.py event_bus_status``: each bus stream's length against its ceiling, and each consumer group's backlog;
exits non-zero when a group lost entries it never acknowledged, or is near the ceiling (for monitoring)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from edx_event_bus_redis.internal.config import get_full_topic

from eventbus.streams import format_id, lost_entries_clear, stream_state
from eventbus.tasks import bus_client


class Command(BaseCommand):
    help = (
        "Show the event bus's streams (Lyceum's content-changed events, Studio's catalog events) and their "
        "consumer groups; fail when a group lost entries or is close to losing them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clear-lost",
            action="store_true",
            help="Forget the recorded losses of Lyceum's stream (once the subscribers have caught up otherwise).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = bus_client()
        if client is None:
            raise CommandError(_("No event bus is configured: set LYCEUM_EVENT_BUS_URL."))
        problems: list[str] = []
        content = get_full_topic(settings.EVENT_BUS_CONTENT_TOPIC)
        try:
            if options["clear_lost"]:
                lost_entries_clear(client, content)
            for stream, trimmed_here in ((content, True), (get_full_topic(settings.EVENT_BUS_STUDIO_TOPIC), False)):
                state = stream_state(client, stream, trimmed_here=trimmed_here)
                if state is None:
                    self.stdout.write(f"{stream}: no such stream yet")
                    continue
                self.stdout.write(f"{stream}: {state.length} entries (ceiling {state.max_len})")
                for group in state.groups:
                    backlog = group.backlog if group.backlog is not None else "unknown"
                    self.stdout.write(
                        f"  group {group.name}: backlog {backlog}, pending {group.pending}, "
                        f"last delivered {format_id(group.last_delivered)}" + (", LOST ENTRIES" if group.lost else "")
                    )
                problems.extend(state.problems())
        finally:
            client.close()
        if problems:
            raise CommandError("\n".join(problems))
