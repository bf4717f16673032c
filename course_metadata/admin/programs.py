"""Admin for programs and degrees, with curricula and the degree's costs, deadlines and specializations."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from course_metadata.admin.base import GuardedHistoryAdmin, HistoryAdmin, SubscriptionInclusionAdminMixin
from course_metadata.admin.widgets import CatalogEditingFormMixin
from course_metadata.models import (
    Curriculum,
    Degree,
    DegreeCost,
    DegreeDeadline,
    DegreeSpecialization,
    Program,
    Ranking,
)
from course_metadata.services.program_skills import program_skill_inputs, program_skills_announce


class ProgramSkillsAdminMixin:
    """The admin is a program writer: a save that first publishes a program or changes its overview asks for
    skill tagging (course_metadata.services.program_skills), compared with what was stored before the save."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        form._program_skill_inputs = program_skill_inputs([obj.pk])  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        program_skills_announce(before=getattr(form, "_program_skill_inputs", {}), programs=[form.instance])


class CurriculumInline(admin.TabularInline):
    model = Curriculum
    fields = ["name", "is_active", "active_state_changed_at"]
    readonly_fields = ["active_state_changed_at"]
    extra = 0
    show_change_link = True


PROGRAM_LIST_DISPLAY = [
    "title",
    "type",
    "status",
    "partner",
    "hidden",
    "enterprise_subscription_inclusion",
    "data_modified_timestamp",
]
PROGRAM_READONLY_FIELDS = [
    "uuid",
    "enterprise_subscription_inclusion",
    "data_modified_timestamp",
    "created",
    "modified",
]
PROGRAM_AUTOCOMPLETE_FIELDS = [
    "courses",
    "excluded_course_runs",
    "authoring_organizations",
    "credit_backing_organizations",
]


@admin.register(Program)
class ProgramAdmin(
    ProgramSkillsAdminMixin, CatalogEditingFormMixin, SubscriptionInclusionAdminMixin, GuardedHistoryAdmin
):
    subscription_role = "programs"
    list_display = PROGRAM_LIST_DISPLAY
    list_filter = ["status", "type", "partner", "hidden", "enterprise_subscription_inclusion"]
    list_select_related = ["partner", "type"]
    search_fields = ["title", "marketing_slug"]
    autocomplete_fields = PROGRAM_AUTOCOMPLETE_FIELDS
    raw_id_fields = ["video", "taxi_form"]
    readonly_fields = PROGRAM_READONLY_FIELDS
    inlines = [CurriculumInline]


class DegreeSpecializationInline(admin.TabularInline):
    model = DegreeSpecialization
    extra = 0


class DegreeCostInline(admin.TabularInline):
    model = DegreeCost
    extra = 0


class DegreeDeadlineInline(admin.TabularInline):
    model = DegreeDeadline
    extra = 0


@admin.register(Degree)
class DegreeAdmin(ProgramSkillsAdminMixin, CatalogEditingFormMixin, SubscriptionInclusionAdminMixin, HistoryAdmin):
    subscription_role = "programs"
    list_display = PROGRAM_LIST_DISPLAY
    list_filter = ["status", "partner", "hidden"]
    list_select_related = ["partner", "type"]
    search_fields = ["title", "marketing_slug"]
    autocomplete_fields = PROGRAM_AUTOCOMPLETE_FIELDS
    raw_id_fields = ["video", "taxi_form"]
    filter_horizontal = ["rankings"]
    readonly_fields = PROGRAM_READONLY_FIELDS
    inlines = [DegreeSpecializationInline, DegreeCostInline, DegreeDeadlineInline, CurriculumInline]


@admin.register(Ranking)
class RankingAdmin(admin.ModelAdmin):
    list_display = ["rank", "description", "source"]
    search_fields = ["description", "source"]


@admin.register(DegreeSpecialization)
class DegreeSpecializationAdmin(admin.ModelAdmin):
    list_display = ["value", "degree"]
    list_select_related = ["degree"]
    search_fields = ["value", "degree__title"]
    autocomplete_fields = ["degree"]


@admin.register(DegreeCost)
class DegreeCostAdmin(HistoryAdmin):
    list_display = ["description", "amount", "degree"]
    list_select_related = ["degree"]
    search_fields = ["description", "degree__title"]
    autocomplete_fields = ["degree"]


@admin.register(DegreeDeadline)
class DegreeDeadlineAdmin(HistoryAdmin):
    list_display = ["semester", "name", "date", "time", "degree"]
    list_select_related = ["degree"]
    search_fields = ["semester", "name", "degree__title"]
    autocomplete_fields = ["degree"]
