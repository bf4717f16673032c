"""Admin for Publisher roles: assignments (with who and why) and the read-only grant/revoke ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from publisher_api.models import PublisherRole, PublisherRoleAssignment, PublisherRoleEvent
from publisher_api.services.roles import publisher_role_revoke


@admin.register(PublisherRole)
class PublisherRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]


@admin.register(PublisherRoleAssignment)
class PublisherRoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "assigned_by", "created", "reason"]
    list_select_related = ["user", "role", "assigned_by"]
    search_fields = ["user__username", "user__email", "reason"]
    raw_id_fields = ["user"]
    readonly_fields = ["assigned_by", "created"]
    fields = ["user", "role", "applies_to_all_contexts", "reason", "assigned_by", "created"]

    def save_model(self, request: HttpRequest, obj: PublisherRoleAssignment, form: Any, change: bool) -> None:
        # Grants from the admin leave the same ledger entry as grants through the API.
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
        PublisherRoleEvent.objects.create(
            user=obj.user,
            role=obj.role,
            action=PublisherRoleEvent.Action.GRANTED,
            actor=request.user,  # type: ignore[misc]  # the admin serves signed-in staff only, never AnonymousUser
            reason=obj.reason,
        )

    def delete_model(self, request: HttpRequest, obj: PublisherRoleAssignment) -> None:
        publisher_role_revoke(actor=request.user, assignment=obj, reason="Revoked in the admin.")  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for assignment in queryset:
            self.delete_model(request, assignment)


@admin.register(PublisherRoleEvent)
class PublisherRoleEventAdmin(admin.ModelAdmin):
    list_display = ["created", "user", "role", "action", "actor", "reason"]
    list_filter = ["action", "role"]
    list_select_related = ["user", "role", "actor"]
    search_fields = ["user__username", "actor__username", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
