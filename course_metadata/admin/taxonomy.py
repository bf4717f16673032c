"""Admin for vocabularies and product types: subjects, topics, levels, collaborators, sources, seat types, ..."""

from __future__ import annotations

from django.contrib import admin

from course_metadata.admin.base import RowRulesAdminMixin
from course_metadata.models import (
    Collaborator,
    CourseRunType,
    CourseType,
    LevelType,
    Mode,
    ProgramType,
    SeatType,
    Source,
    Subject,
    Topic,
    Track,
)


@admin.register(Subject)
class SubjectAdmin(RowRulesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "partner", "modified"]
    list_filter = ["partner"]
    list_select_related = ["partner"]
    search_fields = ["name", "slug"]
    readonly_fields = ["uuid"]


@admin.register(Topic)
class TopicAdmin(RowRulesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "partner", "modified"]
    list_filter = ["partner"]
    list_select_related = ["partner"]
    search_fields = ["name", "slug"]
    readonly_fields = ["uuid"]


@admin.register(LevelType)
class LevelTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_value"]
    list_editable = ["sort_value"]
    search_fields = ["name"]


@admin.register(Collaborator)
class CollaboratorAdmin(admin.ModelAdmin):
    list_display = ["name", "image_url", "modified"]
    search_fields = ["name"]
    readonly_fields = ["uuid"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["ofac_restricted_program_types"]


@admin.register(SeatType)
class SeatTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Mode)
class ModeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_id_verified", "is_credit_eligible", "certificate_type", "payee"]
    list_filter = ["is_id_verified", "is_credit_eligible"]
    search_fields = ["name", "slug"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode", "seat_type"]
    list_select_related = ["mode", "seat_type"]
    search_fields = ["mode__name", "seat_type__name"]


@admin.register(CourseRunType)
class CourseRunTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_marketable"]
    list_filter = ["is_marketable"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["tracks"]
    readonly_fields = ["uuid"]


@admin.register(CourseType)
class CourseTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["course_run_types", "entitlement_types"]
    readonly_fields = ["uuid"]


@admin.register(ProgramType)
class ProgramTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "coaching_supported"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["applicable_seat_types"]
    readonly_fields = ["uuid"]
