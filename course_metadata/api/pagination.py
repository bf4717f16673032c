"""Pagination that accepts both page/page_size and limit/offset, capped at the API's maximum page size.

DRF reads a malformed ``page_size``, ``limit`` or ``offset`` as "not given" and a malformed ``page`` as a
missing page (404); here each is a 400 naming the parameter, so a client learns its mistake instead of
silently getting another page than it asked for. An empty value still means "not given", as it does for
the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, LimitOffsetPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.v1 import params


def _parse_page(value: str) -> int | str:
    if value.strip() in PageNumberPagination.last_page_strings:
        return value.strip()
    try:
        return params.parse_positive_int(value)
    except params.BadParameter:
        raise params.BadParameter(
            _("'%(value)s' is not a page number (1, 2, ... or 'last').") % {"value": value}
        ) from None


PAGE_PARAMETERS: dict[str, Callable[[str], Any]] = {
    "page": _parse_page,
    "page_size": params.parse_positive_int,
    "limit": params.parse_positive_int,
    "offset": params.parse_non_negative_int,
}


def check_page_parameters(request: Request, names: Iterable[str] = PAGE_PARAMETERS) -> None:
    """A 400 naming every one of ``names`` whose value is not a usable number; DRF then reads the values."""
    errors: dict[str, list[str]] = {}
    for name in names:
        value = request.query_params.get(name)
        if value is None or not value.strip():
            continue
        try:
            PAGE_PARAMETERS[name](value)
        except params.BadParameter as error:
            errors[name] = [str(error)]
    if errors:
        raise ValidationError(errors)


class CheckedPageNumberPagination(PageNumberPagination):
    """Page numbers, with malformed ``page`` and ``page_size`` refused (a page past the last is still a 404)."""

    page_size_query_param = "page_size"

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        check_page_parameters(request, ("page", "page_size"))
        return super().paginate_queryset(queryset, request, view)


class CappedPageNumberPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = settings.API_MAX_PAGE_SIZE


class PageOrLimitPagination(BasePagination):
    """Picks page numbers when the request names a ``page``, else limit/offset when it names either, else page
    numbers: ``page`` wins over ``limit`` as in the incumbent (its proxied pagination tries page first).

    Both answer with ``count``, ``next``, ``previous`` and ``results``; a larger page than the
    maximum is capped rather than refused.
    """

    def __init__(self) -> None:
        self._delegate: PageNumberPagination | LimitOffsetPagination = CappedPageNumberPagination()

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        check_page_parameters(request)
        named = request.query_params
        if not named.get("page", "").strip() and ("limit" in named or "offset" in named):
            self._delegate = CappedLimitOffsetPagination()
        return self._delegate.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        return self._delegate.get_paginated_response(data)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return CappedPageNumberPagination().get_paginated_response_schema(schema)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        return [
            *CappedPageNumberPagination().get_schema_operation_parameters(view),
            *CappedLimitOffsetPagination().get_schema_operation_parameters(view),
        ]
