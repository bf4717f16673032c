"""Granting and revoking Publisher roles; every change leaves a PublisherRoleEvent behind."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from publisher_api import permissions
from publisher_api.models import PublisherRole, PublisherRoleAssignment, PublisherRoleEvent


def _role(name: str) -> PublisherRole:
    role = PublisherRole.objects.filter(name=name).first()
    if role is None:
        known = ", ".join(PublisherRole.objects.values_list("name", flat=True)) or "none"
        raise ValidationError(
            {"role": _("Unknown role %(name)r; known roles: %(known)s.") % {"name": name, "known": known}}
        )
    return role


def publisher_role_grant(*, actor: User, user: User, role_name: str, reason: str = "") -> PublisherRoleAssignment:
    if not permissions.can_manage_publisher_roles(actor):
        raise PermissionDenied(_("Only staff who may write in Publisher can grant Publisher roles."))
    role = _role(role_name)
    if PublisherRoleAssignment.objects.filter(user=user, role=role).exists():
        raise ValidationError(
            {"user": _("%(value0)s already holds %(name)s.") % {"value0": user.get_username(), "name": role.name}}
        )
    try:
        with transaction.atomic():
            assignment = PublisherRoleAssignment.objects.create(
                user=user, role=role, assigned_by=actor, reason=reason, applies_to_all_contexts=True
            )
            PublisherRoleEvent.objects.create(
                user=user, role=role, action=PublisherRoleEvent.Action.GRANTED, actor=actor, reason=reason
            )
    except IntegrityError as error:  # a concurrent grant won the race
        raise ValidationError(
            {"user": _("%(value0)s already holds %(name)s.") % {"value0": user.get_username(), "name": role.name}}
        ) from error
    return assignment


def publisher_role_revoke(*, actor: User, assignment: PublisherRoleAssignment, reason: str = "") -> None:
    if not permissions.can_manage_publisher_roles(actor):
        raise PermissionDenied(_("Only staff who may write in Publisher can revoke Publisher roles."))
    with transaction.atomic():
        PublisherRoleEvent.objects.create(
            user=assignment.user,
            role=assignment.role,
            action=PublisherRoleEvent.Action.REVOKED,
            actor=actor,
            reason=reason,
        )
        assignment.delete()
