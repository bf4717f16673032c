"""Publisher's few decoupled handlers, connected in PublisherApiConfig.ready().

Edit rights need no clean-up when a user leaves an organization's group: the permission rule itself
requires the membership. Only the admin's object permissions (django-guardian) are a stored copy, so
they are brought back in step here, in the transaction that changes the groups: the copy commits with the
change or not at all. (Run after the commit, a lost connection turned a committed change into an error
answer and left a former member's grant in place, with nothing to repair it later: ADR 0135.)
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
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
        user_course_permissions_sync(user=user)
