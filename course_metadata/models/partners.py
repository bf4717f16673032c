"""Site tenants (partners) and the organizations that author content for them."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from model_utils import FieldTracker
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    TimeStampedModel,
    TrackedQuerySet,
    UUIDMixin,
)

# The characters edx-opaque-keys accepts in the org and course parts of a key.
KEY_PART_RE = re.compile(r"^[\w\-~.:]+$")


def validate_key_part(value: str) -> None:
    if not KEY_PART_RE.match(value or ""):
        raise ValidationError(
            "%(value)r may only contain letters, digits, '-', '_', '~', '.' and ':'.",
            params={"value": value},
            code="invalid_key_part",
        )


class Partner(TimeStampedModel, UUIDMixin):
    """A site tenant (edx.org, a university's own site); every piece of content belongs to one."""

    short_code = models.SlugField(max_length=32, unique=True, help_text="Short code used in APIs and commands.")
    name = models.CharField(max_length=255, unique=True)
    lms_url = models.URLField(blank=True)
    studio_url = models.URLField(blank=True)
    ecommerce_api_url = models.URLField(blank=True)
    courses_api_url = models.URLField(blank=True)
    organizations_api_url = models.URLField(blank=True)
    marketing_site_url_root = models.URLField(blank=True)
    lms_admin_url = models.URLField(blank=True)
    # What refresh_course_metadata signs in to the LMS with (OAuth2 client credentials, a JWT access token).
    oauth2_client_id = models.CharField(max_length=255, blank=True)
    oauth2_client_secret = models.CharField(max_length=255, blank=True)
    uses_publisher = models.BooleanField(
        default=True,
        help_text=(
            "Course teams write descriptions in Publisher. Off: Studio (the LMS) is the source of truth for "
            "descriptions, images, video and mobile availability, and refresh_course_metadata copies them."
        ),
    )

    class Meta:
        ordering = ["short_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_code})"


class TaggedOrganization(ChangeTrackedMixin, TaggedItemBase):
    content_object = models.ForeignKey("Organization", on_delete=models.CASCADE)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()


class Organization(TimeStampedModel, UUIDMixin, DataModifiedMixin):
    """An institution that authors or sponsors courses (edX, MITx, HarvardX)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="organizations")
    key = models.CharField(max_length=255, validators=[validate_key_part], help_text="e.g. MITx")
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    description_es = models.TextField(blank=True, help_text="Spanish description, where the marketing site has one.")
    homepage_url = models.URLField(max_length=255, blank=True)
    marketing_url_path = models.CharField(max_length=255, blank=True)
    logo_image_url = models.URLField(blank=True)
    banner_image_url = models.URLField(blank=True)
    certificate_logo_image_url = models.URLField(blank=True)
    organization_hex_color = models.CharField(max_length=6, blank=True)
    auto_generate_course_run_keys = models.BooleanField(
        default=True, help_text="Derive new run keys from the start date instead of asking the course team."
    )
    enterprise_subscription_inclusion = models.BooleanField(
        default=False,
        help_text="Opting out takes every course, run and program of this organization out of subscriptions.",
    )
    tags = TaggableManager(through=TaggedOrganization, blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["partner", "key"], name="organization_unique_key_per_partner")]

    def __str__(self) -> str:
        return f"{self.key}: {self.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.key)
        super().save(*args, **kwargs)

    @property
    def marketing_url(self) -> str | None:
        root = self.partner.marketing_site_url_root if self.partner_id else ""
        if self.marketing_url_path and root:
            return f"{root.rstrip('/')}/{self.marketing_url_path.lstrip('/')}"
        return None


class OrganizationExtension(TimeStampedModel):
    """Ties an organization to the Django group whose members author its courses in Publisher."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="organization_extension")
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organization_extension")

    def __str__(self) -> str:
        return f"{self.organization.key} ↔ {self.group.name}"
