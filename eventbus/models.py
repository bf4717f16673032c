"""What the event bus bridge remembers: the time of the last Studio event applied to each run."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StudioEventStamp(models.Model):
    """The newest ``COURSE_CATALOG_INFO_CHANGED`` applied to a run, so an older or repeated one changes nothing."""

    course_run_key = models.CharField(max_length=255, unique=True, verbose_name=_("course run key"))
    event_time = models.DateTimeField(
        null=True, verbose_name=_("event time"), help_text=_("The event's own time (its metadata), not arrival.")
    )
    event_id = models.UUIDField(null=True, verbose_name=_("event id"))
    applied = models.DateTimeField(auto_now=True, verbose_name=_("applied"))

    class Meta:
        verbose_name = _("Studio event stamp")
        ordering = ["course_run_key"]

    def __str__(self) -> str:
        return f"{self.course_run_key} @ {self.event_time}"


class ParkedEventStatus(models.TextChoices):
    PARKED = "parked", _("parked")
    REPLAYED = "replayed", _("replayed")
    DISCARDED = "discarded", _("discarded")


class ParkedEvent(models.Model):
    """An event the bus consumer could not apply and set aside, so that the stream moves on without losing it.

    The stream entry is kept as it was read (its fields, base64-encoded), so ``replay_parked_events`` (or the
    admin's action) delivers exactly that event again once its cause is fixed.
    """

    stream = models.CharField(max_length=255, verbose_name=_("stream"))
    consumer_group = models.CharField(max_length=255, verbose_name=_("consumer group"))
    message_id = models.CharField(
        max_length=64, verbose_name=_("message id"), help_text=_("The entry's id in the Redis stream.")
    )
    event_type = models.CharField(max_length=255, blank=True, verbose_name=_("event type"))
    event_id = models.UUIDField(null=True, blank=True, verbose_name=_("event id"))
    event_time = models.DateTimeField(null=True, blank=True, verbose_name=_("event time"))
    fields = models.JSONField(
        default=dict, verbose_name=_("stream entry"), help_text=_("The entry's fields, base64-encoded.")
    )
    error = models.TextField(verbose_name=_("error"), help_text=_("The last failure, with its traceback."))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    status = models.CharField(
        max_length=16,
        choices=ParkedEventStatus.choices,
        default=ParkedEventStatus.PARKED,
        verbose_name=_("status"),
    )
    parked_at = models.DateTimeField(verbose_name=_("parked at"))
    replayed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("replayed at"), help_text=_("When it was replayed or discarded.")
    )

    class Meta:
        verbose_name = _("parked event")
        ordering = ["-parked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "consumer_group", "message_id"], name="eventbus_parked_event_once_per_entry"
            )
        ]
        indexes = [models.Index(fields=["status", "parked_at"], name="eventbus_parked_status")]

    def __str__(self) -> str:
        return f"{self.event_type or 'unreadable event'} {self.message_id} ({self.status})"
