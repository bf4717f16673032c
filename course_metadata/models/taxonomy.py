"""Classification vocabularies: subjects, topics, level types, collaborators and product sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.text import slugify
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin
from course_metadata.models.partners import Partner

if TYPE_CHECKING:
    from course_metadata.models.types import ProgramType


class Subject(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="subjects")
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, blank=True)
    subtitle = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    banner_image_url = models.URLField(blank=True)
    card_image_url = models.URLField(blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partner", "slug"], name="subject_unique_slug_per_partner")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class Topic(TimeStampedModel, UUIDMixin):
    """A curated topic page; courses carry free-form topic tags as well (Course.topics)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="topics")
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, blank=True)
    subtitle = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    long_description = models.TextField(blank=True)
    banner_image_url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partner", "slug"], name="topic_unique_slug_per_partner")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class LevelType(ChangeTrackedMixin, TimeStampedModel):
    name = models.CharField(max_length=255, unique=True)
    sort_value = models.PositiveSmallIntegerField(default=0, db_index=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["sort_value", "name"]

    def __str__(self) -> str:
        return self.name


class Collaborator(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    name = models.CharField(max_length=255)
    image_url = models.URLField(blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(ChangeTrackedMixin, TimeStampedModel):
    """Where a product comes from (the platform itself, an external executive-education provider, ...)."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    description = models.CharField(max_length=255, blank=True)
    ofac_restricted_program_types: models.ManyToManyField[ProgramType, Any] = models.ManyToManyField(
        "ProgramType", blank=True
    )

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
