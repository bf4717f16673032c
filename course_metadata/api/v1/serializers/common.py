"""Pieces every read serializer shares: the per-request context, images, links, dates and languages.

The hot serializers (courses, runs, programs, organizations, people) declare their fields for the
OpenAPI schema and build each dict directly in ``to_representation``: DRF's per-field machinery costs
more than the database on a page of 100 courses. ``tests/course_metadata/api`` checks that every
declared field is produced and nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.conf.locale import LANG_INFO
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dbkit.json_values import format_datetime

UTM_MEDIUM = "affiliate_partner"


@dataclass
class ReadContext:
    """What a representation depends on besides the data: the time, the caller, the request's options."""

    now: dt.datetime = field(default_factory=timezone.now)
    # Marketing links carry ``utm_source=<username>`` unless the caller passes ``exclude_utm=1``.
    utm_source: str | None = None
    # Courses the caller may edit (UUIDs), for the ``editable`` flag.
    editable_uuids: set[UUID] = field(default_factory=set)
    # ``?editable=1``: editors and watchers are shown only to those who may edit.
    editable_mode: bool = False
    # Programs: serialize their courses with the full course serializer.
    full_courses: bool = False
    # Programs: the detail's fields (``programs/{uuid}/``), or the list's with ``extended=1``.
    program_detail: bool = False
    program_extended: bool = False
    # The statuses of the programs a course or run lists (``include_deleted_programs`` and the like).
    listed_program_statuses: frozenset[str] = frozenset({"active", "retired", "unpublished"})
    # Representations shared by many objects of one response (a course's staff teach each of its runs),
    # built once per response by ``shared``. The dicts are shared, so nothing may change them afterwards.
    _shared: dict[tuple[str, Any], Any] = field(default_factory=dict)

    def shared(self, kind: str, key: Any, build: Callable[[], Any]) -> Any:
        """``build()``'s result for (kind, key), built the first time this response asks for it."""
        cache_key = (kind, key)
        value = self._shared.get(cache_key)
        if value is None:
            value = self._shared[cache_key] = build()
        return value

    @functools.cached_property
    def _utm_query(self) -> str:
        return f"?utm_source={quote(self.utm_source, safe='')}&utm_medium={UTM_MEDIUM}" if self.utm_source else ""

    def listed_programs(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The program summaries of ``rows`` whose status the request lists."""
        statuses = self.listed_program_statuses
        return [program_summary_data(row, self) for row in rows if row["status"] in statuses]

    def marketing_url(self, root: str | None, path: str | None, *, utm: bool = True) -> str | None:
        if not root or not path:
            return None
        url = f"{root.rstrip('/')}/{path.lstrip('/')}"
        return f"{url}{self._utm_query}" if utm else url


def read_context(serializer: serializers.BaseSerializer) -> ReadContext:
    context = serializer.context.get("read")
    if context is None:
        # DRF's context is a dict; django-stubs types it as a read-only Mapping.
        context = serializer.context["read"] = ReadContext()  # type: ignore[index]
    return context


def dt_string(value: Any) -> str | None:
    """A datetime (from a model) or an already formatted string (from a JSON row), as the API renders it."""
    if value is None or isinstance(value, str):
        return value
    return format_datetime(value)


def uuid_string(value: Any) -> str | None:
    return None if value is None else str(value)


def decimal_string(value: Any) -> str | None:
    return None if value is None else str(value)


def image(url: str | None, description: str | None = None) -> dict[str, Any] | None:
    if not url:
        return None
    return {"src": url, "description": description, "height": None, "width": None}


def sized_image(url: str | None) -> dict[str, Any] | None:
    """An image in the sizes the marketing site asks for; Lyceum stores one URL and does not resize it."""
    if not url:
        return None
    return {size: {"url": url, "width": None, "height": None} for size in ("large", "medium", "small", "x-small")}


def video(src: str | None, description: str | None, image_url: str | None) -> dict[str, Any] | None:
    if not src:
        return None
    return {"src": src, "description": description or None, "image": image(image_url)}


@functools.lru_cache(maxsize=512)
def language_name(code: str | None) -> str | None:
    """English name of a language code (``en-us`` → ``English``), from Django's language table."""
    if not code:
        return None
    code = code.lower()
    info = LANG_INFO.get(code) or LANG_INFO.get(code.split("-")[0])
    if info and "name" not in info and info.get("fallback"):
        info = LANG_INFO.get(info["fallback"][0])
    return info.get("name") if info else None


def language_names(codes: Iterable[str]) -> list[str]:
    return [name for code in codes if (name := language_name(code))]


def organization_data(row: Mapping[str, Any], context: ReadContext) -> dict[str, Any]:
    """An organization from a ``nested.organization_fields`` row (a JSON row or a values() dict)."""
    return {
        "uuid": uuid_string(row["uuid"]),
        "key": row["key"],
        "name": row["name"],
        "slug": row["slug"],
        "description": row["description"],
        "description_es": row["description_es"],
        "homepage_url": row["homepage_url"],
        "logo_image_url": row["logo_image_url"],
        "banner_image_url": row["banner_image_url"],
        "certificate_logo_image_url": row["certificate_logo_image_url"],
        "organization_hex_color": row["organization_hex_color"],
        "auto_generate_course_run_keys": row["auto_generate_course_run_keys"],
        "enterprise_subscription_inclusion": row["enterprise_subscription_inclusion"],
        "marketing_url": context.marketing_url(row["marketing_site_url_root"], row["marketing_url_path"], utm=False),
        "tags": row["tag_names"],
        "data_modified_timestamp": dt_string(row["data_modified_timestamp"]),
    }


def subject_data(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "uuid": uuid_string(row["uuid"]),
        "name": row["name"],
        "slug": row["slug"],
        "subtitle": row["subtitle"],
        "description": row["description"],
        "banner_image_url": row["banner_image_url"],
        "card_image_url": row["card_image_url"],
    }


def program_marketing_path(marketing_slug: str | None, type_slug: str | None) -> str | None:
    """A program page's path, as the incumbent builds it: a marketing slug holding a ``/`` is the whole path,
    else ``<type slug, lower case>/<marketing slug>``; none without a slug (or a type to prefix it with)."""
    if not marketing_slug:
        return None
    if "/" in marketing_slug:
        return marketing_slug
    return f"{type_slug.lower()}/{marketing_slug}" if type_slug else None


def program_summary_data(row: Mapping[str, Any], context: ReadContext) -> dict[str, Any]:
    """A program as courses and runs list it. Its ``marketing_url`` has no ``utm_`` parameters (ADR 0041)."""
    type_slug = row["type_slug"]
    return {
        "uuid": uuid_string(row["uuid"]),
        "title": row["title"],
        "type": row["type_name"],
        "type_attrs": type_attrs(row["type_uuid"], type_slug, row["type_coaching_supported"]),
        "marketing_slug": row["marketing_slug"],
        "marketing_url": context.marketing_url(
            row["marketing_site_url_root"], program_marketing_path(row["marketing_slug"], type_slug), utm=False
        ),
        "number_of_courses": row["number_of_courses"],
        "status": row["status"],
        "hidden": row["hidden"],
    }


def type_attrs(uuid: Any, slug: str | None, coaching_supported: bool | None) -> dict[str, Any] | None:
    if slug is None:
        return None
    return {"uuid": uuid_string(uuid), "slug": slug, "coaching_supported": bool(coaching_supported)}


# --- schema-only nested serializers ----------------------------------------------------------------


class ImageSerializer(serializers.Serializer):
    src = serializers.URLField()
    description = serializers.CharField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)


