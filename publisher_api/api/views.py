"""Publisher write endpoints: parse the body, check permission, call one service (it checks If-Match), answer.

Order of answers: 401 unauthenticated, 404 unknown object, 403 not allowed, 400 bad body, 412 stale
If-Match; services re-check permissions so no other caller can bypass them, and check If-Match themselves,
under the course's lock, against the row the write changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.models import Course, CourseRun
from course_metadata.selectors.etags import etag_for
from dbkit.reconnect import read_after_commit
from publisher_api.api.representation import editable_representation
from publisher_api.api.serializers import (
    CourseCreateSerializer,
    CourseRunCreateSerializer,
    CourseRunUpdateSerializer,
    CourseUpdateSerializer,
)
from publisher_api.etags import StaleEdit
from publisher_api.permissions import PublisherPermission
from publisher_api.selectors import course_for_editing, course_run_for_editing
from publisher_api.services.course_runs import course_run_create, course_run_delete, course_run_update
from publisher_api.services.courses import course_create, course_delete, course_update

Result = TypeVar("Result")


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "This draft changed since you read it; reload it (GET ?editable=1) and apply your edit again."
    )
    default_code = "precondition_failed"


def drf_detail(error: DjangoValidationError) -> Any:
    """Django's errors in DRF's usual shape; ``a.b`` keys become nested objects."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    detail: dict[str, Any] = {}
    for field, messages in error.message_dict.items():
        name = "non_field_errors" if field in ("__all__", "detail") and len(error.message_dict) > 1 else field
        head, _, rest = name.partition(".")
        if rest:
            detail.setdefault(head, {})[rest] = messages
        else:
            detail[name] = messages
    return detail


def run_service(service: Callable[..., Result], **kwargs: Any) -> Result:
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(drf_detail(error)) from error
    except StaleEdit as error:
        raise PreconditionFailed() from error
    except (Course.DoesNotExist, CourseRun.DoesNotExist) as error:
        raise Http404(str(error)) from error  # deleted while this request waited for its lock


def answer(request: Request, row: Course | CourseRun, *, current_tail: str, status_code: int = 200) -> Response:
    """The written row as GET ?editable=1 shows it. The write has committed: a connection lost since then is
    replaced for this read, rather than answering a committed write with an error (ADR 0135)."""
    return read_after_commit(lambda: _answer_now(request, row, current_tail=current_tail, status_code=status_code))


def _answer_now(request: Request, row: Course | CourseRun, *, current_tail: str, status_code: int) -> Response:
    row.refresh_from_db()
    # The tag before the body: if another edit commits in between, the editor holds an older tag with newer
    # data and gets a 412 next time, never a newer tag with older data (which would let them drop that edit).
    etag = etag_for(row)
    response = Response(editable_representation(request, row, current_tail=current_tail), status=status_code)
    response["ETag"] = etag
    return response


def _validated(serializer_class: type, request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of GET …?editable=1; the write answers 412 if the object changed since.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="Send it back in If-Match with the next write.",
)
STALE = OpenApiResponse(
    response={"$ref": "#/components/schemas/Error"}, description="If-Match does not match the current ETag."
)

UNDELETABLE = OpenApiResponse(
    response={"$ref": "#/components/schemas/ValidationError"}, description="A published object cannot be deleted."
)


def _answer(component: str, description: str) -> OpenApiResponse:
    """The read API's representation (``GET …?editable=1``), referenced by its component name."""
    return OpenApiResponse(response={"$ref": f"#/components/schemas/{component}"}, description=description)


def _write_schema(component: str, noun: str, create: type, update: type) -> Callable[[type], type]:
    """The schema of one Publisher write view, which drf-spectacular sees through publisher_api.api.schema."""
    answer = _answer(component, f"The {noun} as GET …?editable=1 returns it.")
    return extend_schema_view(
        post=extend_schema(
            summary=f"Create a {noun}",
            request=create,
            responses={201: _answer(component, f"The new {noun} as GET …?editable=1 returns it.")},
            parameters=[ETAG],
        ),
        patch=extend_schema(
            summary=f"Edit a {noun}'s draft (only the fields given)",
            request=update,
            responses={200: answer, 412: STALE},
            parameters=[IF_MATCH, ETAG],
        ),
        put=extend_schema(
            summary=f"Edit a {noun}'s draft",
            request=update,
            responses={200: answer, 412: STALE},
            parameters=[IF_MATCH, ETAG],
        ),
        delete=extend_schema(
            summary=f"Delete a {noun}",
            responses={204: OpenApiResponse(description="Deleted."), 400: UNDELETABLE, 412: STALE},
            parameters=[IF_MATCH],
        ),
    )


