"""Admin for curricula and their course and program memberships (with course run exclusions)."""

from __future__ import annotations

from django.contrib import admin

from course_metadata.admin.base import HistoryAdmin
from course_metadata.models import (
    Curriculum,
    CurriculumCourseMembership,
    CurriculumCourseRunExclusion,
    CurriculumProgramMembership,
)


class CurriculumCourseMembershipInline(admin.TabularInline):
    model = CurriculumCourseMembership
    fields = ["course", "is_active"]
    autocomplete_fields = ["course"]
    extra = 0
    show_change_link = True


class CurriculumProgramMembershipInline(admin.TabularInline):
    model = CurriculumProgramMembership
    fields = ["program", "is_active"]
    autocomplete_fields = ["program"]
    extra = 0


@admin.register(Curriculum)
class CurriculumAdmin(HistoryAdmin):
    list_display = ["__str__", "program", "is_active", "active_state_changed_at", "modified"]
    list_filter = ["is_active", "program__type"]
    list_select_related = ["program"]
    search_fields = ["name", "program__title"]
    autocomplete_fields = ["program"]
    readonly_fields = ["uuid", "active_state_changed_at", "created", "modified"]
    inlines = [CurriculumCourseMembershipInline, CurriculumProgramMembershipInline]


class CurriculumCourseRunExclusionInline(admin.TabularInline):
    model = CurriculumCourseRunExclusion
    autocomplete_fields = ["course_run"]
    extra = 0


@admin.register(CurriculumCourseMembership)
class CurriculumCourseMembershipAdmin(HistoryAdmin):
    list_display = ["course", "curriculum", "is_active", "modified"]
    list_filter = ["is_active"]
    list_select_related = ["course", "curriculum"]
    search_fields = ["course__key", "course__title", "curriculum__name"]
    autocomplete_fields = ["course", "curriculum"]
    inlines = [CurriculumCourseRunExclusionInline]


@admin.register(CurriculumProgramMembership)
class CurriculumProgramMembershipAdmin(HistoryAdmin):
    list_display = ["program", "curriculum", "is_active", "modified"]
    list_filter = ["is_active"]
    list_select_related = ["program", "curriculum"]
    search_fields = ["program__title", "curriculum__name"]
    autocomplete_fields = ["program", "curriculum"]


@admin.register(CurriculumCourseRunExclusion)
class CurriculumCourseRunExclusionAdmin(HistoryAdmin):
    list_display = ["course_run", "course_membership", "modified"]
    list_select_related = ["course_run", "course_membership__curriculum", "course_membership__course"]
    search_fields = ["course_run__key", "course_membership__curriculum__name"]
    autocomplete_fields = ["course_run"]
    raw_id_fields = ["course_membership"]
