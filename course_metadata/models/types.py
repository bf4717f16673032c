"""Product and enrollment types: seat types, LMS modes, tracks, course run types, course types, program types."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin


class SeatType(ChangeTrackedMixin, TimeStampedModel):
    """A kind of e-commerce product sold for a run (audit, verified, ...)."""

    name = models.CharField(max_length=64, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("seat type")
        verbose_name_plural = _("seat types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mode(TimeStampedModel):
    """An LMS enrollment mode; the LMS counterpart of SeatType."""

    name = models.CharField(max_length=64, verbose_name=_("name"))
    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))
    is_id_verified = models.BooleanField(default=False, verbose_name=_("is id verified"))
    is_credit_eligible = models.BooleanField(default=False, verbose_name=_("is credit eligible"))
    certificate_type = models.CharField(max_length=64, blank=True, verbose_name=_("certificate type"))
    payee = models.CharField(max_length=64, blank=True, verbose_name=_("payee"))

    class Meta:
        verbose_name = _("mode")
        verbose_name_plural = _("modes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Track(TimeStampedModel):
    """A mode paired with the seat type sold for it (no seat type: nothing is sold)."""

    mode = models.ForeignKey(Mode, on_delete=models.CASCADE, verbose_name=_("mode"))
    seat_type = models.ForeignKey(
        SeatType, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("seat type")
    )

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["mode__name"]

    def __str__(self) -> str:
        return f"{self.mode} / {self.seat_type or 'no product'}"


class CourseRunType(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    """A named set of tracks a run offers ("Verified and Audit")."""

    name = models.CharField(max_length=64, verbose_name=_("name"))
    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))
    tracks = models.ManyToManyField(Track, verbose_name=_("tracks"))
    is_marketable = models.BooleanField(default=True, verbose_name=_("is marketable"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("course run type")
        verbose_name_plural = _("course run types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseType(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    """Which run types a course's runs may have and which entitlements it sells."""

    name = models.CharField(max_length=64, verbose_name=_("name"))
    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))
    entitlement_types = models.ManyToManyField(SeatType, blank=True, verbose_name=_("entitlement types"))
    course_run_types = models.ManyToManyField(CourseRunType, verbose_name=_("course run types"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("course type")
        verbose_name_plural = _("course types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramType(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    name = models.CharField(max_length=64, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))
    applicable_seat_types = models.ManyToManyField(
        SeatType, help_text=_("Seat types that count towards the program."), verbose_name=_("applicable seat types")
    )
    logo_image_url = models.URLField(blank=True, verbose_name=_("logo image url"))
    coaching_supported = models.BooleanField(default=False, verbose_name=_("coaching supported"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("program type")
        verbose_name_plural = _("program types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
