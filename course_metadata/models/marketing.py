"""Marketing extras attached to courses: metadata for external products, facts, certificates, SEO and place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DraftModelMixin,
    RichTextMixin,
    TimeStampedModel,
    TrackedQuerySet,
)


class Video(ChangeTrackedMixin, TimeStampedModel):
    """Shared rows: services replace a course's video rather than editing one in place."""

    src = models.URLField(max_length=500, verbose_name=_("src"))
    description = models.CharField(max_length=255, blank=True, verbose_name=_("description"))
    image_url = models.URLField(blank=True, verbose_name=_("image url"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def __str__(self) -> str:
        return self.src


class AdditionalPromoArea(RichTextMixin, ChangeTrackedMixin, TimeStampedModel):
    title = models.CharField(max_length=255, blank=True, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    RICH_TEXT_FIELDS = ("description",)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("additional promo area")
        verbose_name_plural = _("additional promo areas")

    def __str__(self) -> str:
        return self.title


class TaxiForm(ChangeTrackedMixin, TimeStampedModel):
    """A lead-capture form shown on a product page."""

    form_id = models.CharField(max_length=75, blank=True, verbose_name=_("form id"))
    grouping = models.CharField(max_length=50, blank=True, verbose_name=_("grouping"))
    title = models.CharField(max_length=255, blank=True, verbose_name=_("title"))
    subtitle = models.CharField(max_length=255, blank=True, verbose_name=_("subtitle"))
    post_submit_url = models.URLField(blank=True, verbose_name=_("post submit url"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("taxi form")
        verbose_name_plural = _("taxi forms")

    def __str__(self) -> str:
        return self.title or self.form_id


class Fact(RichTextMixin, ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    heading = models.CharField(max_length=255, blank=True, verbose_name=_("heading"))
    blurb = models.TextField(blank=True, verbose_name=_("blurb"))
    RICH_TEXT_FIELDS = ("blurb",)

    tracker = FieldTracker()

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")

    def __str__(self) -> str:
        return self.heading


class CertificateInfo(RichTextMixin, ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    heading = models.CharField(max_length=255, blank=True, verbose_name=_("heading"))
    blurb = models.TextField(blank=True, verbose_name=_("blurb"))
    RICH_TEXT_FIELDS = ("blurb",)

    tracker = FieldTracker()

    class Meta:
        verbose_name = _("certificate info")
        verbose_name_plural = _("certificate info")

    def __str__(self) -> str:
        return self.heading


class ProductMeta(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """Search-engine metadata of a product page."""

    title = models.CharField(max_length=200, blank=True, verbose_name=_("title"))
    description = models.CharField(max_length=255, blank=True, verbose_name=_("description"))
    keywords = models.JSONField(default=list, blank=True, verbose_name=_("keywords"))

    tracker = FieldTracker()

    class Meta:
        verbose_name = _("product meta")
        verbose_name_plural = _("product meta")

    def __str__(self) -> str:
        return self.title


class AdditionalMetadata(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """Data about courses that live outside the platform (external executive-education products)."""

    PRODUCT_STATUSES = [("published", _("Published")), ("archived", _("Archived"))]

    external_url = models.URLField(max_length=511, blank=True, verbose_name=_("external url"))
    external_identifier = models.CharField(max_length=255, blank=True, verbose_name=_("external identifier"))
    lead_capture_form_url = models.URLField(blank=True, verbose_name=_("lead capture form url"))
    organic_url = models.URLField(max_length=511, blank=True, verbose_name=_("organic url"))
    facts = models.ManyToManyField(Fact, blank=True, related_name="additional_metadata", verbose_name=_("facts"))
    certificate_info = models.ForeignKey(
        CertificateInfo, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("certificate info")
    )
    start_date = models.DateTimeField(null=True, blank=True, verbose_name=_("start date"))
    end_date = models.DateTimeField(null=True, blank=True, verbose_name=_("end date"))
    registration_deadline = models.DateTimeField(null=True, blank=True, verbose_name=_("registration deadline"))
    variant_id = models.UUIDField(null=True, blank=True, verbose_name=_("variant id"))
    course_term_override = models.CharField(max_length=20, blank=True, verbose_name=_("course term override"))
    product_status = models.CharField(
        max_length=50, choices=PRODUCT_STATUSES, default="published", verbose_name=_("product status")
    )
    product_meta = models.OneToOneField(
        ProductMeta, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("product meta")
    )
    external_course_marketing_type = models.CharField(
        max_length=255, blank=True, verbose_name=_("external course marketing type")
    )
    display_on_org_page = models.BooleanField(default=True, verbose_name=_("display on org page"))
    taxi_form = models.ForeignKey(
        TaxiForm, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("taxi form")
    )

    tracker = FieldTracker()

    # The columns that are plain values (no related rows): read and written under their own names.
    PLAIN_FIELDS = (
        "external_url",
        "external_identifier",
        "lead_capture_form_url",
        "organic_url",
        "start_date",
        "end_date",
        "registration_deadline",
        "variant_id",
        "course_term_override",
        "product_status",
        "external_course_marketing_type",
        "display_on_org_page",
    )

    class Meta:
        verbose_name = _("additional metadata")
        verbose_name_plural = _("additional metadata")

    def __str__(self) -> str:
        return self.external_identifier or self.external_url or f"Additional metadata {self.pk}"


class GeoLocation(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    location_name = models.CharField(max_length=255, blank=True, verbose_name=_("location name"))
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("lat"))
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("lng"))

    tracker = FieldTracker()

    class Meta:
        verbose_name = _("geo location")
        verbose_name_plural = _("geo locations")

    def __str__(self) -> str:
        return self.location_name or f"{self.lat}, {self.lng}"


class CourseLocationRestriction(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """Where a course may (allowlist) or may not (blocklist) be offered."""

    ALLOWLIST, BLOCKLIST = "allowlist", "blocklist"
    RESTRICTION_TYPES = [(ALLOWLIST, _("Allowlist")), (BLOCKLIST, _("Blocklist"))]

    restriction_type = models.CharField(
        max_length=255, choices=RESTRICTION_TYPES, default=BLOCKLIST, verbose_name=_("restriction type")
    )
    countries = models.JSONField(
        default=list, blank=True, help_text=_("ISO 3166-1 alpha-2 country codes."), verbose_name=_("countries")
    )
    states = models.JSONField(default=list, blank=True, help_text=_("US state codes."), verbose_name=_("states"))

    tracker = FieldTracker()

    class Meta:
        verbose_name = _("course location restriction")
        verbose_name_plural = _("course location restrictions")

    def __str__(self) -> str:
        return f"{self.restriction_type}: {', '.join(self.countries)}"


class ProductValue(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """What a lead or click on this product is worth, for marketing spend."""

    per_click_usa = models.IntegerField(default=5, verbose_name=_("per click usa"))
    per_click_international = models.IntegerField(default=5, verbose_name=_("per click international"))
    per_lead_usa = models.IntegerField(default=5, verbose_name=_("per lead usa"))
    per_lead_international = models.IntegerField(default=5, verbose_name=_("per lead international"))

    tracker = FieldTracker()

    class Meta:
        verbose_name = _("product value")
        verbose_name_plural = _("product values")

    def __str__(self) -> str:
        return f"Product value {self.pk}"
