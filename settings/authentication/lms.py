"""Staff sign in through the LMS: OAuth2 with edx-auth-backends' edX backend, as Open edX services do (ADR 0160).

The flow is social-auth's: ``/login/edx-oauth2/`` sends the browser to the LMS's ``/oauth2/authorize`` with
a random ``state`` kept in the session; the LMS sends it back to ``/complete/edx-oauth2/`` with a code,
which the backend exchanges (server to server) for a JWT access token carrying the user's claims. Two
things are added to the library's behaviour:

* the access token's signature, expiry, issuer and audience are verified with the keys that verify the
  API's JWTs (the library decodes it without verifying, trusting the back channel alone);
* ``is_staff`` and ``is_superuser`` follow the LMS's ``administrator`` and ``superuser`` claims on every
  sign-in, the mapping the backend itself reports (social-auth protects both fields from updates).

Signing out of the admin after signing in this way ends the LMS session too (ADR 0162): the browser goes on
to the LMS's ``/logout``, which comes back to the admin's login page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jwt
from auth_backends.backends import EdXOAuth2
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from social_core.exceptions import AuthResponseError
from social_django.utils import load_backend, load_strategy

from settings.authentication.tokens import verify_jwt

BACKEND_NAME = EdXOAuth2.name


class LmsOAuth2(EdXOAuth2):
    """edx-auth-backends' ``EdXOAuth2`` that verifies the access token it reads the user from."""

    def user_data(self, access_token: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            verify_jwt(access_token)
        except jwt.InvalidTokenError as error:
            raise AuthResponseError(
                self,
                _("The LMS's access token does not verify: %(error)s") % {"error": error},
                stage="token_validation",
            ) from None
        return super().user_data(access_token, *args, **kwargs)


# What Django keeps in the session (``BACKEND_SESSION_KEY``) for a user this backend signed in.
LMS_BACKEND_PATH = f"{LmsOAuth2.__module__}.{LmsOAuth2.__qualname__}"


def lms_sign_in_configured() -> bool:
    return bool(getattr(settings, "SOCIAL_AUTH_EDX_OAUTH2_KEY", ""))


def sync_staff_flags(details: dict[str, Any], user: Any = None, *args: Any, **kwargs: Any) -> None:
    """Pipeline step: the LMS decides who is staff or superuser here, granting and revoking alike."""
    if user is None:
        return
    is_staff = bool(details.get("is_staff"))
    is_superuser = bool(details.get("is_superuser"))
    if (user.is_staff, user.is_superuser) != (is_staff, is_superuser):
        user.is_staff, user.is_superuser = is_staff, is_superuser
        user.save(update_fields=["is_staff", "is_superuser"])


def sign_in_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the "Sign in with <LMS>" link, when LMS sign-in is configured."""
    if not lms_sign_in_configured():
        return {}
    return {"lms_sign_in": {"name": settings.LYCEUM_LMS_NAME, "backend": BACKEND_NAME}}


def signed_in_through_the_lms(request: HttpRequest) -> bool:
    """Whether this session's user signed in through the LMS (not with a local password)."""
    return lms_sign_in_configured() and request.session.get(BACKEND_SESSION_KEY) == LMS_BACKEND_PATH


def lms_sign_out_url(request: HttpRequest) -> str:
    """The LMS's logout page, which ends the LMS session too and then sends the browser back to the login page.

    The LMS's ``/logout`` takes ``redirect_url`` (an address on a host it trusts) and ``client_id``, as the
    logout of edx-auth-backends' ``EdxOAuth2LogoutView`` sends them; the way back is this site's login page.
    """
    strategy = load_strategy(request)
    backend = load_backend(strategy, BACKEND_NAME, redirect_uri=None)
    back = request.build_absolute_uri(reverse("admin:login"))
    query = urlencode({"client_id": settings.SOCIAL_AUTH_EDX_OAUTH2_KEY, "redirect_url": back})
    return f"{backend.end_session_url()}?{query}"
