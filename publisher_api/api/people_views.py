"""Who works on what: course editors (course teams) and Publisher role assignments (staff only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.pagination import PageOrLimitPagination
from course_metadata.api.query_parameters import DeclaredQueryParametersOnly
from course_metadata.api.v1.params import as_id
from course_metadata.models import CourseEditor
from publisher_api import permissions
from publisher_api.api.serializers import (
    CourseEditorSerializer,
    PublisherRoleAssignmentSerializer,
    PublisherRoleEventSerializer,
    RevokeSerializer,
)
from publisher_api.api.views import run_service
from publisher_api.models import PUBLISHER_EDITOR, PublisherRoleAssignment
from publisher_api.selectors import (
    course_editors_of,
    course_for_editing,
    publisher_role_assignments,
    publisher_role_events,
)
from publisher_api.services.editors import course_editor_add, course_editor_remove
from publisher_api.services.roles import publisher_role_grant, publisher_role_revoke

USER_FILTER = OpenApiParameter("user", OpenApiTypes.STR, description="Only this user (id or username).")
DELETED = OpenApiResponse(description="Deleted.")


@extend_schema_view(
    get=extend_schema(
        summary="The editors of a course",
        parameters=[OpenApiParameter("course", OpenApiTypes.STR, required=True, description="Course UUID or key.")],
        responses={
            200: CourseEditorSerializer(many=True),
            404: OpenApiResponse(response={"$ref": "#/components/schemas/Error"}, description="No such course."),
        },
    ),
    post=extend_schema(
        summary="Make a user an editor of a course",
        request=CourseEditorSerializer,
        responses={201: CourseEditorSerializer},
    ),
)
class CourseEditorListView(DeclaredQueryParametersOnly, APIView):
    """GET course_editors/?course=<uuid> · POST course_editors/ {"course": uuid, "user_id": id}."""

    permission_classes = [permissions.PublisherPermission]

    def get(self, request: Request) -> Response:
        identifier = request.query_params.get("course")
        if not identifier:
            raise ValidationError({"course": [_("Give the course: ?course=<uuid or key>.")]})
        course = course_for_editing(identifier)
        if not permissions.editable_courses(request.user).filter(pk=course.pk).exists():
            raise PermissionDenied(_("You may not see the editors of this course."))
        editors = course_editors_of(course)
        return Response(CourseEditorSerializer(editors, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = CourseEditorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            course = course_for_editing(str(serializer.validated_data["course"]["uuid"]))
        except Http404 as error:
            raise ValidationError({"course": [str(error)]}) from error
        editor = get_user_model().objects.filter(pk=serializer.validated_data["user_id"]).first()
        if editor is None:
            raise ValidationError(
                {"user_id": [_("No user %(value1)s.") % {"value1": serializer.validated_data["user_id"]}]}
            )
        self.check_object_permissions(request, course)
        course_editor = run_service(course_editor_add, user=request.user, course=course, editor=editor)
        return Response(CourseEditorSerializer(course_editor).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One course editor", responses={200: CourseEditorSerializer}),
    delete=extend_schema(summary="Remove a course editor", responses={204: DELETED}),
)
class CourseEditorDetailView(DeclaredQueryParametersOnly, APIView):
    """GET and DELETE course_editors/{id}/."""

    permission_classes = [permissions.PublisherPermission]

    def get(self, request: Request, pk: int) -> Response:
        course_editor = CourseEditor.objects.select_related("course", "user").filter(pk=pk).first()
        # Only editors of courses the caller may edit are shown (as the list, and the incumbent's detail).
        if course_editor is None or not (
            permissions.editable_courses(request.user).filter(uuid=course_editor.course.uuid).exists()
        ):
            raise Http404(f"No course editor {pk}.")
        return Response(CourseEditorSerializer(course_editor).data)

    def delete(self, request: Request, pk: int) -> Response:
        course_editor = CourseEditor.objects.select_related("course", "user").filter(pk=pk).first()
        if course_editor is None:
            raise Http404(_("No course editor %(pk)s.") % {"pk": pk})
        self.check_object_permissions(request, course_editor)
        run_service(course_editor_remove, user=request.user, course_editor=course_editor)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _events_by_user(user_ids: list[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for event in publisher_role_events().filter(user_id__in=user_ids):
        grouped[event.user_id].append(event)
    return grouped


def user_filter(request: Request) -> Q:
    """``?user=``: a user id (digits) or a username; no ``user`` selects everyone."""
    user = request.query_params.get("user")
    if not user:
        return Q()
    user_id = as_id(user)
    if user_id is not None:
        return Q(user_id=user_id)
    if user.isascii() and user.isdigit():
        raise ValidationError({"user": [_("'%(user)s' is too large to be a user id.") % {"user": user}]})
    if "\x00" in user:  # the database refuses NUL characters, and no username holds one
        raise ValidationError({"user": [_("Null characters are not allowed.")]})
    return Q(user__username=user)


@extend_schema_view(
    get=extend_schema(
        summary="Publisher role assignments, with their history",
        operation_id="api_v1_publisher_roles_list",
        parameters=[USER_FILTER],
        responses=PublisherRoleAssignmentSerializer(many=True),
    ),
    post=extend_schema(
        summary="Grant a Publisher role",
        request=PublisherRoleAssignmentSerializer,
        responses={201: PublisherRoleAssignmentSerializer},
    ),
)
class PublisherRoleListView(DeclaredQueryParametersOnly, APIView):
    """GET publisher-roles/ (assignments with their history) · POST publisher-roles/ (grant)."""

    permission_classes = [permissions.PublisherRolePermission]
    pagination_class = PageOrLimitPagination

    def get(self, request: Request) -> Response:
        assignments = publisher_role_assignments().filter(user_filter(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(assignments, request, view=self)
        context = {"events_by_user": _events_by_user([assignment.user_id for assignment in page or []])}
        return paginator.get_paginated_response(
            PublisherRoleAssignmentSerializer(page, many=True, context=context).data
        )

    def post(self, request: Request) -> Response:
        serializer = PublisherRoleAssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = run_service(
            publisher_role_grant,
            actor=request.user,
            user=data["user"],
            role_name=data.get("role", {}).get("name", PUBLISHER_EDITOR),
            reason=data.get("reason", ""),
        )
        context = {"events_by_user": _events_by_user([assignment.user_id])}
        return Response(
            PublisherRoleAssignmentSerializer(assignment, context=context).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    get=extend_schema(summary="One Publisher role assignment", responses=PublisherRoleAssignmentSerializer),
    delete=extend_schema(
        summary="Revoke a Publisher role",
        parameters=[OpenApiParameter("reason", OpenApiTypes.STR, description="Why it is revoked (kept in history).")],
        responses={204: DELETED},
    ),
)
class PublisherRoleDetailView(DeclaredQueryParametersOnly, APIView):
    """GET/DELETE publisher-roles/{id}/ (revoke, with an optional ``reason`` in the body or query)."""

    permission_classes = [permissions.PublisherRolePermission]

    def _assignment(self, pk: int) -> PublisherRoleAssignment:
        assignment = publisher_role_assignments().filter(pk=pk).first()
        if assignment is None:
            raise Http404(_("No role assignment %(pk)s.") % {"pk": pk})
        return assignment

    def get(self, request: Request, pk: int) -> Response:
        assignment = self._assignment(pk)
        context = {"events_by_user": _events_by_user([assignment.user_id])}
        return Response(PublisherRoleAssignmentSerializer(assignment, context=context).data)

    def delete(self, request: Request, pk: int) -> Response:
        assignment = self._assignment(pk)
        body = RevokeSerializer(data=request.data if isinstance(request.data, Mapping) else {})
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason") or request.query_params.get("reason", "")
        run_service(publisher_role_revoke, actor=request.user, assignment=assignment, reason=str(reason))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        summary="Every grant and revocation of a Publisher role, newest first",
        parameters=[USER_FILTER],
        responses=PublisherRoleEventSerializer(many=True),
    )
)
class PublisherRoleHistoryView(DeclaredQueryParametersOnly, APIView):
    """GET publisher-roles/history/: every grant and revocation, newest first (``?user=`` filters)."""

    permission_classes = [permissions.PublisherRolePermission]
    pagination_class = PageOrLimitPagination

    def get(self, request: Request) -> Response:
        events = publisher_role_events().filter(user_filter(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(PublisherRoleEventSerializer(page, many=True).data)
