"""What a write answers with: the object exactly as ``GET …?editable=1`` of the read API returns it.

The write views do not import the read API's serializers: they resolve the read route for the object
in the read API's own URLconf and call that view with a GET sub-request carrying the caller's identity.
The read API can change its serializers freely and the writes keep answering with the same shape. When
the read route does not exist (a deployment without it, or during development) a small fallback shape
is returned instead.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, ResolverMatch, resolve
from rest_framework.request import Request

from course_metadata.models import Course, CourseRun

READ_URLCONF = "course_metadata.api.v1.urls"

# Request attributes DRF and Django keep per request that the sub-request must carry over.
_CARRIED_ATTRIBUTES = ("session", "_force_auth_user", "_force_auth_token", "COOKIES")


def read_route(tail: str) -> ResolverMatch | None:
    """The read API's route for ``tail`` (``courses/<uuid>/``), or None."""
    try:
        return resolve("/" + tail.lstrip("/"), urlconf=READ_URLCONF)
    except Resolver404:
        return None


def get_sub_request(request: HttpRequest, *, tail: str, current_tail: str, query: str) -> HttpRequest:
    """A GET for ``tail`` made as the same caller, mounted where ``request`` is mounted."""
    mount = request.path[: len(request.path) - len(current_tail)] if request.path.endswith(current_tail) else "/"
    sub = HttpRequest()
    sub.method = "GET"
    sub.path = sub.path_info = mount + tail
    sub.META = {key: value for key, value in request.META.items() if key not in ("CONTENT_LENGTH", "CONTENT_TYPE")}
    sub.META.update({"REQUEST_METHOD": "GET", "QUERY_STRING": query, "PATH_INFO": sub.path})
    sub.GET = QueryDict(query)
    for attribute in _CARRIED_ATTRIBUTES:
        if hasattr(request, attribute):
            setattr(sub, attribute, getattr(request, attribute))
    sub.user = getattr(request, "user", None)  # type: ignore[assignment]
    return sub


def call_read_view(request: HttpRequest, *, tail: str, current_tail: str, query: str = "editable=1") -> Any | None:
    """The read API's response for ``tail`` as the caller, or None when there is no such route."""
    match = read_route(tail)
    if match is None:
        return None
    sub = get_sub_request(request, tail=tail, current_tail=current_tail, query=query)
    sub.resolver_match = match
    return match.func(sub, *match.args, **match.kwargs)


def editable_representation(request: Request, obj: Course | CourseRun, *, current_tail: str) -> dict[str, Any]:
    """``GET courses/{uuid}/?editable=1`` (or the run's) as the caller sees it."""
    tail = f"courses/{obj.uuid}/" if isinstance(obj, Course) else f"course_runs/{obj.key}/"
    response = call_read_view(request._request, tail=tail, current_tail=current_tail)
    if response is not None and response.status_code == 200 and hasattr(response, "data"):
        return response.data
    return fallback_representation(obj)


def fallback_representation(obj: Course | CourseRun) -> dict[str, Any]:
    """The few fields a Publisher client needs when the read API cannot answer."""
    if isinstance(obj, CourseRun):
        return {
            "uuid": str(obj.uuid),
            "key": obj.key,
            "course": obj.course.key,
            "course_uuid": str(obj.course.uuid),
            "status": obj.status,
            "start": obj.start.isoformat() if obj.start else None,
            "end": obj.end.isoformat() if obj.end else None,
            "pacing_type": obj.pacing_type,
            "run_type": str(obj.type.uuid) if obj.type else None,
            "external_key": obj.external_key,
            "has_ofac_restrictions": obj.has_ofac_restrictions,
            "seats": [{"type": seat.type.slug, "price": str(seat.price)} for seat in obj.seats.select_related("type")],
        }
    return {
        "uuid": str(obj.uuid),
        "key": obj.key,
        "title": obj.title,
        "type": str(obj.type.uuid) if obj.type else None,
        "url_slug": obj.url_slug,
        "key_for_reruns": obj.key_for_reruns,
        "entitlements": [
            {"mode": entitlement.mode.slug, "price": str(entitlement.price), "currency": entitlement.currency}
            for entitlement in obj.entitlements.select_related("mode")
        ],
        "course_run_keys": list(obj.course_runs.values_list("key", flat=True)),
        "course_run_statuses": sorted(set(obj.course_runs.values_list("status", flat=True))),
        "owners": [{"key": organization.key} for organization in obj.authoring_organizations.all()],
        "subjects": [{"slug": subject.slug} for subject in obj.subjects.all()],
        "collaborators": [{"uuid": str(collaborator.uuid)} for collaborator in obj.collaborators.all()],
        "topics": sorted(obj.topics.names()),
        "editable": True,
    }
