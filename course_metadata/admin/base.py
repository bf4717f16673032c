"""Building blocks shared by the course metadata admin: history, drafts, object permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin of a model tracked by simple-history: the History button lists every recorded change."""


class DraftAdminMixin:
    """Draftable models keep draft and official rows in one table, and the default manager returns both.

    The admin shows both on purpose (staff repair either world), so it makes the choice visible: a
    ``draft`` column and list filter, and the draft link as read-only fields.
    """

    draft_fields = ("draft", "draft_version")

    def get_list_filter(self, request: HttpRequest) -> Any:
        list_filter = list(super().get_list_filter(request))  # type: ignore[misc]
        return ["draft", *[f for f in list_filter if f != "draft"]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*self.draft_fields, *[f for f in readonly if f not in self.draft_fields]]


class DraftHistoryAdmin(DraftAdminMixin, HistoryAdmin):
    pass


class DraftModelAdmin(DraftAdminMixin, admin.ModelAdmin):
    pass


class GuardedHistoryAdmin(GuardedModelAdminMixin, HistoryAdmin):
    """History plus guardian's "Object permissions" page, for the objects Publisher grants access to."""


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the system (the change log): staff may look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