class VideoSerializer(serializers.Serializer):
    src = serializers.URLField()
    description = serializers.CharField(allow_null=True)
    image = ImageSerializer(allow_null=True)


class SizedImageSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


@extend_schema_field(serializers.DictField(child=SizedImageSerializer()))
class SizedImagesField(serializers.DictField):
    """``{"large": {...}, "medium": {...}, "small": {...}, "x-small": {...}}``."""


class TypeAttrsSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    slug = serializers.SlugField()
    coaching_supported = serializers.BooleanField()


class OrganizationSerializer(serializers.Serializer):
    """An organization (also nested as a course's ``owners``/``sponsors`` and a program's organizations)."""

    uuid = serializers.UUIDField()
    key = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    description = serializers.CharField()
    description_es = serializers.CharField()
    homepage_url = serializers.URLField()
    logo_image_url = serializers.URLField()
    banner_image_url = serializers.URLField()
    certificate_logo_image_url = serializers.URLField()
    organization_hex_color = serializers.CharField()
    auto_generate_course_run_keys = serializers.BooleanField()
    enterprise_subscription_inclusion = serializers.BooleanField()
    marketing_url = serializers.URLField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    data_modified_timestamp = serializers.DateTimeField()

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return organization_data(instance, read_context(self))


class SubjectSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    subtitle = serializers.CharField()
    description = serializers.CharField()
    banner_image_url = serializers.URLField()
    card_image_url = serializers.URLField()

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return subject_data(instance)


class ProgramSummarySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    type = serializers.CharField(allow_null=True, help_text=_("Program type name."))
    type_attrs = TypeAttrsSerializer(allow_null=True)
    marketing_slug = serializers.CharField()
    marketing_url = serializers.URLField(allow_null=True)
    number_of_courses = serializers.IntegerField()
    status = serializers.CharField()
    hidden = serializers.BooleanField()

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return program_summary_data(instance, read_context(self))
