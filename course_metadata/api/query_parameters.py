"""The query parameters a read endpoint takes, read from what it already declares; any other is a 400 naming it.

An endpoint takes (ADR 0047):

* the parameters its OpenAPI operation declares: ``extend_schema(parameters=...)`` (a serializer of
  parameters included) and the view's ``query_parameters()`` (which ``LyceumAutoSchema`` documents);
* on a listing action (anything but ``retrieve``): its filter set's filters, ``ordering`` when it orders,
  and its paginator's parameters (an action that neither filters nor pages says so with
  ``filter_backends=[]`` and ``pagination_class=None``, as DRF's ``@action`` allows);
* the generic parameters below, on every endpoint.

Nothing else: a misspelt or unsupported parameter would otherwise silently give another answer than the
client asked for (the incumbent ignores them). Writes keep their own checks (their bodies are strict).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

# Taken by every endpoint. ``format`` picks the renderer; ``_`` is the cache-buster jQuery adds to a GET
# with ``cache: false`` (a timestamp that only makes the address unique), so it is taken and has no effect.
GENERIC_PARAMETERS: dict[str, str] = {
    api_settings.URL_FORMAT_OVERRIDE or "format": "the response format (json, api)",
    "_": "a cache-buster (jQuery's cache: false); no effect",
}

READS = frozenset({"GET", "HEAD"})
_declared: dict[tuple[type, str | None, str], frozenset[str]] = {}


def _schema_of(view: Any, method: str) -> Any:
    """The view's OpenAPI inspector for this action and method, as drf-spectacular builds it for the schema:
    ``@extend_schema`` on an action or method stores its inspector class in the handler's ``kwargs``."""
    handler = getattr(view, getattr(view, "action", None) or method.lower(), None)
    # An ``@action``'s own kwargs also become attributes of its view: ``view.schema`` may be that class too.
    declared = getattr(handler, "kwargs", {}).get("schema") or view.schema
    schema = declared() if isinstance(declared, type) else declared
    schema.view = view
    return schema


def _names(parameters: Iterable[Any]) -> set[str]:
    names = set()
    for parameter in parameters:
        if isinstance(parameter, OpenApiParameter):
            if parameter.location == OpenApiParameter.QUERY and not parameter.response:
                names.add(parameter.name)
        elif isinstance(parameter, serializers.Serializer) or (
            isinstance(parameter, type) and issubclass(parameter, serializers.Serializer)
        ):
            fields = (parameter if isinstance(parameter, serializers.Serializer) else parameter()).fields
            names |= {name for name, field in fields.items() if not field.read_only}
    return names


def _documented(view: Any, method: str) -> set[str]:
    schema = _schema_of(view, method)
    schema.method = method
    getter = getattr(schema, "get_override_parameters", None)
    return _names(getter()) if getter is not None else set()


def _paginator(view: Any) -> Any:
    if hasattr(view, "paginator"):  # a generic view: its paginator for this action (None when it pages nothing)
        return view.paginator
    pagination_class = getattr(view, "pagination_class", None)
    return pagination_class() if pagination_class is not None else None


def _listing(view: Any) -> set[str]:
    """What a listing action takes besides its declared parameters: filters, ordering and pages."""
    names: set[str] = set()
    for backend in getattr(view, "filter_backends", ()):
        backend_class = backend if isinstance(backend, type) else type(backend)
        if issubclass(backend_class, DjangoFilterBackend):
            filterset_class = getattr(view, "filterset_class", None)
            names |= set(filterset_class.base_filters) if filterset_class is not None else set()
        else:  # ``ordering`` among others (which StableOrderingFilter documents only with ordering fields)
            names |= {parameter["name"] for parameter in backend_class().get_schema_operation_parameters(view)}
    paginator = _paginator(view)
    if paginator is not None:
        names |= {parameter["name"] for parameter in paginator.get_schema_operation_parameters(view)}
    return names


def declared_parameters(view: Any, method: str) -> frozenset[str]:
    """Every query parameter ``view`` (an API view handling a request) takes for ``method``, generic ones too.

    Computed from class-level declarations only, so it is kept per view class, action and method.
    """
    action = getattr(view, "action", None)
    key = (type(view), action, method)
    names = _declared.get(key)
    if names is None:
        found = _documented(view, method)
        if action != "retrieve":
            found |= _listing(view)
        names = _declared[key] = frozenset(found | set(GENERIC_PARAMETERS))
    return names


def reject_undeclared(request: Request, declared: frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        takes = ", ".join(sorted(declared - set(GENERIC_PARAMETERS))) or _("no parameters")
        message = _("Unknown parameter; this endpoint takes: %(takes)s.") % {"takes": takes}
        raise ValidationError({name: [message] for name in unknown})


class DeclaredQueryParametersOnly:
    """Mixed into an API view: a read (GET or HEAD) naming a query parameter the view does not declare is a
    400 naming it, after authentication and permissions (so a stranger learns nothing about the view)."""

    def query_parameters(self) -> Iterable[OpenApiParameter]:
        """Query parameters of the current action besides those its ``extend_schema`` lists (documented too)."""
        return ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in READS:
            reject_undeclared(request, declared_parameters(self, "GET"))
