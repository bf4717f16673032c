"""Building blocks shared by the course metadata admin: history, drafts, object permissions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import (
    subscription_inclusion_deleting,
    subscription_inclusion_update,
)


class RowRulesAdminMixin:
    """The admin is a write path like any other: the object and its inline rows are written through
    ``row_save``, so they pass the same row rules (ADR 0010) and rich-text cleaning (ADR 0073) as Publisher
    and the loaders. Its forms show the refusals as field errors first (the models' ``clean()``).
    """

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        row_save(obj)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        rows = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for row in rows:
            row_save(row)
        formset.save_m2m()


class HistoryAdmin(RowRulesAdminMixin, SimpleHistoryAdmin):
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


class SubscriptionInclusionAdminMixin:
    """The admin is a write path like any other: it calls the subscription inclusion service itself.

    ``subscription_role`` names what the admin's model is to the service (``courses``, ``course_runs``,
    ``organizations``, ``programs``). After the object, its many-to-many fields and its inlines are saved
    (``save_related``), the derived flags of the object and everything downstream are recomputed; deleting
    courses or organizations recomputes what depended on them.
    """

    subscription_role: str = ""

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)  # type: ignore[misc]
            subscription_inclusion_update(**{self.subscription_role: [form.instance]})

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with subscription_inclusion_deleting(**self._deleting({obj})):
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with subscription_inclusion_deleting(**self._deleting(set(queryset))):
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def _deleting(self, objects: set[models.Model]) -> dict[str, Any]:
        # Only deleted courses and organizations leave dependants behind (programs, courses).
        return {self.subscription_role: objects} if self.subscription_role in {"courses", "organizations"} else {}


class DraftHistoryAdmin(DraftAdminMixin, HistoryAdmin):
    pass


class DraftModelAdmin(DraftAdminMixin, RowRulesAdminMixin, admin.ModelAdmin):
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


class CompactTabularInline(admin.TabularInline):
    """A tabular inline whose rows fit a 1,400 px page: one-line date-time inputs, and no add/change/delete
    icons beside each select (the row's own change link leads to the full page)."""

    formfield_overrides = {
        models.DateTimeField: {
            # One field, not the admin's split date and time (a MultiValueField that expects two inputs).
            "form_class": forms.DateTimeField,
            "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        },
    }

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield
