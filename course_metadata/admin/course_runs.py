"""Admin for course runs, with their seats inline, and for seats."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from course_metadata.admin.base import DraftAdminMixin, DraftHistoryAdmin, SubscriptionInclusionAdminMixin
from course_metadata.models import CourseRun, Seat


class SeatInline(DraftAdminMixin, admin.TabularInline):
    model = Seat
    fields = ["type", "price", "currency", "upgrade_deadline", "credit_provider", "credit_hours", "sku", "draft"]
    extra = 0


@admin.register(CourseRun)
class CourseRunAdmin(SubscriptionInclusionAdminMixin, DraftHistoryAdmin):
    subscription_role = "course_runs"
    list_display = [
        "key",
        "course_title",
        "status",
        "type",
        "pacing_type",
        "start",
        "end",
        "hidden",
        "draft",
        "enterprise_subscription_inclusion",
    ]
    list_filter = ["status", "pacing_type", "type", "hidden", "enterprise_subscription_inclusion", "course__partner"]
    list_select_related = ["course", "type"]
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

    @admin.display(description=_("Course"), ordering="course__title")
    def course_title(self, course_run: CourseRun) -> str:
        return course_run.title


@admin.register(Seat)
class SeatAdmin(DraftHistoryAdmin):
    list_display = ["course_run", "type", "price", "currency", "upgrade_deadline", "sku", "draft"]
    list_filter = ["type", "currency"]
    list_select_related = ["course_run", "type"]
    search_fields = ["course_run__key", "sku"]
    autocomplete_fields = ["course_run"]
