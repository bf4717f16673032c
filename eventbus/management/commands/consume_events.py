"""``manage.py consume_events``: run the event-bus consumer (Studio's course events by default) until stopped.

Lyceum's version of openedx-events' command of the same name (this app is listed first, so its command
wins): the same ``--topic``/``--group_id``/``--extra`` options, with defaults from the settings, and a
failure that ends the process with a non-zero status instead of a log line, so a process manager restarts it.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from edx_event_bus_redis.internal.config import get_full_topic
from openedx_events.event_bus import NoEventBusConsumer, make_single_consumer
from openedx_events.tooling import load_all_signals

from eventbus.streams import stream_state
from eventbus.tasks import bus_client

logger = logging.getLogger(__name__)


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
        topic = options["topic"] or settings.EVENT_BUS_STUDIO_TOPIC
        group_id = options["group_id"] or settings.EVENT_BUS_CONSUMER_GROUP
        self.report_losses(topic, group_id)
        consumer = make_single_consumer(
            topic=topic,
            group_id=group_id,
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

    def report_losses(self, topic: str, group_id: str) -> None:
        """Say, before consuming, whether the stream was trimmed past what this group had read (ADR 0133)."""
        client = bus_client()
        if client is None:
            return
        try:
            stream = get_full_topic(topic)
            ours = stream == get_full_topic(settings.EVENT_BUS_CONTENT_TOPIC)
            state = stream_state(client, stream, trimmed_here=ours)
        except Exception as error:  # the consumer's own connection will say what is wrong with Redis
            logger.warning("event bus: could not check %s for lost entries: %r", topic, error)
            return
        finally:
            client.close()
        for group in state.groups if state else []:
            if group.name == group_id and group.lost:
                logger.error(
                    "event bus: group %s lost entries of %s: %s; run refresh_course_metadata to catch up",
                    group_id,
                    state.stream if state else topic,
                    group.lost,
                )
