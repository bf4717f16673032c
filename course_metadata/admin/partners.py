"""Admin for partners, organizations and the Publisher groups tied to them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from course_metadata.admin.base import RowRulesAdminMixin, SubscriptionInclusionAdminMixin
from course_metadata.models import Organization, OrganizationExtension, Partner

SECRET_FIELD = "oauth2_client_secret"
CLEAR_SECRET_FIELD = "clear_oauth2_client_secret"


class WriteOnlySecretField(forms.CharField):
    """A password box that never shows the stored value: blank keeps it, anything typed replaces it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, strip=True, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
        )

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)


class PartnerAdminForm(forms.ModelForm):
    """The OAuth2 client secret is write-only: the form says whether one is stored, never what it is (ADR 0072)."""

    oauth2_client_secret = WriteOnlySecretField()
    clear_oauth2_client_secret = forms.BooleanField(required=False, label=_("Remove the stored OAuth2 client secret"))

    class Meta:
        model = Partner
        fields = "__all__"  # noqa: DJ007  (the ModelAdmin passes its own field list to the form)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[SECRET_FIELD]
        field.label = _("OAuth2 client secret")
        field.help_text = (
            _("A secret is stored. Leave this blank to keep it, or type a new one to replace it.")
            if self.instance.oauth2_client_secret
            else _("No secret is stored.")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get(CLEAR_SECRET_FIELD) and cleaned.get(SECRET_FIELD):
            self.add_error(CLEAR_SECRET_FIELD, _("Either type a new secret or remove the stored one, not both."))
        elif cleaned.get(CLEAR_SECRET_FIELD):
            cleaned[SECRET_FIELD] = ""
        elif not cleaned.get(SECRET_FIELD):
            cleaned[SECRET_FIELD] = self.instance.oauth2_client_secret
        return cleaned


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerAdminForm
    list_display = ["short_code", "name", "lms_url", "marketing_site_url_root", "modified"]
    search_fields = ["short_code", "name"]
    readonly_fields = ["uuid", "oauth2_client_secret_status", "created", "modified"]

    def get_fields(self, request: HttpRequest, obj: Partner | None = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            # A view-only page renders every field as text: the secret itself is never one of them.
            fields = [name for name in fields if name not in {SECRET_FIELD, CLEAR_SECRET_FIELD}]
        return fields

    @admin.display(description=_("OAuth2 client secret stored"), boolean=True)
    def oauth2_client_secret_status(self, partner: Partner) -> bool:
        return bool(partner.oauth2_client_secret)


class OrganizationExtensionInline(admin.StackedInline):
    model = OrganizationExtension
    fk_name = "organization"
    max_num = 1
    can_delete = False
    raw_id_fields = ["group"]
    verbose_name = _("Publisher group")


@admin.register(Organization)
class OrganizationAdmin(SubscriptionInclusionAdminMixin, RowRulesAdminMixin, GuardedModelAdmin):  # type: ignore[misc]  # guardian vs. stubs
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
