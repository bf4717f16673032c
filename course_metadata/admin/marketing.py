"""Admin for the marketing extras attached to courses."""

from __future__ import annotations

from django.contrib import admin

from course_metadata.admin.base import DraftModelAdmin, RowRulesAdminMixin
from course_metadata.models import (
    AdditionalMetadata,
    AdditionalPromoArea,
    CertificateInfo,
    CourseLocationRestriction,
    Fact,
    GeoLocation,
    ProductMeta,
    ProductValue,
    TaxiForm,
    Video,
)


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["src", "description", "modified"]
    search_fields = ["src", "description"]


@admin.register(AdditionalPromoArea)
class AdditionalPromoAreaAdmin(RowRulesAdminMixin, admin.ModelAdmin):
    list_display = ["title", "modified"]
    search_fields = ["title"]


@admin.register(TaxiForm)
class TaxiFormAdmin(admin.ModelAdmin):
    list_display = ["form_id", "title", "grouping", "modified"]
    search_fields = ["form_id", "title"]


@admin.register(Fact)
class FactAdmin(DraftModelAdmin):
    list_display = ["heading", "draft", "modified"]
    search_fields = ["heading", "blurb"]


@admin.register(CertificateInfo)
class CertificateInfoAdmin(DraftModelAdmin):
    list_display = ["heading", "draft", "modified"]
    search_fields = ["heading", "blurb"]


@admin.register(ProductMeta)
class ProductMetaAdmin(DraftModelAdmin):
    list_display = ["title", "description", "draft", "modified"]
    search_fields = ["title", "description"]


@admin.register(AdditionalMetadata)
class AdditionalMetadataAdmin(DraftModelAdmin):
    list_display = ["__str__", "external_url", "product_status", "external_course_marketing_type", "draft"]
    list_filter = ["product_status", "external_course_marketing_type"]
    search_fields = ["external_identifier", "external_url"]
    raw_id_fields = ["facts", "certificate_info", "product_meta", "taxi_form"]


@admin.register(GeoLocation)
class GeoLocationAdmin(DraftModelAdmin):
    list_display = ["location_name", "lat", "lng", "draft"]
    search_fields = ["location_name"]


@admin.register(CourseLocationRestriction)
class CourseLocationRestrictionAdmin(DraftModelAdmin):
    list_display = ["__str__", "restriction_type", "draft", "modified"]
    list_filter = ["restriction_type"]


@admin.register(ProductValue)
class ProductValueAdmin(DraftModelAdmin):
    list_display = ["__str__", "per_click_usa", "per_click_international", "per_lead_usa", "draft"]
