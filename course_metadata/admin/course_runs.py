"""Admin for course runs, with their seats inline, and for seats."""

from __future__ import annotations

from django.contrib import admin

from course_metadata.admin.base import (
    CompactTabularInline,
    DraftAdminMixin,
    DraftHistoryAdmin,
    SubscriptionInclusionAdminMixin,
)
from course_metadata.admin.widgets import CatalogEditingFormMixin
from course_metadata.models import CourseRun, Seat


class SeatInline(DraftAdminMixin, CompactTabularInline):
    model = Seat
    fields = ["type", "price", "currency", "upgrade_deadline", "credit_provider", "credit_hours", "sku", "draft"]
    extra = 0


@admin.register(CourseRun)
class CourseRunAdmin(CatalogEditingFormMixin, SubscriptionInclusionAdminMixin, DraftHistoryAdmin):
    subscription_role = "course_runs"
    language_list_fields = ["transcript_languages"]
    ai_language_fields = ["ai_languages"]
    rich_text_fields = ["short_description_override", "full_description_override", "outcome_override"]
    list_display = [
        "key",
        "course_title",
        "status",
        "pacing_type",
        "start_date",
        "end_date",
        "hidden",
        "draft",
        "enterprise_subscription_inclusion",
    ]
    list_filter = ["status", "pacing_type", "type", "hidden", "enterprise_subscription_inclusion", "course__partner"]
    list_select_related = ["course"]
    search_fields = ["key", "external_key", "course__title", "course__key"]
    date_hierarchy = "start"
    autocomplete_fields = ["course", "staff"]
    raw_id_fields = ["video"]
    readonly_fields = [
        "uuid",
        "enterprise_subscription_inclusion",
        "data_modified_timestamp",
        "created",
        "modified",
    ]
    inlines = [SeatInline]

    @admin.display(description="Course", ordering="course__title")
    def course_title(self, course_run: CourseRun) -> str:
        return course_run.title

    # Dates without the time: the list has ten columns to fit into a 1,400 px screen.
    @admin.display(description="Start", ordering="start")
    def start_date(self, course_run: CourseRun) -> str:
        return course_run.start.date().isoformat() if course_run.start else "-"

    @admin.display(description="End", ordering="end")
    def end_date(self, course_run: CourseRun) -> str:
        return course_run.end.date().isoformat() if course_run.end else "-"


@admin.register(Seat)
class SeatAdmin(DraftHistoryAdmin):
    list_display = ["course_run", "type", "price", "currency", "upgrade_deadline", "sku", "draft"]
    list_filter = ["type", "currency"]
    list_select_related = ["course_run", "type"]
    search_fields = ["course_run__key", "sku"]
    autocomplete_fields = ["course_run"]
