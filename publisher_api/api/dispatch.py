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

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from course_metadata.selectors.etags import etag_for
from publisher_api.api.representation import read_route
from publisher_api.selectors import course_for_editing, course_run_for_editing

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# What the Publisher view takes on the list path and on a detail path.
LIST_WRITES = ("POST",)
DETAIL_WRITES = ("PATCH", "PUT", "DELETE")

# Detail tails whose editable row gets an ETag on GET ?editable=1.
_ETAG_LOOKUPS: dict[str, Callable[[str], Any]] = {
    "courses": course_for_editing,
    "course_runs": course_run_for_editing,
}


def read_write_dispatcher(
    collection: str, write_view: Callable[..., HttpResponse], *, detail_writes: tuple[str, ...] = DETAIL_WRITES
) -> Callable[..., HttpResponse]:
    """A view for ``{collection}/`` and ``{collection}/<identifier>/`` that splits reads from writes.

    A write method the path does not take (``POST`` on a detail path, ``PATCH`` on the list) is a 405
    with an ``Allow`` header, before the write view is called: that view's handlers take the identifier
    only where it belongs, and calling one with the wrong arguments was a TypeError (500).
    """

    @csrf_exempt  # the views it calls are DRF views, which apply CSRF to session-authenticated writes
    def view(request: HttpRequest, identifier: str | None = None) -> HttpResponse:
        writes = LIST_WRITES if identifier is None else detail_writes
        if request.method not in SAFE_METHODS:
            if request.method not in writes:
                return method_not_allowed(request.method, allowed=(*SAFE_METHODS, *writes))
            response = write_view(request, identifier=identifier) if identifier is not None else write_view(request)
            if response.has_header("Allow"):
                # The write view lists every method it has handlers for, list and detail alike.
                response["Allow"] = ", ".join((*SAFE_METHODS, *writes))
            return response
        tail = f"{collection}/{identifier}/" if identifier is not None else f"{collection}/"
        match = read_route(tail)
        if match is None:
            if request.method == "OPTIONS":
                return write_view(request, identifier=identifier) if identifier is not None else write_view(request)
            if identifier is not None:
                # No read route takes this identifier (``people/0.5/``): there is no such object to read.
                return JsonResponse({"detail": "Not found."}, status=404)
            return method_not_allowed(request.method, allowed=("OPTIONS", *writes))
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if request.method == "OPTIONS" and response.has_header("Allow"):
            # The read view only knows its own methods; this path also takes the writes.
            response["Allow"] = ", ".join((*SAFE_METHODS, *writes))
        if identifier is not None and request.GET.get("editable") == "1" and response.status_code == 200:
            _add_etag(response, collection, identifier)
        return response

    view.__name__ = f"{collection}_read_write"
    view.detail_writes = detail_writes  # type: ignore[attr-defined]  # what a detail path takes, for the tests
    return view


def method_not_allowed(method: str | None, *, allowed: tuple[str, ...]) -> HttpResponse:
    """DRF's 405 answer: a JSON ``detail`` and the ``Allow`` header."""
    response = JsonResponse({"detail": f'Method "{method}" not allowed.'}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def _add_etag(response: HttpResponse, collection: str, identifier: str) -> None:
    lookup = _ETAG_LOOKUPS.get(collection)
    if lookup is None or response.has_header("ETag"):
        return
    try:
        response["ETag"] = etag_for(lookup(identifier))
    except Http404:
        return
