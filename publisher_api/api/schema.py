"""Puts the Publisher writes into the OpenAPI schema, on the read API's paths they share (ADR 0051).

``courses/`` and ``course_runs/`` (and their detail paths) are routed through a plain Django view that
splits reads from writes, which drf-spectacular cannot look into: it only lists the read API's GETs
there. This preprocessing hook adds the write operations to the same paths, described by the Publisher
views themselves, so one path in the schema carries both its reads and its writes with the read API's
path parameter names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from publisher_api.api.person_views import PersonWriteView
from publisher_api.api.views import CourseRunWriteView, CourseWriteView

Endpoint = tuple[str, str, str, Callable[..., Any]]

# The names publisher_api/urls.py gives its collection routes (dispatched to these write views).
WRITE_ROUTES = {
    "publisher-courses": CourseWriteView,
    "publisher-course-runs": CourseRunWriteView,
    "publisher-people": PersonWriteView,
}
COLLECTION_METHODS: tuple[str, ...] = ("POST",)
DETAIL_METHODS: tuple[str, ...] = ("PATCH", "PUT", "DELETE")
_DETAIL_TAIL = re.compile(r"\{[^{}/]+\}/")


def add_publisher_writes(endpoints: list[Endpoint]) -> list[Endpoint]:
    """drf-spectacular PREPROCESSING_HOOKS entry: each shared read path also gets its write methods.

    ``/api/v1/courses/`` gets POST and ``/api/v1/courses/{key_or_uuid}/`` PATCH, PUT and DELETE; other
    paths under a collection (``course_runs/contains/``) are reads only.
    """
    collections = {reverse(f"v1:{name}"): view for name, view in WRITE_ROUTES.items()}
    writes: list[Endpoint] = []
    for path, path_regex, method, _callback in endpoints:
        if method != "GET":
            continue
        for collection, view in collections.items():
            if path == collection:
                methods = COLLECTION_METHODS
            elif path.startswith(collection) and _DETAIL_TAIL.fullmatch(path[len(collection) :]):
                methods = DETAIL_METHODS
            else:
                continue
            # A view answers only the methods it has handlers for (people/ cannot be deleted).
            methods = tuple(method for method in methods if hasattr(view, method.lower()))
            writes += [(path, path_regex, write_method, view.as_view()) for write_method in methods]
    return [*endpoints, *writes]


class UserRefFieldScheme(OpenApiSerializerFieldExtension):
    """A user is given by id or username, and answered as ``{"id", "username", "email"}``."""

    target_class = "publisher_api.api.serializers.UserRefField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return {"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "User id or username."}
        return {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "username": {"type": "string"},
                "email": {"type": "string", "nullable": True},
            },
            "required": ["id", "username"],
        }
