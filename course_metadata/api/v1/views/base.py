"""The read viewset every v1 endpoint builds on: filtering, stable ordering, capped pagination, the
per-request ``ReadContext`` and conditional detail responses."""

from __future__ import annotations

import builtins
import datetime as dt
import uuid
from contextlib import nullcontext
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from course_metadata.api.query_parameters import DeclaredQueryParametersOnly
from course_metadata.api.v1 import conditional, params, sparse_fields
from course_metadata.api.v1.filters import StableOrderingFilter
from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.selectors.editing import may_read_drafts


class ReadViewSet(DeclaredQueryParametersOnly, viewsets.GenericViewSet):
    """List and retrieve; subclasses name their selector, filters, serializer and lookup. A query parameter
    that is none of theirs (nor generic) is a 400 naming it (``query_parameters``)."""

    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering: tuple[str, ...] = ("pk",)
    ordering_fields: tuple[str, ...] = ()
    # Flags the endpoint takes but needs nothing from Lyceum to honour: each is parsed (a bad value is a 400
    # naming it) before the response is built. They are also declared parameters (``query_parameters``).
    accepted: tuple[OpenApiParameter, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        params.check_accepted(request, self.accepted)

    def query_parameters(self) -> tuple[OpenApiParameter, ...]:
        # ``fields`` and ``omit`` shape what ``serialize`` answers and ``exclude_utm`` the marketing URLs it
        # holds (``read_context``): lists and details, not custom actions.
        shaping = (params.FIELDS, params.OMIT, params.EXCLUDE_UTM) if self.action in ("list", "retrieve") else ()
        return (*shaping, *self.accepted)

    @cached_property
    def now(self) -> dt.datetime:
        return timezone.now()

    def read_context(self, objects: list[Any]) -> ReadContext:
        """What the representations depend on besides data; subclasses add per-page facts."""
        user = self.request.user
        exclude_utm = params.flag(self.request, "exclude_utm")
        return ReadContext(
            now=self.now,
            utm_source=None if exclude_utm or not user.is_authenticated else user.get_username(),
        )

    def serialize(self, objects: list[Any], *, many: bool) -> Any:
        context = {**self.get_serializer_context(), "read": self.read_context(objects)}
        # One serializer for every object, as DRF's ListSerializer does, but without the parent/child
        # reference cycle that would keep the page's rows and representations alive after the request,
        # until the garbage collector finds them (see ``dispatch``).
        serializer = self.get_serializer_class()(context=context)
        if many:
            data = [serializer.to_representation(obj) for obj in objects]
        else:
            data = [serializer.to_representation(objects[0])]
        data = sparse_fields.apply(self.request, data, getattr(serializer, "fields", {}).keys())
        return data if many else data[0]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().dispatch(request, *args, **kwargs)
        # DRF keeps the response on the view, and the response's renderer context keeps the view: drop the
        # first link so that a page's representation is freed with its response rather than by a collection.
        self.__dict__.pop("response", None)
        return response

    def complete(self, objects: list[Any]) -> list[Any]:
        """Load what the page's objects nest (a few queries for the whole page); rows by default."""
        return objects

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.page_of(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.serialize(self.complete(page), many=True))

    def page_of(self, queryset: Any) -> builtins.list[Any]:  # ``list`` is the action above
        """The requested page of the filtered, ordered queryset."""
        page = self.paginate_queryset(queryset)
        assert page is not None, "read endpoints are always paginated"
        return page

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # An editor gets the row and the ETag for If-Match from one snapshot (see conditional.one_snapshot).
        with conditional.one_snapshot() if getattr(self, "editable_mode", False) else nullcontext():
            return self._retrieve(request)

    def _retrieve(self, request: Request) -> HttpResponseBase:
        instance = self.complete([self.get_object()])[0]
        validators = self.validators(instance)
        if validators is not None:
            etag, last_modified = validators
            unchanged = conditional.not_modified(request._request, etag, last_modified)
            if unchanged is not None:
                return unchanged
        response = Response(self.serialize([instance], many=False))
        if validators is not None:
            conditional.add_validators(response, *validators)
        return response

    def validators(self, instance: Any) -> tuple[str, dt.datetime] | None:
        """(ETag, Last-Modified) of a detail response; ``None`` for resources without a data timestamp."""
        return None

    def get_object(self) -> Any:
        """The one row the lookup names (the queryset's first by primary key), or 404."""
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if "\x00" in value:  # the database refuses NUL characters; nothing can match one
            raise Http404(_("Not found."))
        found = self.lookup_rows(value)
        if found is None:
            instance = self.filter_lookup(self.get_queryset(), value).order_by("pk").first()
        else:
            instance = found[0] if found else None
        if instance is None:
            raise Http404(_("Not found."))
        self.check_object_permissions(self.request, instance)
        return instance

    def lookup_rows(self, value: str) -> builtins.list[Any] | None:  # ``list`` is the action above
        """The rows a lookup names, from a precompiled query (first by primary key), or ``None`` to use
        ``get_queryset`` and ``filter_lookup``."""
        return None

    def filter_lookup(self, queryset: Any, value: str) -> Any:
        if self.lookup_field == "uuid":
            return queryset.filter(uuid=uuid_or_404(value))
        return queryset.filter(**{self.lookup_field: value})


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def uuid_or_404(value: str) -> uuid.UUID:
    parsed = as_uuid(value)
    if parsed is None:
        raise Http404(_("'%(value)s' is not a UUID.") % {"value": value})
    return parsed


if TYPE_CHECKING:
    # Type-checked as the API view it is mixed into, whose ``request`` is DRF's Request.
    _EditableBase = viewsets.GenericViewSet
else:
    _EditableBase = object


class EditableMixin(_EditableBase):
    """``?editable=1``: the rows Publisher edits, for Publisher users only (everyone else gets 403)."""

    @cached_property
    def editable_mode(self) -> bool:
        if not params.flag(self.request, "editable"):
            return False
        if not may_read_drafts(self.request.user):
            raise PermissionDenied(_("editable=1 is only for Publisher users (course teams, legal reviewers, staff)."))
        return True
