"""Pagination that accepts both page/page_size and limit/offset, capped at the API's maximum page size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination, LimitOffsetPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class CappedPageNumberPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = settings.API_MAX_PAGE_SIZE


class PageOrLimitPagination(BasePagination):
    """Picks limit/offset when the request names either, page numbers otherwise.

    Both answer with ``count``, ``next``, ``previous`` and ``results``; a larger page than the
    maximum is capped rather than refused.
    """

    def __init__(self) -> None:
        self._delegate: PageNumberPagination | LimitOffsetPagination = CappedPageNumberPagination()

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        if "limit" in request.query_params or "offset" in request.query_params:
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
