"""Serializers of the catalog API: catalogs themselves, and the request bodies and rows of their endpoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.models import Catalog
from catalog.models.catalogs import validate_query
from catalog.services.catalogs import catalog_create, catalog_update
from course_metadata.api.inputs import StrictInputMixin
from dbkit.json_values import format_datetime


def _query_error(error: DjangoValidationError) -> serializers.ValidationError:
    messages = error.message_dict.get("query", error.messages) if hasattr(error, "message_dict") else error.messages
    return serializers.ValidationError(messages)


class CatalogSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A catalog. ``query`` is a JSON object of field tests or a Lucene query string; ``viewers`` are
    usernames granted read access (staff read every catalog)."""

    query = serializers.JSONField(
        help_text=_('{"org": "edX", "level_type__not": "Advanced"} or "org:edX AND NOT level_type:Advanced".')
    )
    viewers = serializers.ListField(child=serializers.CharField(), required=False, help_text=_("Usernames."))
    content_count = serializers.IntegerField(read_only=True, help_text=_("How many content items are members."))

    class Meta:
        model = Catalog
        fields = [
            "id",
            "uuid",
            "title",
            "query",
            "include_archived",
            "enterprise_customer_uuid",
            "viewers",
            "content_version",
            "content_count",
            "created",
            "modified",
        ]
        read_only_fields = ["id", "uuid", "content_version", "content_count", "created", "modified"]

    def validate_query(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            # Most likely a field left blank: an empty string would select every content item ({} says so).
            raise serializers.ValidationError(_("The query is empty: give a query string, or {} for all content."))
        try:
            validate_query(value)
        except DjangoValidationError as error:
            raise _query_error(error) from None
        return value

    def validate_viewers(self, names: list[str]) -> list[Any]:
        users = list(get_user_model().objects.filter(username__in=set(names)))
        missing = sorted(set(names) - {user.get_username() for user in users})
        if missing:
            raise serializers.ValidationError(_("Unknown usernames: %(value1)s.") % {"value1": ", ".join(missing)})
        return users

    def to_representation(self, instance: Catalog) -> dict[str, Any]:
        viewer_names = self.context.get("viewer_names")
        viewers = (
            viewer_names.get(instance.pk, [])
            if viewer_names is not None
            else sorted(user.get_username() for user in instance.viewers)
        )
        content_count = getattr(instance, "content_count", None)
        if content_count is None:
            content_count = instance.memberships.count()
        return {
            "id": instance.pk,
            "uuid": str(instance.uuid),
            "title": instance.title,
            "query": instance.query,
            "include_archived": instance.include_archived,
            "enterprise_customer_uuid": str(instance.enterprise_customer_uuid)
            if instance.enterprise_customer_uuid
            else None,
            "viewers": viewers,
            "content_version": instance.content_version,
            "content_count": content_count,
            "created": format_datetime(instance.created),
            "modified": format_datetime(instance.modified),
        }

    def create(self, validated_data: dict[str, Any]) -> Catalog:
        try:
            return catalog_create(**validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None

    def update(self, instance: Catalog, validated_data: dict[str, Any]) -> Catalog:
        viewers = validated_data.pop("viewers", None)
        try:
            return catalog_update(catalog=instance, viewers=viewers, **validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None


class DiffRequestSerializer(serializers.Serializer):
    content_keys = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        allow_empty=True,
        help_text=_("Every content key the client holds for this catalog (course keys, run keys, program UUIDs)."),
    )


class DiffItemSerializer(serializers.Serializer):
    content_key = serializers.CharField()
    date_updated = serializers.DateTimeField(required=False, help_text=_("When the content's data last changed."))


class DiffResponseSerializer(serializers.Serializer):
    content_version = serializers.IntegerField(help_text=_("Also the ETag; send it as If-None-Match next time."))
    items_found = DiffItemSerializer(
        many=True, help_text=_("Given and in the catalog: update if date_updated is newer.")
    )
    items_not_found = DiffItemSerializer(many=True, help_text=_("Given but not in the catalog: delete."))
    items_not_included = DiffItemSerializer(many=True, help_text=_("In the catalog but not given: create."))


class ClauseExplanationSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The query key (or search option) this line is about."))
    field = serializers.CharField()
    lookup = serializers.CharField()
    values = serializers.ListField(child=serializers.JSONField())
    null = serializers.BooleanField(help_text=_("The clause also accepts (exact) or refuses (not) a missing value."))
    content_values = serializers.ListField(child=serializers.JSONField(), help_text=_("What the content holds."))
    matches = serializers.BooleanField()


class ExplanationSerializer(serializers.Serializer):
    content_type = serializers.CharField()
    content_key = serializers.CharField()
    matches = serializers.BooleanField(help_text=_("The query accepts the content now."))
    member = serializers.BooleanField(help_text=_("The content is a stored member of the catalog."))
    clauses = ClauseExplanationSerializer(many=True)
