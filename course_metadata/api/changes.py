"""``GET /api/v1/changes/``: the change feed, read by cursor (course_metadata.changelog.feed)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.query_parameters import DeclaredQueryParametersOnly
from course_metadata.changelog.access import editable_drafts
from course_metadata.changelog.cursor import START, InvalidCursor, Position
from course_metadata.changelog.feed import change_log_page, position_exists

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class CursorField(serializers.CharField):
    """A cursor parameter: absent means "from the start", but an empty one is a mistake, not a start."""

    default_error_messages = {
        "blank": "Empty cursor: give a next_cursor from an earlier response, or leave `after` out to start at "
        "the beginning."
    }

    def get_value(self, dictionary: Any) -> Any:
        # DRF reads an empty query value of an optional field as "not given"; keep it, so it is refused.
        return dictionary.get(self.field_name, empty)


class ChangeFeedParams(serializers.Serializer):
    after = CursorField(
        required=False, help_text=_("A next_cursor from an earlier response; leave out to start at the beginning.")
    )
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        help_text=_("At most %(MAX_LIMIT)s (larger is capped).") % {"MAX_LIMIT": MAX_LIMIT},
    )
    editable = serializers.BooleanField(
        required=False, default=False, help_text=_("1: include draft changes of what you may edit.")
    )

    def validate_after(self, value: str) -> Position:
        try:
            return Position.parse(value)
        except InvalidCursor as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_limit(self, value: int) -> int:
        return min(value, MAX_LIMIT)


class ChangeSerializer(serializers.Serializer):
    """Documents one result; the view builds results directly (read by consumers in bulk)."""

    cursor = serializers.CharField()
    object_type = serializers.ChoiceField(
        choices=["course", "courserun", "program", "organization", "person", "learnerpathway"]
    )
    key = serializers.CharField(allow_null=True)
    uuid = serializers.UUIDField(allow_null=True)
    draft = serializers.BooleanField()
    action = serializers.ChoiceField(choices=["upsert", "delete"])
    timestamp = serializers.DateTimeField()


class ChangeFeedSerializer(serializers.Serializer):
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()
    results = ChangeSerializer(many=True)


class ChangeFeedView(DeclaredQueryParametersOnly, APIView):
    """Changes to courses, runs, programs, organizations, people and learner pathways, in order, each once.

    Unlike the ``timestamp`` filters, the feed reports deletions and never misses a change that commits
    late. Pass ``next_cursor`` back as ``after`` to continue; ``has_more`` says whether to ask again now.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ChangeFeedParams], responses=ChangeFeedSerializer)
    def get(self, request: Request) -> Response:
        params = ChangeFeedParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        after: Position = params.validated_data.get("after", START)
        if not position_exists(after):
            raise ValidationError(
                {"after": [_("Unknown cursor %(value1)r: it does not point at a change.") % {"value1": str(after)}]}
            )
        drafts = None
        if params.validated_data["editable"]:
            drafts = editable_drafts(request.user)
        page = change_log_page(after=after, limit=params.validated_data["limit"], drafts=drafts)
        body: dict[str, Any] = {
            "next_cursor": str(page.next_position),
            "has_more": page.has_more,
            "results": [change.as_dict() for change in page.changes],
        }
        return Response(body)
