"""POST replace_usernames/: the LMS renames users across its services, Lyceum among them.

Called by the LMS's username-replacement job (which checks the new names are free in the LMS) with
``{"username_mappings": [{"old": "new"}, ...]}``; answers 200 with the pairs that were and were not
replaced, as course-discovery does. A missing old user counts as replaced (there is nothing to rename); a
new name another user holds, or one that is not a valid username, is a failed replacement.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.inputs import StrictSerializer

logger = logging.getLogger(__name__)


# --- service ------------------------------------------------------------------------------------


def username_replace(*, old: str, new: str) -> bool:
    """Rename the user ``old`` to ``new`` in one transaction; False when ``new`` is taken or not a valid name."""
    user_model = get_user_model()
    field = cast(models.Field, user_model._meta.get_field(user_model.USERNAME_FIELD))
    try:
        field.run_validators(new)
        if not new or len(new) > (field.max_length or len(new)):
            raise DjangoValidationError(_("Not a valid username."))
    except DjangoValidationError:
        logger.info("Username %r not replaced: %r is not a valid username.", old, new)
        return False
    if old == new:
        return True
    try:
        with transaction.atomic():
            if user_model.objects.filter(**{field.name: new}).exists():
                logger.info("Username %r not replaced: %r is taken.", old, new)
                return False
            changed = user_model.objects.filter(**{field.name: old}).update(**{field.name: new})
    except IntegrityError:  # taken by a concurrent rename
        logger.info("Username %r not replaced: %r is taken.", old, new)
        return False
    logger.info("Username %r %s.", old, f"replaced by {new!r}" if changed else "does not exist; nothing to replace")
    return True


# --- API ----------------------------------------------------------------------------------------


class CanReplaceUsernames(BasePermission):
    """The LMS's username-replacement service user (``USERNAME_REPLACEMENT_WORKER``), or staff."""

    message = _("Only the LMS's username-replacement service user or staff may replace usernames.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        worker = settings.USERNAME_REPLACEMENT_WORKER
        return bool(user.is_staff or user.is_superuser or (worker and user.get_username() == worker))


class UsernameMappingField(serializers.DictField):
    """``{"<current username>": "<new username>"}``: exactly one pair."""

    child = serializers.CharField(allow_blank=True)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if isinstance(data, Mapping) and not all(isinstance(value, str) for value in data.values()):
            raise serializers.ValidationError(_("Usernames are strings."))
        mapping = super().to_internal_value(data)
        if len(mapping) != 1:
            raise serializers.ValidationError(_('Each mapping is one "old": "new" pair.'))
        return mapping


class UsernameReplacementInput(StrictSerializer):
    username_mappings = serializers.ListField(
        child=UsernameMappingField(), help_text=_('[{"current username": "new username"}, ...]')
    )


class UsernameReplacementResult(serializers.Serializer):
    successful_replacements = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    failed_replacements = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class UsernameReplacementView(APIView):
    """Rename users as part of the LMS's username replacement across services. Never call it by hand: the
    LMS first checks that the new names are free there, and renames everywhere at once."""

    permission_classes = [CanReplaceUsernames]

    @extend_schema(
        summary="Replace usernames (the LMS's username-replacement flow)",
        request=UsernameReplacementInput,
        responses={200: UsernameReplacementResult},
    )
    def post(self, request: Request) -> Response:
        body = UsernameReplacementInput(data=request.data if isinstance(request.data, Mapping) else None)
        body.is_valid(raise_exception=True)
        successful: list[dict[str, str]] = []
        failed: list[dict[str, str]] = []
        for mapping in body.validated_data["username_mappings"]:
            [(old, new)] = mapping.items()
            (successful if username_replace(old=old, new=new) else failed).append({old: new})
        return Response({"successful_replacements": successful, "failed_replacements": failed})
