"""Serializers of the catalog API: catalogs themselves, and the request bodies and rows of their endpoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.models import Catalog
from catalog.models.catalogs import validate_query
from catalog.query.lucene import to_lucene
from catalog.query.parse import parse_query
from catalog.selectors.catalogs import catalog_courses_count
from catalog.services.catalogs import catalog_create, catalog_update, viewer_users
from course_metadata.api.inputs import StrictInputMixin
from dbkit.json_values import format_datetime
from dbkit.reconnect import read_after_commit


def _query_error(error: DjangoValidationError) -> serializers.ValidationError:
    messages = error.message_dict.get("query", error.messages) if hasattr(error, "message_dict") else error.messages
    return serializers.ValidationError(messages)


def query_string(query: Any) -> str:
    """A stored query as the incumbent's clients read it: a query string (a JSON query rendered in that
    syntax; search options, which it cannot spell, left out)."""
    if isinstance(query, str):
        return query
    return to_lucene(parse_query(query))


class CatalogSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A catalog. ``query`` is a JSON object of field tests or a Lucene query string; ``viewers`` are
    usernames granted read access (staff read every catalog)."""

    query = serializers.JSONField(
        help_text=_(
            '{"org": "edX", "level_type__not": "Advanced"} or "org:edX AND NOT level_type:Advanced". Read '
            "back as a query string, as the incumbent's clients expect (a JSON query rendered in that syntax; its "
            "search options, which the syntax cannot spell, are kept by the catalog but not shown)."
        )
    )
    viewers = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_(
            "Usernames (a list, or one comma-separated string); users not known yet are created, as the incumbent does."
        ),
    )
    content_count = serializers.IntegerField(read_only=True, help_text=_("How many content items are members."))
    name = serializers.CharField(read_only=True, help_text=_("The title (the incumbent's name for it)."))
    courses_count = serializers.IntegerField(
        read_only=True,
        help_text=_("How many courses are in the catalog (the course or one of its runs is a member)."),
    )

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
            "name",
            "courses_count",
        ]
        read_only_fields = [
            "id",
            "uuid",
            "content_version",
            "content_count",
            "created",
            "modified",
            "name",
            "courses_count",
        ]

    @property
    def data(self) -> Any:
        # After a create or an edit this read follows the service's commit: a connection lost in between is
        # replaced for it, rather than answering a committed write with an error (ADR 0135).
        return read_after_commit(lambda: super(CatalogSerializer, self).data)

    def validate_query(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            # Most likely a field left blank: an empty string would select every content item ({} says so).
            raise serializers.ValidationError(_("The query is empty: give a query string, or {} for all content."))
        try:
            validate_query(value)
        except DjangoValidationError as error:
            raise _query_error(error) from None
        return value

    def to_internal_value(self, data: Any) -> Any:
        viewers = data.get("viewers") if hasattr(data, "get") else None
        if isinstance(viewers, str) and (not hasattr(data, "getlist") or len(data.getlist("viewers")) == 1):
            # The incumbent takes one comma-separated string too (its browsable form sends that).
            names = [name.strip() for name in viewers.split(",") if name.strip()]
            if hasattr(data, "setlist"):
                data = data.copy()
                data.setlist("viewers", names)
            else:
                data = {**data, "viewers": names}
        return super().to_internal_value(data)

    def validate_viewers(self, names: list[str]) -> list[str]:
        user_model = get_user_model()
        field = user_model._meta.get_field(user_model.USERNAME_FIELD)
        assert isinstance(field, models.Field)
        for name in names:
            try:
                field.run_validators(name)
            except DjangoValidationError as error:
                raise serializers.ValidationError(
                    _("%(name)r is not a username: %(messages)s") % {"name": name, "messages": " ".join(error.messages)}
                ) from None
        return names

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
        courses_count = getattr(instance, "courses_count", None)
        if courses_count is None:
            courses_count = catalog_courses_count(instance)
        return {
            "id": instance.pk,
            "uuid": str(instance.uuid),
            "title": instance.title,
            "query": query_string(instance.query),
            "include_archived": instance.include_archived,
            "enterprise_customer_uuid": str(instance.enterprise_customer_uuid)
            if instance.enterprise_customer_uuid
            else None,
            "viewers": viewers,
            "content_version": instance.content_version,
            "content_count": content_count,
            "created": format_datetime(instance.created),
            "modified": format_datetime(instance.modified),
            "name": instance.title,
            "courses_count": courses_count,
        }

    def create(self, validated_data: dict[str, Any]) -> Catalog:
        if "viewers" in validated_data:
            validated_data["viewers"] = viewer_users(validated_data["viewers"])
        try:
            return catalog_create(**validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None

    def update(self, instance: Catalog, validated_data: dict[str, Any]) -> Catalog:
        viewers = validated_data.pop("viewers", None)
        if viewers is not None:
            viewers = viewer_users(viewers)
        try:
            return catalog_update(catalog=instance, viewers=viewers, **validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None


class ContentMetadataItemSerializer(serializers.Serializer):
    """An item of a catalog's ``content_metadata``: the read API's representation of the content (its other
    fields) plus these."""

    content_type = serializers.CharField()
    content_key = serializers.CharField()
    aggregation_key = serializers.CharField()
    date_updated = serializers.DateTimeField(help_text=_("When the content's data last changed."))


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
