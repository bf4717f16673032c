"""``manage.py consume_events``: run the event-bus consumer (Studio's course events by default) until stopped.

Lyceum's version of openedx-events' command of the same name (this app is listed first, so its command
wins): the same ``--topic``/``--group_id``/``--extra`` options, with defaults from the settings, and a
failure that ends the process with a non-zero status instead of a log line, so a process manager restarts it.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from openedx_events.event_bus import NoEventBusConsumer, make_single_consumer
from openedx_events.tooling import load_all_signals


class Command(BaseCommand):
    help = (
        "Consume events from an event-bus topic (default: Studio's course catalog events) and apply them. "
        "Runs until stopped; restart it when it exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-t",
            "--topic",
            default=None,
            help="Topic (stream) to read, without the LYCEUM_EVENT_BUS_TOPIC_PREFIX (default: LYCEUM_EVENT_BUS_STUDIO_TOPIC).",
        )
        parser.add_argument(
            "-g", "--group_id", default=None, help="Consumer group (default: LYCEUM_EVENT_BUS_CONSUMER_GROUP)."
        )
        parser.add_argument(
            "--consumer-name",
            default=None,
            help="This consumer's name within the group (default: the host name); keep it stable across restarts.",
        )
        parser.add_argument(
            "--only-new",
            action="store_true",
            help="Skip what was published while no consumer of the group ran (by default it is processed).",
        )
        parser.add_argument(
            "--extra",
            default="{}",
            help='JSON object of further consumer arguments, e.g. \'{"last_read_msg_id": "1679676448892-0"}\' to replay.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "EVENT_BUS_REDIS_CONNECTION_URL", None):
            raise CommandError(
                _("No event bus is configured: set LYCEUM_EVENT_BUS_URL (e.g. redis://127.0.0.1:6379/0).")
            )
        try:
            extra = json.loads(options["extra"])
        except json.JSONDecodeError as error:
            raise CommandError(
                _("--extra is not JSON (%(error)s); pass an object such as '{\"check_backlog\": true}'.")
                % {"error": error}
            ) from error
        if not isinstance(extra, dict):
            raise CommandError(_("--extra must be a JSON object, e.g. '{\"check_backlog\": true}'."))
        kwargs = {
            "consumer_name": options["consumer_name"] or socket.gethostname(),
            # Without the backlog a consumer starting after downtime would jump past what it missed.
            "check_backlog": not options["only_new"],
            **extra,
        }
        load_all_signals()
        consumer = make_single_consumer(
            topic=options["topic"] or settings.EVENT_BUS_STUDIO_TOPIC,
            group_id=options["group_id"] or settings.EVENT_BUS_CONSUMER_GROUP,
            **kwargs,
        )
        if isinstance(consumer, NoEventBusConsumer):
            raise CommandError(
                _("The event-bus consumer did not load (see the warning above); check EVENT_BUS_CONSUMER and --extra.")
            )
        try:
            consumer.consume_indefinitely()
        except Exception as error:
            raise CommandError(
                _("The event-bus consumer stopped: %(error)r. Check Redis, then restart it.") % {"error": error}
            ) from error
