"""The enterprise-catalog endpoints edx-enterprise's ``EnterpriseCatalogApiClient`` calls (ADR 0100).

Views parse and check input, check access (``access``), call a selector or service, and shape the answer
as enterprise-catalog does.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import serializers as catalog_serializers
from catalog.api.enterprise import access
from catalog.api.enterprise.items import enterprise_items
from catalog.api.enterprise.params import check_parameters, content_keys, flag
from catalog.api.enterprise.serializers import (
    EnterpriseCatalogCreateSerializer,
    EnterpriseCatalogSerializer,
    catalog_query_representation,
)
from catalog.models import Catalog, ContentMetadata, ContentType
from catalog.models.catalogs import query_hash
from catalog.selectors.enterprise import (
    catalogs_containing,
    content_last_modified,
    customer_catalogs,
    customer_member,
    enterprise_members,
    with_last_content_change,
)
from catalog.services.catalogs import catalog_delete, catalog_refresh
from catalog.services.diff import catalog_content_version, catalog_diff
from course_metadata.api.pagination import CheckedPageNumberPagination
from course_metadata.api.parsers import LargeJSONParser
from course_metadata.api.query_parameters import READS, DeclaredQueryParametersOnly
from course_metadata.api.v1.params import as_id
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.views.base import as_uuid
from dbkit.reconnect import read_after_commit

# enterprise-catalog's limits: keys per GET (longer lists go in a POST body), and its page sizes.
MAX_GET_CONTENT_KEYS = 100
MAX_CONTAINS_KEYS = 500
HASH_LENGTH = 32


def _read_context() -> ReadContext:
    # No UTM source of the caller: enterprise items carry the customer's UTM parameters instead.
    return ReadContext(now=timezone.now(), utm_source=None)


def _catalog_by_uuid(value: str) -> Catalog:
    parsed = as_uuid(value)
    catalog = Catalog.objects.filter(uuid=parsed).first() if parsed is not None else None
    if catalog is None:
        raise NotFound(_("No enterprise catalog has this UUID."))
    return catalog


def _customer_uuid(value: str) -> UUID:
    parsed = as_uuid(value)
    if parsed is None:
        raise ValidationError(
            {"enterprise_uuid": [_("'%(value)s' is not an enterprise customer UUID.") % {"value": value}]}
        )
    return parsed


def _readable_catalog(request: Request, value: str) -> Catalog:
    """The catalog, if the caller may read it; 404 otherwise (unknown, or not theirs: ADR 0061)."""
    catalog = _catalog_by_uuid(value)
    if not access.may_read_catalog(request.user, catalog):
        raise NotFound(_("No enterprise catalog has this UUID."))
    return catalog


class EnterpriseCatalogPagination(CheckedPageNumberPagination):
    """enterprise-catalog's page-number pagination: ``page_size`` up to the API's maximum."""

    max_page_size = settings.API_MAX_PAGE_SIZE


class ContentMetadataPagination(CheckedPageNumberPagination):
    """edx-drf-extensions' ``DefaultPagination``: 10 items a page, at most 100, with page figures."""

    page_size = 10
    max_page_size = MAX_GET_CONTENT_KEYS

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None and self.request is not None
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "count": self.page.paginator.count,
                "num_pages": self.page.paginator.num_pages,
                "current_page": self.page.number,
                "start": (self.page.number - 1) * (self.get_page_size(self.request) or self.page_size),
                "results": data,
            }
        )


