"""Admin for partners, organizations and the Publisher groups tied to them."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from course_metadata.admin.base import SubscriptionInclusionAdminMixin
from course_metadata.models import Organization, OrganizationExtension, Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["short_code", "name", "lms_url", "marketing_site_url_root", "modified"]
    search_fields = ["short_code", "name"]
    readonly_fields = ["uuid", "created", "modified"]


class OrganizationExtensionInline(admin.StackedInline):
    model = OrganizationExtension
    fk_name = "organization"
    max_num = 1
    can_delete = False
    raw_id_fields = ["group"]
    verbose_name = _("Publisher group")


@admin.register(Organization)
class OrganizationAdmin(SubscriptionInclusionAdminMixin, GuardedModelAdmin):  # type: ignore[misc]  # guardian vs. stubs
    subscription_role = "organizations"
    list_display = [
        "key",
        "name",
        "partner",
        "publisher_group",
        "enterprise_subscription_inclusion",
        "auto_generate_course_run_keys",
        "data_modified_timestamp",
    ]
    list_filter = ["partner", "enterprise_subscription_inclusion", "auto_generate_course_run_keys"]
    list_select_related = ["partner", "organization_extension__group"]
    search_fields = ["key", "name", "slug"]
    readonly_fields = ["uuid", "data_modified_timestamp", "created", "modified"]
    inlines = [OrganizationExtensionInline]

    @admin.display(description=_("Publisher group"), ordering="organization_extension__group__name")
    def publisher_group(self, organization: Organization) -> str:
        try:
            return organization.organization_extension.group.name
        except OrganizationExtension.DoesNotExist:
            return "—"


@admin.register(OrganizationExtension)
class OrganizationExtensionAdmin(admin.ModelAdmin):
    list_display = ["organization", "group", "modified"]
    list_select_related = ["organization", "group"]
    search_fields = ["organization__key", "organization__name", "group__name"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["group"]