@_write_schema("Course", "course", CourseCreateSerializer, CourseUpdateSerializer)
class CourseWriteView(APIView):
    """POST courses/ · PATCH/PUT/DELETE courses/{uuid or key}/."""

    permission_classes = [PublisherPermission]

    def post(self, request: Request) -> Response:
        data = _validated(CourseCreateSerializer, request, context={"partner": None})
        course = run_service(
            course_create,
            user=request.user,
            organization=data["org"],
            number=data["number"],
            title=data["title"],
            course_type=data["type"],
            prices=data.get("prices"),
            course_run=data.get("course_run"),
        )
        return answer(request, course, current_tail="courses/", status_code=status.HTTP_201_CREATED)

    def patch(self, request: Request, identifier: str) -> Response:
        return self._update(request, identifier, partial=True)

    def put(self, request: Request, identifier: str) -> Response:
        return self._update(request, identifier, partial=False)

    def _update(self, request: Request, identifier: str, *, partial: bool) -> Response:
        course = course_for_editing(identifier)
        self.check_object_permissions(request, course)
        fields = _validated(CourseUpdateSerializer, request, partial=partial, context={"partner": course.partner})
        draft = run_service(
            course_update, user=request.user, course=course, fields=fields, if_match=request.headers.get("If-Match")
        )
        return answer(request, draft, current_tail=f"courses/{identifier}/")

    def delete(self, request: Request, identifier: str) -> Response:
        course = course_for_editing(identifier)
        self.check_object_permissions(request, course)
        run_service(course_delete, user=request.user, course=course, if_match=request.headers.get("If-Match"))
        return Response(status=status.HTTP_204_NO_CONTENT)


@_write_schema("CourseRun", "course run", CourseRunCreateSerializer, CourseRunUpdateSerializer)
class CourseRunWriteView(APIView):
    """POST course_runs/ · PATCH/PUT/DELETE course_runs/{key}/."""

    permission_classes = [PublisherPermission]

    def post(self, request: Request) -> Response:
        data = _validated(CourseRunCreateSerializer, request)
        try:
            course = course_for_editing(data.pop("course"))
        except Http404 as error:
            raise ValidationError({"course": [str(error)]}) from error
        self.check_object_permissions(request, course)
        course_run = run_service(course_run_create, user=request.user, course=course, **data)
        return answer(request, course_run, current_tail="course_runs/", status_code=status.HTTP_201_CREATED)

    def patch(self, request: Request, identifier: str) -> Response:
        return self._update(request, identifier, partial=True)

    def put(self, request: Request, identifier: str) -> Response:
        return self._update(request, identifier, partial=True)

    def _update(self, request: Request, identifier: str, *, partial: bool) -> Response:
        course_run = course_run_for_editing(identifier)
        self.check_object_permissions(request, course_run)
        fields = _validated(CourseRunUpdateSerializer, request, partial=partial)
        staff = fields.pop("staff", None)
        prices = fields.pop("prices", None)
        to_status = fields.pop("status", None)
        submit = fields.pop("draft", True) is False
        deadline = (fields.pop("upgrade_deadline_override"),) if "upgrade_deadline_override" in fields else ()
        draft = run_service(
            course_run_update,
            upgrade_deadline_override=deadline,
            user=request.user,
            course_run=course_run,
            fields=fields,
            staff=staff,
            prices=prices,
            status=to_status,
            submit=submit,
            if_match=request.headers.get("If-Match"),
        )
        return answer(request, draft, current_tail=f"course_runs/{identifier}/")

    def delete(self, request: Request, identifier: str) -> Response:
        course_run = course_run_for_editing(identifier)
        self.check_object_permissions(request, course_run)
        run_service(
            course_run_delete, user=request.user, course_run=course_run, if_match=request.headers.get("If-Match")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
