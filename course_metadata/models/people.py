"""People who teach or staff course runs, and what the marketing site shows about them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, RichTextMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin
from course_metadata.models.partners import Organization, Partner


class Person(RichTextMixin, ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="people", null=True, verbose_name=_("partner")
    )
    salutation = models.CharField(max_length=10, blank=True, verbose_name=_("salutation"))
    given_name = models.CharField(max_length=255, verbose_name=_("given name"))
    family_name = models.CharField(max_length=255, blank=True, verbose_name=_("family name"))
    slug = models.SlugField(max_length=255, unique=True, blank=True, verbose_name=_("slug"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    bio = models.TextField(blank=True, verbose_name=_("bio"))
    major_works = models.TextField(blank=True, verbose_name=_("major works"))
    RICH_TEXT_FIELDS = ("bio", "major_works")
    profile_image_url = models.URLField(blank=True, verbose_name=_("profile image url"))
    published = models.BooleanField(default=True, verbose_name=_("published"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("person")
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class Position(ChangeTrackedMixin, TimeStampedModel):
    """A person's current title and where they hold it."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="position", verbose_name=_("person"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("organization")
    )
    organization_override = models.CharField(max_length=255, blank=True, verbose_name=_("organization override"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.title} at {self.organization_name}"

    @property
    def organization_name(self) -> str:
        if self.organization_override:
            return self.organization_override
        return self.organization.name if self.organization else ""


class PersonSocialNetwork(ChangeTrackedMixin, TimeStampedModel):
    FACEBOOK, TWITTER, BLOG, OTHERS = "facebook", "twitter", "blog", "others"
    TYPES = [(FACEBOOK, _("Facebook")), (TWITTER, _("Twitter")), (BLOG, _("Blog")), (OTHERS, _("Others"))]

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="person_networks", verbose_name=_("person")
    )
    type = models.CharField(max_length=15, choices=TYPES, default=OTHERS, verbose_name=_("type"))
    title = models.CharField(max_length=255, blank=True, verbose_name=_("title"))
    url = models.URLField(max_length=500, verbose_name=_("url"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("person social network")
        verbose_name_plural = _("person social networks")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type}: {self.url}"


class PersonAreaOfExpertise(ChangeTrackedMixin, TimeStampedModel):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="areas_of_expertise", verbose_name=_("person")
    )
    value = models.CharField(max_length=255, verbose_name=_("value"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("person area of expertise")
        verbose_name_plural = _("person areas of expertise")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.value
