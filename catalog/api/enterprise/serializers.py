"""enterprise-catalog's catalog and catalog-query shapes: ``EnterpriseCatalogSerializer`` (write-only
customer name, modes, audit flag and content filter; read-only content and catalog dates) and
``CatalogQuerySerializer``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from catalog.models import Catalog
from catalog.models.catalogs import validate_query
from catalog.services.catalogs import catalog_create, catalog_update
from course_metadata.api.inputs import StrictInputMixin
from dbkit.json_values import format_datetime

# Body fields and the Catalog fields they write.
FIELD_SOURCES = {
    "uuid": "uuid",
    "title": "title",
    "enterprise_customer": "enterprise_customer_uuid",
    "enterprise_customer_name": "enterprise_customer_name",
    "enabled_course_modes": "enabled_course_modes",
    "publish_audit_enrollment_urls": "publish_audit_enrollment_urls",
    "content_filter": "query",
    "catalog_query_uuid": "catalog_query_uuid",
    "query_title": "query_title",
}


def _errors(error: DjangoValidationError) -> dict[str, Any]:
    back = {source: name for name, source in FIELD_SOURCES.items()}
    messages = error.message_dict if hasattr(error, "message_dict") else {"non_field_errors": error.messages}
    return {back.get(name, name): value for name, value in messages.items()}


class EnterpriseCatalogSerializer(StrictInputMixin, serializers.Serializer):
    """A catalog as enterprise-catalog writes and reads it. On create the caller may choose ``uuid``."""

    uuid = serializers.UUIDField(read_only=True)
    title = serializers.CharField(max_length=255)
    enterprise_customer = serializers.UUIDField()
    enterprise_customer_name = serializers.CharField(max_length=255, write_only=True)
    enabled_course_modes = serializers.ListField(
        child=serializers.CharField(max_length=64), write_only=True, help_text="Course mode slugs, in order."
    )
    publish_audit_enrollment_urls = serializers.BooleanField(write_only=True)
    content_filter = serializers.JSONField(
        write_only=True,
        help_text='The catalog query: {"content_type": "course", "org": ["edX"]}, as stored by edx-enterprise.',
    )
    catalog_query_uuid = serializers.UUIDField(required=False, allow_null=True)
    query_title = serializers.CharField(max_length=255, required=False, allow_null=True)
    include_exec_ed_2u_courses = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="Sent by edx-enterprise; enterprise-catalog does not store it and neither does Lyceum: whether "
        "executive-education courses are in a catalog is up to its content_filter.",
    )

    def validate_content_filter(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("A content filter is a JSON object of field tests."))
        try:
            validate_query(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict.get("query", error.messages)) from None
        return value

    def to_representation(self, instance: Catalog) -> dict[str, Any]:
        return catalog_representation(instance, self.context.get("content_last_modified"))

    def _changes(self, validated_data: dict[str, Any]) -> dict[str, Any]:
        validated_data.pop("include_exec_ed_2u_courses", None)
        return {FIELD_SOURCES[name]: value for name, value in validated_data.items()}

    def create(self, validated_data: dict[str, Any]) -> Catalog:
        try:
            return catalog_create(**self._changes(validated_data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from None

    def update(self, instance: Catalog, validated_data: dict[str, Any]) -> Catalog:
        try:
            return catalog_update(catalog=instance, **self._changes(validated_data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from None


class EnterpriseCatalogCreateSerializer(EnterpriseCatalogSerializer):
    uuid = serializers.UUIDField(required=False, help_text="The catalog's UUID; a new one when left out.")


def catalog_representation(catalog: Catalog, content_last_modified: Any) -> dict[str, Any]:
    """The readable fields of enterprise-catalog's ``EnterpriseCatalogSerializer``, in its order."""
    return {
        "uuid": str(catalog.uuid),
        "title": catalog.title,
        "enterprise_customer": str(catalog.enterprise_customer_uuid) if catalog.enterprise_customer_uuid else None,
        "catalog_query_uuid": str(catalog.catalog_query_uuid) if catalog.catalog_query_uuid else None,
        "content_last_modified": format_datetime(content_last_modified),
        "catalog_modified": format_datetime(catalog.modified),
        "query_title": catalog.query_title,
    }


def catalog_query_representation(catalog: Catalog) -> dict[str, Any]:
    """enterprise-catalog's ``CatalogQuerySerializer``: a catalog's query under its query UUID."""
    return {
        "uuid": str(catalog.catalog_query_uuid) if catalog.catalog_query_uuid else None,
        "content_filter": catalog.query,
        "content_filter_hash": catalog.query_hash,
        "title": catalog.query_title,
    }
