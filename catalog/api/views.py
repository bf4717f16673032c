"""The catalog endpoints: CRUD, courses, contains, CSV, diff, content metadata, explain, and query_contains
(enterprise-catalog's API is in ``catalog.api.enterprise``). Views parse input, call one selector or service, and serialize."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import serializers as catalog_serializers
from catalog.api.payloads import content_payloads
from catalog.models import Catalog, ContentMetadata
from catalog.query import QueryError, parse_query
from catalog.selectors.catalogs import (
    catalog_contains,
    catalog_courses,
    catalog_csv_documents,
    catalog_members,
    catalog_viewer_names,
    catalogs_visible_to,
    complete_catalog_courses,
    may_manage_catalogs,
)
from catalog.selectors.matching import accepts, content_matching, explain
from catalog.services.catalogs import catalog_delete
from catalog.services.diff import catalog_content_version, catalog_diff
from course_metadata.api.pagination import CheckedPageNumberPagination
from course_metadata.api.parsers import LargeJSONParser
from course_metadata.api.query_parameters import DeclaredQueryParametersOnly
from course_metadata.api.renderers import ORJSONRenderer
from course_metadata.api.v1.filters import QUERY_STRING_HELP, query_string_uuids
from course_metadata.api.v1.params import EXCLUDE_UTM, as_id, flag
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.courses import CourseSerializer, course_data
from course_metadata.api.v1.views.base import as_uuid
from course_metadata.models import Course
from course_metadata.selectors.course_runs import course_runs
from course_metadata.selectors.query_strings import COURSE, COURSE_RUN

MAX_CONTENT_KEYS = 100
CSV_COLUMNS = (
    ("course_key", "course"),
    ("course_title", "course_title"),
    ("course_run_key", "key"),
    ("course_run_title", "title"),
    ("start", "start"),
    ("end", "end"),
    ("enrollment_start", "enrollment_start"),
    ("enrollment_end", "enrollment_end"),
    ("pacing_type", "pacing_type"),
    ("availability", "availability"),
    ("status", "status"),
    ("seat_types", "seat_types"),
    ("first_enrollable_paid_seat_price", "first_enrollable_paid_seat_price"),
    ("language", "language"),
)


def comma_list(request: Request, name: str) -> list[str]:
    """``?name=a,b&name=c`` as ``[a, b, c]``, in order and without duplicates or blanks."""
    values = [part.strip() for raw in request.query_params.getlist(name) for part in raw.split(",")]
    return list(dict.fromkeys(value for value in values if value))


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return orjson.dumps(data)  # only errors get here; the CSV itself is streamed by the view


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


class CatalogAccess(BasePermission):
    """Anyone authenticated reaches the catalogs they may view; staff create, edit and delete."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "action", None) in {"create", "update", "partial_update", "destroy"}:
            return may_manage_catalogs(request.user)
        return True


class ContentPagination(CheckedPageNumberPagination):
    page_size = 20
    max_page_size = MAX_CONTENT_KEYS


def lookup_catalog(queryset: Any, value: str) -> Catalog:
    """A catalog by primary key or UUID, among those the caller may view; 404 otherwise."""
    catalog_id = as_id(value)
    if catalog_id is not None:
        catalog = queryset.filter(pk=catalog_id).first()
    else:
        parsed = as_uuid(value)
        catalog = queryset.filter(uuid=parsed).first() if parsed is not None else None
    if catalog is None:
        raise Http404(gettext_lazy("No such catalog."))
    return catalog


def _etag_matches(request: Request, version: int) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return str(version) in tags or "*" in tags


def diff_response(request: Request, catalog: Catalog) -> Response:
    body = request.data
    keys = body.get("content_keys") if isinstance(body, dict) else None
    if keys is None:
        raise ValidationError(
            {"content_keys": [gettext_lazy("This field is required: the list of content keys you hold.")]}
        )
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise ValidationError({"content_keys": [gettext_lazy("Give a list of content key strings.")]})
    version = catalog_content_version(catalog)
    if _etag_matches(request, version):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
        response["ETag"] = f'"{version}"'
        return response
    diff = catalog_diff(catalog=catalog, content_keys=keys)
    response = Response(diff.as_dict())
    response["ETag"] = f'"{diff.content_version}"'
    return response


