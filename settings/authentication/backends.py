"""The model authentication backend, throttled: every password login (admin, api-auth, Basic) goes through it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from settings.authentication import throttle


class ThrottledModelBackend(ModelBackend):
    """Refuses a throttled client or user name without hashing, and counts each wrong password.

    Raising ``PermissionDenied`` (rather than returning None) stops Django from asking the next backend
    and still sends ``user_login_failed``; the login form then shows its usual "incorrect" message.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None or request is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        if throttle.retry_after(request, username) is not None:
            raise PermissionDenied(_("Too many failed sign-in attempts."))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(request, username)
        return user
