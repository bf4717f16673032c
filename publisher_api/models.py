"""The PUBLISHER_EDITOR role (edx-rbac) and the ledger of its grants and revocations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from edx_rbac.constants import ALL_ACCESS_CONTEXT
from edx_rbac.models import UserRole, UserRoleAssignment

PUBLISHER_EDITOR = "PUBLISHER_EDITOR"


class PublisherRole(UserRole):
    """A feature role of the Publisher API; the data migration creates PUBLISHER_EDITOR."""

    class Meta:
        verbose_name = _("publisher role")
        verbose_name_plural = _("publisher roles")
        ordering = ["name"]


class PublisherRoleAssignment(UserRoleAssignment):
    """A user currently holds a Publisher role; revoking deletes the row and leaves an event behind."""

    role_class = PublisherRole

    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("publisher role assignment")
        verbose_name_plural = _("publisher role assignments")
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="publisher_role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} holds {self.role}"

    def get_context(self) -> str:
        # The role is not scoped to an organization or course: it lifts the restriction everywhere.
        return ALL_ACCESS_CONTEXT


class PublisherRoleEvent(models.Model):
    """One grant or revocation, kept after the assignment itself is gone (the audit trail)."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publisher_role_events", verbose_name=_("user")
    )
    role = models.ForeignKey(PublisherRole, on_delete=models.CASCADE, related_name="events", verbose_name=_("role"))
    action = models.CharField(max_length=16, choices=Action.choices, verbose_name=_("action"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    created = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("publisher role event")
        verbose_name_plural = _("publisher role events")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.role} {self.action} for {self.user} by {self.actor}"
