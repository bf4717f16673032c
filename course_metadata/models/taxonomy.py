"""Classification vocabularies: subjects, topics, level types, collaborators and product sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin
from course_metadata.models.partners import Partner

if TYPE_CHECKING:
    from course_metadata.models.types import ProgramType


class Subject(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("partner"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    slug = models.SlugField(max_length=255, blank=True, verbose_name=_("slug"))
    subtitle = models.CharField(max_length=255, blank=True, verbose_name=_("subtitle"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    banner_image_url = models.URLField(blank=True, verbose_name=_("banner image url"))
    card_image_url = models.URLField(blank=True, verbose_name=_("card image url"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partner", "slug"], name="subject_unique_slug_per_partner")]

    def __str__(self) -> str:
        return self.name


class Topic(TimeStampedModel, UUIDMixin):
    """A curated topic page; courses carry free-form topic tags as well (Course.topics)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="topics", verbose_name=_("partner"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    slug = models.SlugField(max_length=255, blank=True, verbose_name=_("slug"))
    subtitle = models.CharField(max_length=255, blank=True, verbose_name=_("subtitle"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    long_description = models.TextField(blank=True, verbose_name=_("long description"))
    banner_image_url = models.URLField(blank=True, verbose_name=_("banner image url"))

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partner", "slug"], name="topic_unique_slug_per_partner")]

    def __str__(self) -> str:
        return self.name


class LevelType(ChangeTrackedMixin, TimeStampedModel):
    name = models.CharField(max_length=255, unique=True, verbose_name=_("name"))
    sort_value = models.PositiveSmallIntegerField(default=0, db_index=True, verbose_name=_("sort value"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("level type")
        verbose_name_plural = _("level types")
        ordering = ["sort_value", "name"]

    def __str__(self) -> str:
        return self.name


class Collaborator(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    name = models.CharField(max_length=255, verbose_name=_("name"))
    image_url = models.URLField(blank=True, verbose_name=_("image url"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(ChangeTrackedMixin, TimeStampedModel):
    """Where a product comes from (the platform itself, an external executive-education provider, ...)."""

    name = models.CharField(max_length=255, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=255, unique=True, verbose_name=_("slug"))
    description = models.CharField(max_length=255, blank=True, verbose_name=_("description"))
    ofac_restricted_program_types: models.ManyToManyField[ProgramType, Any] = models.ManyToManyField(
        "ProgramType", blank=True, verbose_name=_("ofac restricted program types")
    )

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
