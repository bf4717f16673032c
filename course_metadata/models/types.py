"""Product and enrollment types: seat types, LMS modes, tracks, course run types, course types, program types."""

from __future__ import annotations

from django.db import models
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin


class SeatType(ChangeTrackedMixin, TimeStampedModel):
    """A kind of e-commerce product sold for a run (audit, verified, ...)."""

    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mode(TimeStampedModel):
    """An LMS enrollment mode; the LMS counterpart of SeatType."""

    name = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, unique=True)
    is_id_verified = models.BooleanField(default=False)
    is_credit_eligible = models.BooleanField(default=False)
    certificate_type = models.CharField(max_length=64, blank=True)
    payee = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Track(TimeStampedModel):
    """A mode paired with the seat type sold for it (no seat type: nothing is sold)."""

    mode = models.ForeignKey(Mode, on_delete=models.CASCADE)
    seat_type = models.ForeignKey(SeatType, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        ordering = ["mode__name"]

    def __str__(self) -> str:
        return f"{self.mode} / {self.seat_type or 'no product'}"


class CourseRunType(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    """A named set of tracks a run offers ("Verified and Audit")."""

    name = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, unique=True)
    tracks = models.ManyToManyField(Track)
    is_marketable = models.BooleanField(default=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseType(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    """Which run types a course's runs may have and which entitlements it sells."""

    name = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, unique=True)
    entitlement_types = models.ManyToManyField(SeatType, blank=True)
    course_run_types = models.ManyToManyField(CourseRunType)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramType(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    applicable_seat_types = models.ManyToManyField(SeatType, help_text="Seat types that count towards the program.")
    logo_image_url = models.URLField(blank=True)
    coaching_supported = models.BooleanField(default=False)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
