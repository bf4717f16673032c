"""The API root (``/api/v1/``): the collections the API serves, each with its absolute URL.

The list is read from the URLconf, so an endpoint mounted by any app appears without being named here
(and without this package importing the apps that mount them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.query_parameters import DeclaredQueryParametersOnly

API_NAMESPACE = "v1"
_ANCHOR_RE = re.compile(r"\^|\\Z|\$")
# A collection is a route of one literal segment: ``courses/``, ``learner-pathway/``.
_COLLECTION_RE = re.compile(r"[\w-]+/")


def _routes(patterns: Sequence[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        # Django escapes a path()'s literal characters in its regex (``publisher\-roles/``): unescape them.
        route = prefix + re.sub(r"\\(.)", r"\1", _ANCHOR_RE.sub("", pattern.pattern.regex.pattern))
        # An optional trailing slash (``enterprise-catalogs/?``) is listed in its slashed form.
        route = re.sub(r"/\?$", "/", route)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def api_collections() -> list[str]:
    """The collection routes of the API namespace, sorted (``courses/`` is mounted twice, listed once)."""
    _prefix, api = get_resolver().namespace_dict[API_NAMESPACE]
    return sorted({route for route in _routes(api.url_patterns) if _COLLECTION_RE.fullmatch(route)})


class ApiRootView(DeclaredQueryParametersOnly, APIView):
    """The collections of the Lyceum API. Each list takes `page` and `page_size`; details are at
    `<collection>/<key or uuid>/`. The OpenAPI documentation is at /api-docs/ and the admin at /admin/."""

    # The root holds no data, only the addresses the published OpenAPI schema lists too: anyone may read it.
    permission_classes = [AllowAny]

    @extend_schema(
        summary="API root",
        responses={200: {"type": "object", "additionalProperties": {"type": "string"}}},
    )
    def get(self, request: Request) -> Response:
        # Relative to the root's own address, so the links hold behind a path prefix (SCRIPT_NAME).
        return Response({route.rstrip("/"): request.build_absolute_uri(route) for route in api_collections()})
