"""Marketing extras attached to courses: metadata for external products, facts, certificates, SEO and place."""

from __future__ import annotations

from django.db import models
from model_utils import FieldTracker

from course_metadata.models.base import ChangeTrackedMixin, DraftModelMixin, TimeStampedModel, TrackedQuerySet


class Video(ChangeTrackedMixin, TimeStampedModel):
    """Shared rows: services replace a course's video rather than editing one in place."""

    src = models.URLField(max_length=500)
    description = models.CharField(max_length=255, blank=True)
    image_url = models.URLField(blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.src


class AdditionalPromoArea(ChangeTrackedMixin, TimeStampedModel):
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.title


class TaxiForm(ChangeTrackedMixin, TimeStampedModel):
    """A lead-capture form shown on a product page."""

    form_id = models.CharField(max_length=75, blank=True)
    grouping = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=255, blank=True)
    subtitle = models.CharField(max_length=255, blank=True)
    post_submit_url = models.URLField(blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.title or self.form_id


class Fact(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    heading = models.CharField(max_length=255, blank=True)
    blurb = models.TextField(blank=True)

    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.heading


class CertificateInfo(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    heading = models.CharField(max_length=255, blank=True)
    blurb = models.TextField(blank=True)

    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.heading


class ProductMeta(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """Search-engine metadata of a product page."""

    title = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=255, blank=True)
    keywords = models.JSONField(default=list, blank=True)

    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.title


class AdditionalMetadata(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """Data about courses that live outside the platform (external executive-education products)."""

    PRODUCT_STATUSES = [("published", "Published"), ("archived", "Archived")]

    external_url = models.URLField(max_length=511, blank=True)
    external_identifier = models.CharField(max_length=255, blank=True)
    lead_capture_form_url = models.URLField(blank=True)
    organic_url = models.URLField(max_length=511, blank=True)
    facts = models.ManyToManyField(Fact, blank=True, related_name="additional_metadata")
    certificate_info = models.ForeignKey(CertificateInfo, null=True, blank=True, on_delete=models.SET_NULL)
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    registration_deadline = models.DateTimeField(null=True, blank=True)
    variant_id = models.UUIDField(null=True, blank=True)
    course_term_override = models.CharField(max_length=20, blank=True)
    product_status = models.CharField(max_length=50, choices=PRODUCT_STATUSES, default="published")
    product_meta = models.OneToOneField(ProductMeta, null=True, blank=True, on_delete=models.SET_NULL)
    external_course_marketing_type = models.CharField(max_length=255, blank=True)
    display_on_org_page = models.BooleanField(default=True)
    taxi_form = models.ForeignKey(TaxiForm, null=True, blank=True, on_delete=models.SET_NULL)

    tracker = FieldTracker()

    class Meta:
        verbose_name_plural = "additional metadata"

    def __str__(self) -> str:
        return self.external_identifier or self.external_url or f"Additional metadata {self.pk}"


class GeoLocation(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    location_name = models.CharField(max_length=255, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    tracker = FieldTracker()

    def __str__(self) -> str:
        return self.location_name or f"{self.lat}, {self.lng}"


class CourseLocationRestriction(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """Where a course may (allowlist) or may not (blocklist) be offered."""

    ALLOWLIST, BLOCKLIST = "allowlist", "blocklist"
    RESTRICTION_TYPES = [(ALLOWLIST, "Allowlist"), (BLOCKLIST, "Blocklist")]

    restriction_type = models.CharField(max_length=255, choices=RESTRICTION_TYPES, default=BLOCKLIST)
    countries = models.JSONField(default=list, blank=True, help_text="ISO 3166-1 alpha-2 country codes.")
    states = models.JSONField(default=list, blank=True, help_text="US state codes.")

    tracker = FieldTracker()

    def __str__(self) -> str:
        return f"{self.restriction_type}: {', '.join(self.countries)}"


class ProductValue(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """What a lead or click on this product is worth, for marketing spend."""

    per_click_usa = models.IntegerField(default=5)
    per_click_international = models.IntegerField(default=5)
    per_lead_usa = models.IntegerField(default=5)
    per_lead_international = models.IntegerField(default=5)

    tracker = FieldTracker()

    def __str__(self) -> str:
        return f"Product value {self.pk}"
