"""Admin for catalogs: the query is validated in the form, viewers are object permissions (guardian),
and the change page previews how many documents the query selects next to the stored membership, and lists
the courses it selects, a page at a time."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from catalog.models import Catalog, ContentMetadata
from catalog.models.catalogs import validate_query
from catalog.selectors.catalogs import catalog_preview_courses
from catalog.selectors.matching import content_matching
from catalog.services.catalogs import catalog_create, catalog_delete, catalog_update


class QueryField(forms.CharField):
    """A JSON object, or (anything else) a Lucene query string."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 90})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return json.dumps(value, indent=2, sort_keys=True)
        return value

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if text.startswith("{"):
            try:
                return json.loads(text)
            except json.JSONDecodeError as error:
                raise ValidationError(
                    _("This looks like JSON but does not parse: %(error)s") % {"error": error}
                ) from None
        return text


class CatalogForm(forms.ModelForm):
    query = QueryField(
        required=False,
        help_text=_(
            'A JSON object ({"org": "edX", "level_type__not": "Advanced"}) or a query string '
            "(org:edX AND NOT level_type:Advanced). Empty matches everything."
        ),
    )

    class Meta:
        model = Catalog
        fields = [
            "title",
            "query",
            "include_archived",
            "enterprise_customer_uuid",
            "enterprise_customer_name",
            "enabled_course_modes",
            "publish_audit_enrollment_urls",
            "catalog_query_uuid",
            "query_title",
        ]

    def clean_enabled_course_modes(self) -> list[str]:
        modes = self.cleaned_data.get("enabled_course_modes") or []
        if not isinstance(modes, list) or not all(isinstance(mode, str) for mode in modes):
            raise ValidationError(_('A JSON list of course mode slugs, e.g. ["verified", "audit"].'))
        return modes

    def clean_query(self) -> Any:
        query = self.cleaned_data.get("query") or {}
        try:
            validate_query(query)
        except ValidationError as error:
            # The message starts with the offending key, e.g. "org__foo: unknown lookup 'foo' ...".
            raise ValidationError(error.message_dict["query"]) from None
        return query


PREVIEW_PAGE_SIZE = 20
PREVIEW_PAGE_PARAM = "preview_page"


@admin.register(Catalog)
class CatalogAdmin(GuardedModelAdmin):
    form = CatalogForm
    list_display = ["title", "uuid", "enterprise_customer_uuid", "content_version", "modified"]
    search_fields = ["title", "uuid"]
    readonly_fields = ["uuid", "content_version", "query_hash", "membership_preview", "created", "modified"]
    fields = [
        *CatalogForm.Meta.fields,
        "query_hash",
        "membership_preview",
        "uuid",
        "content_version",
        "created",
        "modified",
    ]

    @admin.display(description=_("Membership"))
    def membership_preview(self, catalog: Catalog) -> str:
        if catalog.pk is None:
            return "Save to see how many documents the query selects."
        stored = catalog.memberships.count()
        selected = content_matching(catalog.parsed_query).count()
        total = ContentMetadata.objects.count()
        note = "" if stored == selected else " (the stored membership catches up within a minute)"
        return f"{stored} stored members; the query selects {selected} of {total} documents now{note}."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Guardian's change form (its "Object permissions" button) plus the preview of the selected courses.
        self.change_form_template = "admin/catalog/catalog/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The change page lists, below the form, a page of the courses the saved query selects."""
        catalog = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if catalog is not None:
            context["preview"] = self.preview(request, catalog)
        return super().change_view(request, object_id, form_url, context)

    def preview(self, request: HttpRequest, catalog: Catalog) -> dict[str, Any]:
        paginator = Paginator(catalog_preview_courses(catalog), PREVIEW_PAGE_SIZE)
        page = paginator.get_page(request.GET.get(PREVIEW_PAGE_PARAM))
        return {
            "page": page,
            "param": PREVIEW_PAGE_PARAM,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        }

    def save_model(self, request: HttpRequest, obj: Catalog, form: forms.ModelForm, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in CatalogForm.Meta.fields}
        if change:
            original = Catalog.objects.get(pk=obj.pk)
            catalog_update(catalog=original, **fields)
            obj.pk, obj.content_version = original.pk, original.content_version
        else:
            created = catalog_create(**fields)
            obj.pk, obj.uuid, obj.created, obj.modified = created.pk, created.uuid, created.created, created.modified

    def delete_model(self, request: HttpRequest, obj: Catalog) -> None:
        catalog_delete(catalog=obj)


@admin.register(ContentMetadata)
class ContentMetadataAdmin(admin.ModelAdmin):
    list_display = ["content_key", "content_type", "data_modified_timestamp", "next_boundary"]
    list_filter = ["content_type"]
    search_fields = ["content_key"]
    readonly_fields = [field.name for field in ContentMetadata._meta.local_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