DIFF_SCHEMA = extend_schema(
    description="Compare the content keys a client holds with the catalog (exact keys). `items_found`: update "
    "those whose date_updated is newer than your copy; `items_not_found`: delete; `items_not_included`: "
    "create. The response's `content_version` is also its ETag: send it back as If-None-Match and get 304 "
    "while nothing in the catalog changed.",
    request=catalog_serializers.DiffRequestSerializer,
    responses={200: catalog_serializers.DiffResponseSerializer, 304: None},
)


def _catalog_reader(request: Request, username: str) -> Any:
    """The user ``?username=`` names, for staff only (course-discovery's rule)."""
    if not may_manage_catalogs(request.user):
        raise PermissionDenied(gettext_lazy("Only staff may list another user's catalogs; remove username."))
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(gettext_lazy("No user has the username %(username)r.") % {"username": username})
    return user


CATALOG_LOOKUP = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Catalog id or UUID.")


class CatalogViewSet(
    DeclaredQueryParametersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Catalogs: named groups of content defined by a query, with their members kept current."""

    serializer_class = catalog_serializers.CatalogSerializer
    permission_classes = [CatalogAccess]
    lookup_value_regex = "[^/]+"
    filter_backends: list = []

    @cached_property
    def now(self) -> dt.datetime:
        return timezone.now()

    def get_queryset(self) -> Any:
        return catalogs_visible_to(self.request.user).order_by("pk")

    def finalize_response(self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any) -> Response:
        # An error of the CSV action is JSON like every other error: render it as JSON, not as JSON
        # labelled text/csv.
        if response.status_code >= 400 and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            request.accepted_renderer, request.accepted_media_type = ORJSONRenderer(), ORJSONRenderer.media_type
        # The CSV itself is a plain streaming response, which DRF passes through untouched.
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]

    def get_object(self) -> Catalog:
        catalog = lookup_catalog(self.get_queryset(), self.kwargs["pk"])
        self.check_object_permissions(self.request, catalog)
        return catalog

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "username",
                OpenApiTypes.STR,
                description="Staff only: the catalogs this user may read (as course-discovery lists them).",
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalogs = self.get_queryset()
        username = request.query_params.get("username", "").strip()
        if username:
            catalogs = catalogs_visible_to(_catalog_reader(request, username)).order_by("pk")
        page = self.paginate_queryset(catalogs)
        assert page is not None
        context = {**self.get_serializer_context(), "viewer_names": catalog_viewer_names([c.pk for c in page])}
        return self.get_paginated_response(self.get_serializer_class()(page, many=True, context=context).data)

    def perform_destroy(self, instance: Catalog) -> None:
        catalog_delete(catalog=instance)

    def read_context(self) -> ReadContext:
        user = self.request.user
        exclude_utm = flag(self.request, "exclude_utm")
        return ReadContext(now=self.now, utm_source=None if exclude_utm else user.get_username())

    @extend_schema(
        description="The catalog's courses (a course is in the catalog when it or one of its runs is), with their "
        "runs that are not hidden; archived runs only when the catalog has include_archived.",
        parameters=[CATALOG_LOOKUP, EXCLUDE_UTM],
        responses=CourseSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def courses(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog = self.get_object()
        page = self.paginate_queryset(catalog_courses(catalog))
        assert page is not None
        courses = complete_catalog_courses(catalog, page, now=self.now)
        context = self.read_context()
        return self.get_paginated_response([course_data(course, context) for course in courses])

    @extend_schema(
        description="Which of the given courses (keys or UUIDs) and runs (keys) are in the catalog. A course is in "
        "it when it or one of its runs is a member; a run when it or its course is.",
        parameters=[
            CATALOG_LOOKUP,
            OpenApiParameter("course_id", OpenApiTypes.STR, description="Comma-separated course keys or UUIDs."),
            OpenApiParameter("course_run_id", OpenApiTypes.STR, description="Comma-separated course run keys."),
        ],
        responses=inline_serializer(
            "CatalogContains",
            {
                "courses": serializers.DictField(
                    child=serializers.BooleanField(), help_text="Every course id and run key given, as the incumbent."
                )
            },
        ),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def contains(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog = self.get_object()
        course_ids, run_ids = comma_list(request, "course_id"), comma_list(request, "course_run_id")
        if not (course_ids or run_ids):
            raise ValidationError(
                {"course_id": [gettext_lazy("Give course_id and/or course_run_id (comma-separated).")]}
            )
        return Response(catalog_contains(catalog, course_ids=course_ids, course_run_ids=run_ids))

    @extend_schema(
        description="One CSV row per run of the catalog's courses (as courses/ lists them), streamed.",
        parameters=[CATALOG_LOOKUP],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=True, methods=["get"], renderer_classes=[CSVRenderer], pagination_class=None)
    def csv(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        catalog = self.get_object()
        documents = catalog_csv_documents(catalog).iterator(chunk_size=2000)
        response = StreamingHttpResponse(_csv_lines(documents), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="catalog-{catalog.uuid}.csv"'
        return response

    @DIFF_SCHEMA
    @action(detail=True, methods=["post"], parser_classes=[LargeJSONParser], pagination_class=None)
    def diff(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return diff_response(request, self.get_object())

    @extend_schema(
        description=f"Full metadata of the catalog's members: those named by content_keys (at most "
        f"{MAX_CONTENT_KEYS}), or all of them page by page (at most {MAX_CONTENT_KEYS} per page). Each item is "
        "the read API's representation plus content_type, content_key, aggregation_key and date_updated.",
        parameters=[
            CATALOG_LOOKUP,
            OpenApiParameter("content_keys", OpenApiTypes.STR, description="Comma-separated content keys."),
            EXCLUDE_UTM,
        ],
        # A page of items (which also documents the page parameters the action takes).
        responses=catalog_serializers.ContentMetadataItemSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=ContentPagination)
    def content_metadata(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog = self.get_object()
        keys = comma_list(request, "content_keys")
        if len(keys) > MAX_CONTENT_KEYS:
            raise ValidationError(
                {
                    "content_keys": [
                        gettext_lazy("At most %(MAX_CONTENT_KEYS)s keys per request; got %(value3)s.")
                        % {"MAX_CONTENT_KEYS": MAX_CONTENT_KEYS, "value3": len(keys)}
                    ]
                }
            )
        members = catalog_members(catalog).select_related("body").order_by("content_type", "content_key", "pk")
        if keys:
            members = members.filter(content_key__in=keys)
        page = self.paginate_queryset(members)
        assert page is not None
        return self.get_paginated_response(content_payloads(page, self.read_context()))

    @extend_schema(
        description="Why the content with this key is or is not in the catalog, clause by clause (search "
        "options included), next to whether it is a stored member.",
        parameters=[CATALOG_LOOKUP, OpenApiParameter("content_key", OpenApiTypes.STR, required=True)],
        responses=catalog_serializers.ExplanationSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def explain(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog = self.get_object()
        key = request.query_params.get("content_key", "").strip()
        if not key:
            raise ValidationError({"content_key": [gettext_lazy("Give the content key to explain.")]})
        contents = list(
            ContentMetadata.objects.filter(content_key=key).select_related("body").order_by("content_type", "pk")
        )
        if not contents:
            raise Http404(gettext_lazy("No content has the key %(key)r.") % {"key": key})
        members = set(catalog_members(catalog).filter(content_key=key).values_list("pk", flat=True))
        query = catalog.parsed_query
        results = [
            {
                "content_type": content.content_type,
                "content_key": content.content_key,
                "matches": accepts(query, content.document),
                "member": content.pk in members,
                "clauses": [vars(line) for line in explain(query, content.document)],
            }
            for content in contents
        ]
        return Response({"catalog": str(catalog.uuid), "query": catalog.query, "results": results})


def _csv_lines(documents: Iterator[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([header for header, _ in CSV_COLUMNS])
    for document in documents:
        row = []
        for _, name in CSV_COLUMNS:
            value = document.get(name)
            row.append("|".join(value) if isinstance(value, list) else "" if value is None else value)
        yield writer.writerow(row)


class QueryContainsView(DeclaredQueryParametersOnly, APIView):
    """``catalog/query_contains/``: which of the given runs and courses a query (not a stored catalog) selects."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        description="Evaluate `query` against the given course runs (keys) and courses (UUIDs): `{id: bool}` for "
        "every id given (false for an id that names no official run or course). A query string is read as "
        "course-discovery reads it, by the search layer (see `q` on courses/); a JSON object of field tests "
        "(a stored enterprise catalog filter) by the catalog query language.",
        parameters=[
            OpenApiParameter("query", OpenApiTypes.STR, required=True, description=QUERY_STRING_HELP),
            OpenApiParameter("course_run_ids", OpenApiTypes.STR, description="Comma-separated run keys."),
            OpenApiParameter("course_uuids", OpenApiTypes.STR, description="Comma-separated course UUIDs."),
        ],
        # An object keyed by the ids given: no fixed property names.
        responses={200: {"type": "object", "additionalProperties": {"type": "boolean"}}},
    )
    def get(self, request: Request) -> Response:
        text = request.query_params.get("query", "").strip()
        if not text:
            raise ValidationError({"query": [gettext_lazy("Give the query to evaluate.")]})
        run_keys, course_uuids = comma_list(request, "course_run_ids"), comma_list(request, "course_uuids")
        if not (run_keys or course_uuids):
            raise ValidationError({"course_run_ids": [gettext_lazy("Give course_run_ids and/or course_uuids.")]})
        invalid = [value for value in course_uuids if as_uuid(value) is None]
        if invalid:
            raise ValidationError(
                {"course_uuids": [gettext_lazy("Not UUIDs: %(value1)s.") % {"value1": ", ".join(invalid)}]}
            )
        if text.startswith("{"):
            matched_runs, matched_courses = _catalog_query_contains(_json_or_text(text), run_keys, course_uuids)
        else:
            matched_runs, matched_courses = _query_string_contains(text, run_keys, course_uuids)
        answer = {key: key in matched_runs for key in run_keys}
        answer.update({value: str(as_uuid(value)) in matched_courses for value in course_uuids})
        return Response(answer)


