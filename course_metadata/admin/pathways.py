"""Admin for credit pathways and learner pathways, with steps and their course, program and block nodes."""

from __future__ import annotations

from django.contrib import admin

from course_metadata.models import (
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Pathway,
)


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    list_display = ["name", "org_name", "partner", "pathway_type", "status", "modified"]
    list_filter = ["partner", "pathway_type", "status"]
    list_select_related = ["partner"]
    search_fields = ["name", "org_name", "email"]
    autocomplete_fields = ["programs"]
    readonly_fields = ["uuid"]


class LearnerPathwayStepInline(admin.TabularInline):
    model = LearnerPathwayStep
    fields = ["sort_order", "min_requirement"]
    extra = 0
    show_change_link = True


@admin.register(LearnerPathway)
class LearnerPathwayAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "status", "visible_via_association", "modified"]
    list_filter = ["partner", "status", "visible_via_association"]
    list_select_related = ["partner"]
    search_fields = ["title"]
    readonly_fields = ["uuid"]
    inlines = [LearnerPathwayStepInline]


class LearnerPathwayCourseInline(admin.TabularInline):
    model = LearnerPathwayCourse
    autocomplete_fields = ["course"]
    extra = 0


class LearnerPathwayProgramInline(admin.TabularInline):
    model = LearnerPathwayProgram
    autocomplete_fields = ["program"]
    extra = 0


class LearnerPathwayBlockInline(admin.TabularInline):
    model = LearnerPathwayBlock
    autocomplete_fields = ["course"]
    extra = 0


@admin.register(LearnerPathwayStep)
class LearnerPathwayStepAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pathway", "sort_order", "min_requirement"]
    list_select_related = ["pathway"]
    search_fields = ["pathway__title"]
    autocomplete_fields = ["pathway"]
    readonly_fields = ["uuid"]
    inlines = [LearnerPathwayCourseInline, LearnerPathwayProgramInline, LearnerPathwayBlockInline]


class LearnerPathwayNodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "step", "sort_order"]
    list_select_related = ["step__pathway"]
    autocomplete_fields = ["step"]
    readonly_fields = ["uuid"]


@admin.register(LearnerPathwayCourse)
class LearnerPathwayCourseAdmin(LearnerPathwayNodeAdmin):
    list_select_related = ["step__pathway", "course"]
    search_fields = ["course__key", "course__title", "step__pathway__title"]
    autocomplete_fields = ["step", "course"]


@admin.register(LearnerPathwayProgram)
class LearnerPathwayProgramAdmin(LearnerPathwayNodeAdmin):
    list_select_related = ["step__pathway", "program"]
    search_fields = ["program__title", "step__pathway__title"]
    autocomplete_fields = ["step", "program"]


@admin.register(LearnerPathwayBlock)
class LearnerPathwayBlockAdmin(LearnerPathwayNodeAdmin):
    list_display = ["block_id", "course", "step", "estimated_hours"]
    list_select_related = ["step__pathway", "course"]
    search_fields = ["block_id", "course__key", "step__pathway__title"]
    autocomplete_fields = ["step", "course"]
