"""People who teach or staff course runs, and what the marketing site shows about them."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin
from course_metadata.models.partners import Organization, Partner


class Person(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="people", null=True)
    salutation = models.CharField(max_length=10, blank=True)
    given_name = models.CharField(max_length=255)
    family_name = models.CharField(max_length=255, blank=True)
    slug = models.SlugField(max_length=255, unique=True, blank=True)
    email = models.EmailField(blank=True)
    bio = models.TextField(blank=True)
    major_works = models.TextField(blank=True)
    profile_image_url = models.URLField(blank=True)
    published = models.BooleanField(default=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(f"{self.full_name}-{str(self.uuid)[:8]}")
        super().save(*args, **kwargs)


class Position(ChangeTrackedMixin, TimeStampedModel):
    """A person's current title and where they hold it."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="position")
    title = models.CharField(max_length=255)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL)
    organization_override = models.CharField(max_length=255, blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    def __str__(self) -> str:
        return f"{self.title} at {self.organization_name}"

    @property
    def organization_name(self) -> str:
        if self.organization_override:
            return self.organization_override
        return self.organization.name if self.organization else ""


class PersonSocialNetwork(ChangeTrackedMixin, TimeStampedModel):
    FACEBOOK, TWITTER, BLOG, OTHERS = "facebook", "twitter", "blog", "others"
    TYPES = [(FACEBOOK, "Facebook"), (TWITTER, "Twitter"), (BLOG, "Blog"), (OTHERS, "Others")]

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_networks")
    type = models.CharField(max_length=15, choices=TYPES, default=OTHERS)
    title = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=500)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type}: {self.url}"


class PersonAreaOfExpertise(ChangeTrackedMixin, TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="areas_of_expertise")
    value = models.CharField(max_length=255)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.value
