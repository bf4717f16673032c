"""Publisher's few decoupled handlers, connected in PublisherApiConfig.ready().

Edit rights need no clean-up when a user leaves an organization's group: the permission rule itself
requires the membership. Only the admin's object permissions (django-guardian) are a stored copy, so
they are brought back in step here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

User = get_user_model()


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="publisher_user_groups_changed")
def user_groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from publisher_api.services.editors import user_course_permissions_sync

    users = [instance] if not reverse else list(User.objects.filter(pk__in=pk_set or ()))
    for user in users:
        # Robust: the group change has committed when this runs, so a failure is logged, never raised into the
        # request (nor does it skip the on-commit work queued after it). No permission check reads the copy;
        # edit rights are computed from the memberships themselves (ADR 0075).
        # (A function, not a partial: Django logs a robust callback's failure by its __qualname__.)
        transaction.on_commit(_after_commit(user_course_permissions_sync, user), robust=True)


def _after_commit(sync: Callable[..., None], user: Any) -> Callable[[], None]:
    def sync_user_course_permissions() -> None:
        sync(user=user)

    return sync_user_course_permissions
