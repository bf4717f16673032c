"""Admin for courses, with their runs, entitlements, slug history and editors inline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from course_metadata.admin.base import (
    CompactTabularInline,
    DraftAdminMixin,
    DraftHistoryAdmin,
    GuardedHistoryAdmin,
    SubscriptionInclusionAdminMixin,
)
from course_metadata.admin.widgets import CatalogEditingFormMixin
from course_metadata.models import Course, CourseEditor, CourseEntitlement, CourseRun, CourseUrlSlugHistory


class CourseAdminForm(forms.ModelForm):
    """A new course takes its key from its first authoring organization and its number (``edX+CS101``)."""

    class Meta:
        model = Course
        fields = "__all__"  # noqa: DJ007  (the admin's fieldsets and read-only fields decide what shows)

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        if self.instance.pk is None:
            organizations = cleaned_data.get("authoring_organizations") or []
            number, partner = cleaned_data.get("number"), cleaned_data.get("partner")
            if not organizations:
                self.add_error(
                    "authoring_organizations", _("A new course needs an authoring organization for its key.")
                )
            elif number and partner:
                key = Course.make_key(organizations[0].key, number)
                if Course.objects.filter(partner=partner, key=key, draft=False).exists():
                    self.add_error("number", _("The course %(key)s already exists.") % {"key": key})
                self.instance.key = key
        return cleaned_data


class CourseRunInline(DraftAdminMixin, CompactTabularInline):
    model = CourseRun
    fk_name = "course"
    fields = ["key", "status", "type", "pacing_type", "start", "end", "hidden", "draft"]
    readonly_fields = ["status"]  # moved by the review workflow (the course run admin's actions)
    extra = 0
    show_change_link = True
    ordering = ["start"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("type")


class CourseEntitlementInline(DraftAdminMixin, CompactTabularInline):
    model = CourseEntitlement
    fields = ["mode", "price", "currency", "sku", "draft"]
    extra = 0


class CourseUrlSlugHistoryInline(admin.TabularInline):
    model = CourseUrlSlugHistory
    fields = ["url_slug", "created"]
    readonly_fields = ["created"]
    extra = 0


class CourseEditorInline(admin.TabularInline):
    model = CourseEditor
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Course)
class CourseAdmin(CatalogEditingFormMixin, SubscriptionInclusionAdminMixin, DraftAdminMixin, GuardedHistoryAdmin):
    subscription_role = "courses"  # its inlined runs are recomputed with it
    email_list_fields = ["watchers"]
    form = CourseAdminForm
    list_display = [
        "key",
        "title",
        "partner",
        "type",
        "draft",
        "enterprise_subscription_inclusion",
        "data_modified_timestamp",
    ]
    list_filter = ["partner", "type", "level_type", "enterprise_subscription_inclusion", "product_source"]
    list_select_related = ["partner", "type"]
    search_fields = ["key", "title", "number", "url_slug"]
    autocomplete_fields = ["authoring_organizations", "sponsoring_organizations", "subjects", "collaborators"]
    raw_id_fields = [
        "canonical_course_run",
        "video",
        "extra_description",
        "additional_metadata",
        "geolocation",
        "location_restriction",
        "in_year_value",
    ]
    readonly_fields = [
        "key",
        "uuid",
        "enterprise_subscription_inclusion",
        "data_modified_timestamp",
        "created",
        "modified",
    ]
    # The change form in the sections an editor works through, most used first; the record's own
    # bookkeeping folds away at the end. tests/course_metadata/test_admin.py checks every field is placed.
    fieldsets = [
        (
            _("Identity"),
            {"fields": ["partner", "number", "key", "key_for_reruns", "title", "url_slug", "type", "product_source"]},
        ),
        (
            _("Marketing copy"),
            {
                "description": _("What the course's marketing page and cards say about it."),
                "fields": [
                    *Course.RICH_TEXT_FIELDS,
                    "extra_description",
                    "additional_metadata",
                ],
            },
        ),
        (
            _("Media and branding"),
            {
                "fields": [
                    "image_url",
                    "card_image_url",
                    "video",
                    "organization_logo_override_url",
                    "organization_short_code_override",
                ]
            },
        ),
        (
            _("Organizations"),
            {"fields": ["authoring_organizations", "sponsoring_organizations", "collaborators"]},
        ),
        (_("Taxonomy"), {"fields": ["level_type", "subjects", "topics"]}),
        (
            _("Enrollment"),
            {
                "fields": [
                    "canonical_course_run",
                    "enrollment_count",
                    "recent_enrollment_count",
                    "location_restriction",
                    "geolocation",
                    "in_year_value",
                ]
            },
        ),
        (
            _("Visibility and enterprise"),
            {
                "fields": [
                    "excluded_from_search",
                    "excluded_from_seo",
                    "enterprise_subscription_opt_in",
                    "enterprise_subscription_inclusion",
                ]
            },
        ),
        (_("Review and notifications"), {"fields": ["draft", "draft_version", "watchers"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["uuid", "data_modified_timestamp", "created", "modified"]},
        ),
    ]
    inlines = [CourseRunInline, CourseEntitlementInline, CourseUrlSlugHistoryInline, CourseEditorInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Course | None = None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("number")  # a course's number never changes once it exists
        return readonly


@admin.register(CourseEntitlement)
class CourseEntitlementAdmin(DraftHistoryAdmin):
    list_display = ["course", "mode", "price", "currency", "sku", "draft"]
    list_filter = ["mode", "currency"]
    list_select_related = ["course", "mode"]
    search_fields = ["course__key", "course__title", "sku"]
    autocomplete_fields = ["course"]


@admin.register(CourseUrlSlugHistory)
class CourseUrlSlugHistoryAdmin(admin.ModelAdmin):
    list_display = ["url_slug", "course", "created"]
    list_select_related = ["course"]
    search_fields = ["url_slug", "course__key"]
    autocomplete_fields = ["course"]


@admin.register(CourseEditor)
class CourseEditorAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "created"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "user__email", "course__key"]
    autocomplete_fields = ["course"]
    raw_id_fields = ["user"]
