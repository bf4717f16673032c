"""Admin for people, their positions, social networks and areas of expertise."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from course_metadata.admin.base import RowRulesAdminMixin
from course_metadata.admin.widgets import CatalogEditingFormMixin
from course_metadata.models import Person, PersonAreaOfExpertise, PersonSocialNetwork, Position


class PositionInline(admin.StackedInline):
    model = Position
    max_num = 1
    autocomplete_fields = ["organization"]


class PersonSocialNetworkInline(admin.TabularInline):
    model = PersonSocialNetwork
    extra = 0


class PersonAreaOfExpertiseInline(admin.TabularInline):
    model = PersonAreaOfExpertise
    extra = 0


@admin.register(Person)
class PersonAdmin(CatalogEditingFormMixin, RowRulesAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "slug", "partner", "position", "published", "modified"]
    list_filter = ["partner", "published"]
    list_select_related = ["partner", "position__organization"]
    search_fields = ["given_name", "family_name", "email", "slug"]
    readonly_fields = ["uuid", "created", "modified"]
    inlines = [PositionInline, PersonSocialNetworkInline, PersonAreaOfExpertiseInline]

    @admin.display(description=_("Name"), ordering="family_name")
    def full_name(self, person: Person) -> str:
        return person.full_name


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["person", "title", "organization", "organization_override"]
    list_select_related = ["person", "organization"]
    search_fields = ["title", "person__given_name", "person__family_name", "organization__key"]
    autocomplete_fields = ["person", "organization"]


@admin.register(PersonSocialNetwork)
class PersonSocialNetworkAdmin(admin.ModelAdmin):
    list_display = ["person", "type", "title", "url"]
    list_filter = ["type"]
    list_select_related = ["person"]
    search_fields = ["person__given_name", "person__family_name", "url"]
    autocomplete_fields = ["person"]


@admin.register(PersonAreaOfExpertise)
class PersonAreaOfExpertiseAdmin(admin.ModelAdmin):
    list_display = ["person", "value"]
    list_select_related = ["person"]
    search_fields = ["value", "person__given_name", "person__family_name"]
    autocomplete_fields = ["person"]