ENTERPRISE_CATALOG_LOOKUP = OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema(parameters=[ENTERPRISE_CATALOG_LOOKUP])
class EnterpriseCatalogViewSet(
    DeclaredQueryParametersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """``enterprise-catalogs/``: catalogs as enterprise-catalog keeps them, addressed by UUID.

    Staff and the customer's catalog admins (JWT roles) create, read, change and delete them; provisioning
    admins create, read and change any.
    """

    lookup_field = "uuid"
    lookup_value_regex = "[^/]+"
    pagination_class = EnterpriseCatalogPagination
    filter_backends: list = []

    def get_serializer_class(self) -> type[EnterpriseCatalogSerializer]:
        return EnterpriseCatalogCreateSerializer if self.action == "create" else EnterpriseCatalogSerializer

    def get_queryset(self) -> QuerySet[Catalog]:
        return with_last_content_change(Catalog.objects.all()).order_by("created", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "content_last_modified": None}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in READS:  # reads are checked against their declared parameters
            check_parameters(request, [])

    def get_object(self) -> Catalog:
        catalog = _catalog_by_uuid(self.kwargs["uuid"])
        provisioning = (
            self.action in {"retrieve", "update", "partial_update"}
            and catalog.enterprise_customer_uuid is not None
            and access.is_provisioning_admin(self.request.user)
        )
        if not (provisioning or access.may_administer(self.request.user, catalog.enterprise_customer_uuid)):
            raise PermissionDenied(_("You are not an administrator of this catalog's enterprise customer."))
        return catalog

    def _serialized(self, catalog: Catalog) -> dict[str, Any]:
        # After a create or an edit this read follows the service's commit: a connection lost in between is
        # replaced for it, rather than answering a committed write with an error (ADR 0135).
        return read_after_commit(lambda: self._serialized_now(catalog))

    def _serialized_now(self, catalog: Catalog) -> dict[str, Any]:
        latest = content_last_modified(catalog)
        return EnterpriseCatalogSerializer(catalog, context={"content_last_modified": latest}).data

    @extend_schema(
        parameters=[
            OpenApiParameter("enterprise_customer", OpenApiTypes.UUID, description="Only this customer's catalogs.")
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalogs = self.get_queryset()
        customer = request.query_params.get("enterprise_customer")
        if customer:
            catalogs = catalogs.filter(enterprise_customer_uuid=_customer_uuid(customer))
        user = request.user
        if not access.may_administer(user, None):  # not staff: enterprise catalogs only
            catalogs = catalogs.filter(enterprise_customer_uuid__isnull=False)
        if not (access.may_administer(user, None) or access.is_provisioning_admin(user)):
            administered = access.admin_enterprises(user)
            if not administered:
                raise PermissionDenied(_("You administer no enterprise customer."))
            if "*" not in administered:
                catalogs = catalogs.filter(
                    enterprise_customer_uuid__in=[uuid for value in administered if (uuid := as_uuid(value))]
                )
        page = self.paginate_queryset(catalogs)
        assert page is not None
        rows = [
            EnterpriseCatalogSerializer(
                c, context={"content_last_modified": getattr(c, "last_content_change", None)}
            ).data
            for c in page
        ]
        return self.get_paginated_response(rows)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._serialized(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = request.data.get("enterprise_customer") if hasattr(request.data, "get") else None
        user = request.user
        if not (access.is_provisioning_admin(user) or access.may_administer(user, as_uuid(str(customer or "")))):
            raise PermissionDenied(_("You are not an administrator of this enterprise customer."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        catalog = serializer.save()
        return Response(self._serialized(catalog), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = EnterpriseCatalogSerializer(catalog, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        customer = serializer.validated_data.get("enterprise_customer")
        if customer is not None and not (
            access.is_provisioning_admin(request.user) or access.may_administer(request.user, customer)
        ):
            raise PermissionDenied(_("You are not an administrator of the enterprise customer you move it to."))
        return Response(self._serialized(serializer.save()))

    def perform_destroy(self, instance: Catalog) -> None:
        catalog_delete(catalog=instance)


class EnterpriseCatalogContentMetadataView(DeclaredQueryParametersOnly, APIView):
    """``enterprise-catalogs/{uuid}/get_content_metadata/``: the catalog's content, page by page."""

    pagination_class = ContentMetadataPagination

    @cached_property
    def paginator(self) -> ContentMetadataPagination:
        return ContentMetadataPagination()

    @extend_schema(
        description="The catalog's content as enterprise-catalog serves it: the items matching the repeated "
        f"`content_keys` (at most {MAX_GET_CONTENT_KEYS}; a course key also finds its runs, a run key its course), "
        "or every item, 10 a page by default (`page_size` up to 100).",
        parameters=[
            ENTERPRISE_CATALOG_LOOKUP,
            OpenApiParameter("content_keys", OpenApiTypes.STR, many=True),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
            OpenApiParameter(
                "traverse_pagination",
                OpenApiTypes.BOOL,
                description="Refused: follow `next` instead (every page is bounded).",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, uuid: str) -> Response:
        if flag(request, "traverse_pagination"):
            raise ValidationError(
                {"traverse_pagination": [_("Not supported: every page is bounded; follow the `next` links.")]}
            )
        catalog = _readable_catalog(request, uuid)
        keys = content_keys(request, "content_keys", limit=MAX_GET_CONTENT_KEYS)
        page = self.paginator.paginate_queryset(enterprise_members(catalog, keys), request, view=self)
        assert page is not None
        response = self.paginator.get_paginated_response(enterprise_items(page, _read_context(), catalog=catalog))
        response.data["uuid"] = str(catalog.uuid)
        response.data["title"] = catalog.title
        response.data["enterprise_customer"] = (
            str(catalog.enterprise_customer_uuid) if catalog.enterprise_customer_uuid else None
        )
        return response


def _contains_keys(request: Request) -> list[str]:
    run_ids = content_keys(request, "course_run_ids", limit=MAX_CONTAINS_KEYS)
    program_uuids = content_keys(request, "program_uuids", limit=MAX_CONTAINS_KEYS)
    if not (run_ids or program_uuids):
        raise ValidationError(
            {
                "course_run_ids": [
                    _("You must provide at least one of the following query parameters: course_run_ids, program_uuids.")
                ]
            }
        )
    return [*run_ids, *program_uuids]


CONTAINS_PARAMETERS = [
    OpenApiParameter("course_run_ids", OpenApiTypes.STR, many=True, description="Course or run keys (repeated)."),
    OpenApiParameter("program_uuids", OpenApiTypes.STR, many=True, description="Program UUIDs (repeated)."),
]


class EnterpriseCatalogContainsView(DeclaredQueryParametersOnly, APIView):
    """``enterprise-catalogs/{uuid}/contains_content_items/``."""

    @extend_schema(
        description="Whether the catalog holds any of the given content (a course key also matches a catalog "
        "holding its runs, a run key one holding its course).",
        parameters=[ENTERPRISE_CATALOG_LOOKUP, *CONTAINS_PARAMETERS],
        responses=inline_serializer("ContainsContentItems", {"contains_content_items": serializers.BooleanField()}),
    )
    def get(self, request: Request, uuid: str) -> Response:
        keys = _contains_keys(request)
        catalog = _readable_catalog(request, uuid)
        return Response({"contains_content_items": bool(catalogs_containing([catalog.pk], keys))})


class EnterpriseCustomerContainsView(DeclaredQueryParametersOnly, APIView):
    """``enterprise-customer/{uuid}/contains_content_items/``."""

    @extend_schema(
        description="Whether any of the customer's catalogs holds any of the given content; with "
        "`get_catalogs_containing_specified_content_ids` (or the older `get_catalog_list`) also which catalogs.",
        parameters=[
            OpenApiParameter("enterprise_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH),
            *CONTAINS_PARAMETERS,
            OpenApiParameter("get_catalogs_containing_specified_content_ids", OpenApiTypes.BOOL),
            OpenApiParameter("get_catalog_list", OpenApiTypes.BOOL, description="Older name of the above."),
        ],
        responses=inline_serializer(
            "CustomerContainsContentItems",
            {
                "contains_content_items": serializers.BooleanField(),
                "catalog_list": serializers.ListField(child=serializers.UUIDField(), required=False),
            },
        ),
    )
    def get(self, request: Request, enterprise_uuid: str) -> Response:
        customer = _customer_uuid(enterprise_uuid)
        keys = _contains_keys(request)
        with_list = flag(request, "get_catalogs_containing_specified_content_ids") or flag(request, "get_catalog_list")
        if not access.may_read_enterprise(request.user, customer):
            raise PermissionDenied(_("You are neither a learner nor an administrator of this enterprise customer."))
        catalogs = list(customer_catalogs(customer).only("pk", "uuid"))
        containing = catalogs_containing([catalog.pk for catalog in catalogs], keys)
        answer: dict[str, Any] = {"contains_content_items": bool(containing)}
        if with_list:
            answer["catalog_list"] = [str(catalog.uuid) for catalog in catalogs if catalog.pk in containing]
        return Response(answer)


class EnterpriseCustomerContentMetadataView(DeclaredQueryParametersOnly, APIView):
    """``enterprise-customer/{uuid}/content-metadata/{identifier}/``."""

    @extend_schema(
        description="The first item of the customer's catalogs with this content UUID or matching this key, "
        "with the enrollment URL of the catalog it was found in. `skip_customer_fetch` leaves enrollment URLs null.",
        parameters=[
            OpenApiParameter("enterprise_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter("identifier", OpenApiTypes.STR, OpenApiParameter.PATH, description="Key or UUID."),
            OpenApiParameter("skip_customer_fetch", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, enterprise_uuid: str, identifier: str) -> Response:
        skip_urls = flag(request, "skip_customer_fetch")
        customer = _customer_uuid(enterprise_uuid)
        if not access.may_read_enterprise(request.user, customer):
            raise PermissionDenied(_("You are neither a learner nor an administrator of this enterprise customer."))
        found = customer_member(list(customer_catalogs(customer)), identifier, as_uuid(identifier))
        if found is None:
            raise NotFound(_("No matching content in any catalog for this customer"))
        catalog, content = found
        (item,) = enterprise_items([content], _read_context(), catalog=catalog, with_enrollment_urls=not skip_urls)
        if skip_urls and content.content_type in (ContentType.COURSE, ContentType.COURSE_RUN):
            item["enrollment_url"] = None
        return Response(item)


class ContentMetadataDetailView(DeclaredQueryParametersOnly, APIView):
    """``content-metadata/{identifier}``: one content item by key, UUID or id, outside any catalog."""

    @extend_schema(
        description="One content item by content key, content UUID or numeric id. `coerce_to_parent_course` "
        "answers a run's course instead of the run.",
        parameters=[
            OpenApiParameter("identifier", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("coerce_to_parent_course", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, identifier: str) -> Response:
        coerce = flag(request, "coerce_to_parent_course")
        contents = ContentMetadata.objects.select_related("body").order_by("pk")
        if (pk := as_id(identifier)) is not None:
            content = contents.filter(pk=pk).first()
        elif (content_uuid := as_uuid(identifier)) is not None:
            content = contents.filter(uuid=content_uuid).first()
        else:
            content = contents.filter(content_key=identifier).first()
        if content is not None and coerce and content.content_type == ContentType.COURSE_RUN:
            content = contents.filter(content_type=ContentType.COURSE, content_key=content.parent_key).first()
        if content is None:
            raise Http404("No content has this key, UUID or id.")
        (item,) = enterprise_items([content], _read_context(), catalog=None)
        return Response(item)


class EnterpriseCatalogDiffView(DeclaredQueryParametersOnly, APIView):
    """``enterprise-catalogs/{uuid}/generate_diff``, with or without the trailing slash, by GET or POST."""

    parser_classes = [LargeJSONParser]

    def _diff(self, request: Request, uuid: str, keys: list[str]) -> Response:
        catalog = _readable_catalog(request, uuid)
        version = catalog_content_version(catalog)
        tags = {
            tag.strip().removeprefix("W/").strip('"') for tag in request.headers.get("If-None-Match", "").split(",")
        }
        if str(version) in tags or "*" in tags:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            # As in enterprise-catalog, an item changed when its content or the catalog itself did.
            diff = catalog_diff(catalog=catalog, content_keys=keys, not_before=catalog.modified)
            response = Response(diff.as_dict())
            version = diff.content_version
        response["ETag"] = f'"{version}"'
        return response

    @extend_schema(
        description="The diff of POST, for at most 100 keys given as repeated `content_keys`.",
        parameters=[ENTERPRISE_CATALOG_LOOKUP, OpenApiParameter("content_keys", OpenApiTypes.STR, many=True)],
        responses={200: catalog_serializers.DiffResponseSerializer, 304: None},
    )
    def get(self, request: Request, uuid: str) -> Response:
        if not request.query_params.getlist("content_keys"):
            raise ValidationError(
                {"content_keys": [_("You must provide at least one of the following query parameters: content_keys.")]}
            )
        keys = [value.replace(" ", "+") for value in request.query_params.getlist("content_keys")]
        if keys == ["[]"]:
            keys = []
        if len(keys) > MAX_GET_CONTENT_KEYS:
            raise ValidationError(
                {
                    "content_keys": [
                        _("At most %(max_get_content_keys)s keys by GET; send more in a POST body.")
                        % {"max_get_content_keys": MAX_GET_CONTENT_KEYS}
                    ]
                }
            )
        return self._diff(request, uuid, keys)

    @extend_schema(
        description="Compare the content keys a client holds with the catalog. `items_found`: update those whose "
        "date_updated is newer than your copy; `items_not_found`: delete; `items_not_included`: create. An empty "
        "body is an empty list. `content_version` is also the ETag: send it as If-None-Match and get 304 while "
        "nothing changed.",
        parameters=[ENTERPRISE_CATALOG_LOOKUP],
        request=catalog_serializers.DiffRequestSerializer,
        responses={200: catalog_serializers.DiffResponseSerializer, 304: None},
    )
    def post(self, request: Request, uuid: str) -> Response:
        check_parameters(request, [])
        body = request.data
        keys: Any = []
        if body:
            keys = body.get("content_keys") if isinstance(body, dict) else None
            if keys is None:
                raise ValidationError(
                    {"content_keys": [_("This field is required: the list of content keys you hold.")]}
                )
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise ValidationError({"content_keys": [_("Give a list of content key strings.")]})
        unknown = sorted(set(body) - {"content_keys"}) if isinstance(body, dict) else []
        if unknown:
            raise ValidationError({name: ["Unknown field."] for name in unknown})
        return self._diff(request, uuid, [key.replace(" ", "+") for key in keys])


class EnterpriseCatalogRefreshView(DeclaredQueryParametersOnly, APIView):
    """``enterprise-catalogs/{uuid}/refresh_metadata``."""

    @extend_schema(
        description="Re-evaluate the catalog's membership in the background. Membership is kept current as "
        "content changes, so this only repairs; `async_task_id` identifies the request, not a Celery result.",
        parameters=[ENTERPRISE_CATALOG_LOOKUP],
        request=None,
        responses=inline_serializer("RefreshMetadata", {"async_task_id": serializers.CharField()}),
    )
    def post(self, request: Request, uuid: str) -> Response:
        check_parameters(request, [])
        if request.data:
            raise ValidationError({"non_field_errors": [_("This endpoint takes no request body.")]})
        catalog = _catalog_by_uuid(uuid)
        if not access.may_administer(request.user, catalog.enterprise_customer_uuid):
            raise PermissionDenied(_("You are not an administrator of this catalog's enterprise customer."))
        return Response({"async_task_id": catalog_refresh(catalog=catalog)})


class ContentFilterHashView(DeclaredQueryParametersOnly, APIView):
    """``catalog-queries/get_content_filter_hash``: the hash of the content filter in the request body."""

    @extend_schema(
        description="The MD5 hash enterprise-catalog gives a content filter (JSON with sorted keys). The filter is "
        "the request body: JSON, or form-encoded as edx-enterprise sends it (each key's last value, as text).",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.STR},
    )
    def get(self, request: Request) -> Response:
        _check_query_reader(request)
        data = request.data
        # A form body is read as enterprise-catalog reads it: each key's last value, as text.
        content_filter = {key: data.get(key) for key in data} if isinstance(data, QueryDict) else data
        return Response(query_hash(content_filter))


class QueryByHashView(DeclaredQueryParametersOnly, APIView):
    """``catalog-queries/get_query_by_hash?hash=``: the catalog query with this hash."""

    @extend_schema(
        description="The catalog query (uuid, content_filter, content_filter_hash, title) whose content filter "
        "has this hash, among the catalogs of the customers you administer.",
        parameters=[OpenApiParameter("hash", OpenApiTypes.STR, required=True)],
        responses=inline_serializer(
            "CatalogQuery",
            {
                "uuid": serializers.UUIDField(),
                "content_filter": serializers.JSONField(),
                "content_filter_hash": serializers.CharField(),
                "title": serializers.CharField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        value = request.query_params.get("hash", "").strip()
        if not value:
            raise ValidationError(
                {"hash": [_("You must provide at least one of the following query parameters: hash.")]}
            )
        if len(value) != HASH_LENGTH or any(char not in "0123456789abcdefABCDEF" for char in value):
            raise ValidationError({"hash": [_("Invalid filter hash.")]})
        administered = _check_query_reader(request)
        catalogs = Catalog.objects.filter(query_hash=value.lower()).order_by("pk")
        if administered is not None:
            catalogs = catalogs.filter(enterprise_customer_uuid__in=administered)
        elif not access.may_administer(request.user, None):  # an admin of every customer: theirs, not Lyceum's own
            catalogs = catalogs.filter(enterprise_customer_uuid__isnull=False)
        catalog = catalogs.first()
        if catalog is None:
            raise NotFound(_("Catalog query not found."))
        return Response(catalog_query_representation(catalog))


def _check_query_reader(request: Request) -> list[UUID] | None:
    """Staff (and admins of every customer) read every query: None; other customer admins those of their
    customers' catalogs; anyone else gets a 403."""
    user = request.user
    if access.may_administer(user, None):
        return None
    administered = access.admin_enterprises(user)
    if "*" in administered:
        return None
    if not administered:
        raise PermissionDenied(_("You administer no enterprise customer."))
    return [uuid for value in administered if (uuid := as_uuid(value)) is not None]
