"""Site tenants (partners) and the organizations that author content for them."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    RichTextMixin,
    TimeStampedModel,
    TrackedQuerySet,
    UUIDMixin,
)
from dbkit.encrypted import EncryptedTextField

# The characters edx-opaque-keys accepts in the org and course parts of a key.
KEY_PART_RE = re.compile(r"^[\w\-~.:]+$")


def validate_key_part(value: str) -> None:
    if not KEY_PART_RE.match(value or ""):
        raise ValidationError(
            _("%(value)r may only contain letters, digits, '-', '_', '~', '.' and ':'."),
            params={"value": value},
            code="invalid_key_part",
        )


class Partner(TimeStampedModel, UUIDMixin):
    """A site tenant (edx.org, a university's own site); every piece of content belongs to one."""

    short_code = models.SlugField(
        max_length=32, unique=True, help_text=_("Short code used in APIs and commands."), verbose_name=_("short code")
    )
    name = models.CharField(max_length=255, unique=True, verbose_name=_("name"))
    lms_url = models.URLField(blank=True, verbose_name=_("lms url"))
    studio_url = models.URLField(blank=True, verbose_name=_("studio url"))
    ecommerce_api_url = models.URLField(blank=True, verbose_name=_("ecommerce api url"))
    courses_api_url = models.URLField(blank=True, verbose_name=_("courses api url"))
    organizations_api_url = models.URLField(blank=True, verbose_name=_("organizations api url"))
    marketing_site_url_root = models.URLField(blank=True, verbose_name=_("marketing site url root"))
    lms_admin_url = models.URLField(blank=True, verbose_name=_("lms admin url"))
    # What refresh_course_metadata signs in to the LMS with (OAuth2 client credentials, a JWT access token).
    oauth2_client_id = models.CharField(max_length=255, blank=True, verbose_name=_("OAuth2 client id"))
    # Encrypted at rest and write-only in the admin (ADR 0072); no API serializes partners' credentials.
    oauth2_client_secret = EncryptedTextField(blank=True, verbose_name=_("OAuth2 client secret"))
    uses_publisher = models.BooleanField(
        default=True,
        verbose_name=_("uses Publisher"),
        help_text=_(
            "Course teams write descriptions in Publisher. Off: Studio (the LMS) is the source of truth for "
            "descriptions, images, video and mobile availability, and refresh_course_metadata copies them."
        ),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["short_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_code})"


class TaggedOrganization(ChangeTrackedMixin, TaggedItemBase):
    content_object = models.ForeignKey("Organization", on_delete=models.CASCADE, verbose_name=_("content object"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("tagged organization")
        verbose_name_plural = _("tagged organizations")


class Organization(RichTextMixin, TimeStampedModel, UUIDMixin, DataModifiedMixin):
    """An institution that authors or sponsors courses (edX, MITx, HarvardX)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("partner")
    )
    key = models.CharField(
        max_length=255, validators=[validate_key_part], help_text=_("e.g. MITx"), verbose_name=_("key")
    )
    name = models.CharField(max_length=255, verbose_name=_("name"))
    slug = models.SlugField(max_length=255, blank=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    description_es = models.TextField(
        blank=True,
        help_text=_("Spanish description, where the marketing site has one."),
        verbose_name=_("description es"),
    )
    RICH_TEXT_FIELDS = ("description", "description_es")
    homepage_url = models.URLField(max_length=255, blank=True, verbose_name=_("homepage url"))
    marketing_url_path = models.CharField(max_length=255, blank=True, verbose_name=_("marketing url path"))
    logo_image_url = models.URLField(blank=True, verbose_name=_("logo image url"))
    banner_image_url = models.URLField(blank=True, verbose_name=_("banner image url"))
    certificate_logo_image_url = models.URLField(blank=True, verbose_name=_("certificate logo image url"))
    organization_hex_color = models.CharField(max_length=6, blank=True, verbose_name=_("organization hex color"))
    auto_generate_course_run_keys = models.BooleanField(
        default=True,
        help_text=_("Derive new run keys from the start date instead of asking the course team."),
        verbose_name=_("auto generate course run keys"),
    )
    enterprise_subscription_inclusion = models.BooleanField(
        default=False,
        help_text=_("Opting out takes every course, run and program of this organization out of subscriptions."),
        verbose_name=_("enterprise subscription inclusion"),
    )
    tags = TaggableManager(through=TaggedOrganization, blank=True, verbose_name=_("tags"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["partner", "key"], name="organization_unique_key_per_partner")]

    def __str__(self) -> str:
        return f"{self.key}: {self.name}"

    @property
    def marketing_url(self) -> str | None:
        root = self.partner.marketing_site_url_root if self.partner_id else ""
        if self.marketing_url_path and root:
            return f"{root.rstrip('/')}/{self.marketing_url_path.lstrip('/')}"
        return None


class OrganizationExtension(TimeStampedModel):
    """Ties an organization to the Django group whose members author its courses in Publisher."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="organization_extension", verbose_name=_("organization")
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organization_extension", verbose_name=_("group")
    )

    class Meta:
        verbose_name = _("organization extension")
        verbose_name_plural = _("organization extensions")

    def __str__(self) -> str:
        return f"{self.organization.key} ↔ {self.group.name}"