def _catalog_query_contains(query: Any, run_keys: list[str], course_uuids: list[str]) -> tuple[set[str], set[str]]:
    """The run keys and course UUIDs a catalog filter (JSON) selects, from the stored documents."""
    try:
        parsed = parse_query(query)
    except QueryError as error:
        raise ValidationError({"query": [str(error)]}) from None
    runs = ContentMetadata.objects.filter(content_type="courserun", content_key__in=run_keys)
    courses = ContentMetadata.objects.filter(content_type="course", uuid__in=[as_uuid(v) for v in course_uuids])
    matched_runs = set(content_matching(parsed, runs).values_list("content_key", flat=True))
    matched_courses = {str(value) for value in content_matching(parsed, courses).values_list("uuid", flat=True)}
    return matched_runs, matched_courses


def _query_string_contains(text: str, run_keys: list[str], course_uuids: list[str]) -> tuple[set[str], set[str]]:
    """The run keys and course UUIDs a query string selects, as the search layer answers it."""
    runs = dict(course_runs().official().filter(key__in=run_keys).values_list("uuid", "key"))
    official = Course.objects.official().filter(uuid__in=[as_uuid(value) for value in course_uuids])
    courses = set(official.values_list("uuid", flat=True))
    # Asked even with nothing to test, so that a malformed query is a 400 whatever the ids.
    matched_runs = query_string_uuids("query", text, COURSE_RUN, among=set(runs))
    matched_courses = query_string_uuids("query", text, COURSE, among=courses)
    return (
        {runs[uuid] for uuid in (set(runs) if matched_runs is None else matched_runs)},
        {str(uuid) for uuid in (courses if matched_courses is None else matched_courses)},
    )


@extend_schema(exclude=True)
class QueryContainsNoSlashView(QueryContainsView):
    """``catalog/query_contains`` without the trailing slash: the same view, documented once (with the slash)."""


def _json_or_text(text: str) -> Any:
    if text.startswith("{"):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            raise ValidationError({"query": [gettext_lazy("The query looks like JSON but does not parse.")]}) from None
    return text
