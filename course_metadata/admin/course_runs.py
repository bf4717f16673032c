"""Admin for course runs, with their seats inline, and for seats."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from course_metadata.admin.base import (
    CompactTabularInline,
    DraftAdminMixin,
    DraftHistoryAdmin,
    SubscriptionInclusionAdminMixin,
)
from course_metadata.admin.widgets import CatalogEditingFormMixin
from course_metadata.models import CourseRun, CourseRunStatus, Seat
from course_metadata.workflow import course_run_transition


def _move(model_admin: admin.ModelAdmin, request: HttpRequest, runs: QuerySet[CourseRun], to_status: str) -> None:
    """Move each selected run through the review workflow (never by writing ``status`` directly)."""
    moved = []
    for course_run in runs:
        try:
            course_run_transition(course_run=course_run, to_status=to_status, user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            model_admin.message_user(
                request,
                gettext("%(key)s: %(errors)s") % {"key": course_run.key, "errors": " ".join(error.messages)},
                messages.ERROR,
            )
        else:
            moved.append(course_run.key)
    if moved:
        label = CourseRunStatus(to_status).label
        model_admin.message_user(
            request, gettext("%(status)s: %(keys)s.") % {"status": label, "keys": ", ".join(moved)}, messages.SUCCESS
        )


@admin.action(description=_("Submit for legal review"))
def submit_for_review(model_admin: admin.ModelAdmin, request: HttpRequest, runs: QuerySet[CourseRun]) -> None:
    _move(model_admin, request, runs, CourseRunStatus.LEGAL_REVIEW)


@admin.action(description=_("Pass legal review (on to internal review)"))
def pass_legal_review(model_admin: admin.ModelAdmin, request: HttpRequest, runs: QuerySet[CourseRun]) -> None:
    _move(model_admin, request, runs, CourseRunStatus.INTERNAL_REVIEW)


@admin.action(description=_("Pass internal review (publish when due)"))
def pass_internal_review(model_admin: admin.ModelAdmin, request: HttpRequest, runs: QuerySet[CourseRun]) -> None:
    _move(model_admin, request, runs, CourseRunStatus.REVIEWED)


@admin.action(description=_("Send back to the course team (unpublished)"))
def send_back(model_admin: admin.ModelAdmin, request: HttpRequest, runs: QuerySet[CourseRun]) -> None:
    _move(model_admin, request, runs, CourseRunStatus.UNPUBLISHED)


class SeatInline(DraftAdminMixin, CompactTabularInline):
    model = Seat
    fields = ["type", "price", "currency", "upgrade_deadline", "credit_provider", "credit_hours", "sku", "draft"]
    extra = 0


@admin.register(CourseRun)
class CourseRunAdmin(CatalogEditingFormMixin, SubscriptionInclusionAdminMixin, DraftHistoryAdmin):
    subscription_role = "course_runs"
    language_list_fields = ["transcript_languages"]
    ai_language_fields = ["ai_languages"]
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
    # The status moves only through the review workflow: the actions below (course_metadata.workflow).
    actions = [submit_for_review, pass_legal_review, pass_internal_review, send_back]
    readonly_fields = [
        "status",
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

    # Dates without the time: the list has ten columns to fit into a 1,400 px screen.
    @admin.display(description=_("Start"), ordering="start")
    def start_date(self, course_run: CourseRun) -> str:
        return course_run.start.date().isoformat() if course_run.start else "-"

    @admin.display(description=_("End"), ordering="end")
    def end_date(self, course_run: CourseRun) -> str:
        return course_run.end.date().isoformat() if course_run.end else "-"


@admin.register(Seat)
class SeatAdmin(DraftHistoryAdmin):
    list_display = ["course_run", "type", "price", "currency", "upgrade_deadline", "sku", "draft"]
    list_filter = ["type", "currency"]
    list_select_related = ["course_run", "type"]
    search_fields = ["course_run__key", "sku"]
    autocomplete_fields = ["course_run"]
