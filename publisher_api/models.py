"""The PUBLISHER_EDITOR role (edx-rbac) and the ledger of its grants and revocations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from edx_rbac.constants import ALL_ACCESS_CONTEXT
from edx_rbac.models import UserRole, UserRoleAssignment

PUBLISHER_EDITOR = "PUBLISHER_EDITOR"


class PublisherRole(UserRole):
    """A feature role of the Publisher API; the data migration creates PUBLISHER_EDITOR."""

    class Meta:
        ordering = ["name"]


class PublisherRoleAssignment(UserRoleAssignment):
    """A user currently holds a Publisher role; revoking deletes the row and leaves an event behind."""

    role_class = PublisherRole

    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
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
        GRANTED = "granted", "Granted"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publisher_role_events")
    role = models.ForeignKey(PublisherRole, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.role} {self.action} for {self.user} by {self.actor}"
