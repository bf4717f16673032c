"""One path, two APIs: reads go to the read API's view, writes to Publisher's (see ADR 0051).

``courses/`` and ``course_runs/`` (and their detail paths) are served by both the read API
(course_metadata.api.v1) and the Publisher API. Publisher's URLconf is included first and routes these
paths to a dispatcher: safe methods are handed to whatever view the read API's own URLconf resolves the
same path to, unsafe methods to the Publisher view. Neither app imports the other's views, and the
read API may route, name and serialize its endpoints however it likes.

On a ``GET …?editable=1`` detail answer the dispatcher adds the ``ETag`` writes check with If-Match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from course_metadata.selectors.etags import etag_for
from publisher_api.api.representation import read_route
from publisher_api.selectors import course_for_editing, course_run_for_editing

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Detail tails whose editable row gets an ETag on GET ?editable=1.
_ETAG_LOOKUPS: dict[str, Callable[[str], Any]] = {
    "courses": course_for_editing,
    "course_runs": course_run_for_editing,
}


def read_write_dispatcher(collection: str, write_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view for ``{collection}/`` and ``{collection}/<identifier>/`` that splits reads from writes."""

    @csrf_exempt  # the views it calls are DRF views, which apply CSRF to session-authenticated writes
    def view(request: HttpRequest, identifier: str | None = None) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return write_view(request, identifier=identifier) if identifier is not None else write_view(request)
        tail = f"{collection}/{identifier}/" if identifier is not None else f"{collection}/"
        match = read_route(tail)
        if match is None:
            if request.method == "OPTIONS":
                return write_view(request, identifier=identifier) if identifier is not None else write_view(request)
            return HttpResponseNotAllowed(["POST"] if identifier is None else ["PATCH", "PUT", "DELETE"])
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if identifier is not None and request.GET.get("editable") == "1" and response.status_code == 200:
            _add_etag(response, collection, identifier)
        return response

    view.__name__ = f"{collection}_read_write"
    return view


def _add_etag(response: HttpResponse, collection: str, identifier: str) -> None:
    lookup = _ETAG_LOOKUPS.get(collection)
    if lookup is None or response.has_header("ETag"):
        return
    try:
        response["ETag"] = etag_for(lookup(identifier))
    except Http404:
        return
