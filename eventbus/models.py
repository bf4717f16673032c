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
