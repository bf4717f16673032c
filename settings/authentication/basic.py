"""HTTP Basic that refuses throttled callers before hashing and remembers verified credentials briefly.

A password check costs a deliberate ~0.4 s of CPU. Basic authentication does one per request, so a
client that sends a correct password on every call pays it every time, and a client sending wrong
ones can keep every worker busy. Refusing throttled callers first (see ``throttle``) bounds the second;
a short-lived record of credentials verified a moment ago bounds the first.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import Throttled

from settings.authentication import throttle

logger = logging.getLogger(__name__)

_VERIFIED_PREFIX = "lyceum:basic-verified"


def _verified_key(username: str, password: str, password_hash: str) -> str:
    """A keyed digest of the credentials and the stored hash: no password in the cache, in clear or hashed.

    The stored hash is part of the key, so changing the password (or Django re-hashing it) retires every
    entry made for the old one; the key is an HMAC under ``SECRET_KEY``, so a copy of the cache does not
    allow guessing passwords offline.
    """
    value = json.dumps([username, password, password_hash])
    digest = salted_hmac("lyceum.basic-verified-credentials", value, algorithm="sha256").hexdigest()
    return f"{_VERIFIED_PREFIX}:{digest}"


def _ttl() -> int:
    return int(settings.LYCEUM_BASIC_AUTH_CACHE_SECONDS)


def recently_verified_user(username: str, password: str) -> Any | None:
    """The active user whose ``username``/``password`` were verified within the TTL, or None."""
    if _ttl() <= 0:
        return None
    user_model = get_user_model()
    try:
        user = user_model._default_manager.get_by_natural_key(username)
    except user_model.DoesNotExist:
        return None
    if not user.is_active or not user.password:
        return None
    try:
        remembered = caches[settings.LYCEUM_AUTH_CACHE].get(_verified_key(username, password, user.password))
    except Exception:  # without the cache, verify the password as usual
        return None
    return user if remembered == user.pk else None


def remember_verified(user: Any, username: str, password: str) -> None:
    if _ttl() <= 0:
        return
    try:
        caches[settings.LYCEUM_AUTH_CACHE].set(_verified_key(username, password, user.password), user.pk, _ttl())
    except Exception:  # the next request verifies the password again
        logger.warning("Authentication cache unreachable; verified login not remembered.", exc_info=True)


class ThrottledBasicAuthentication(BasicAuthentication):
    """DRF's Basic authentication with failed-login throttling and a short verified-credentials cache."""

    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> tuple[Any, None]:
        if request is not None:
            wait = throttle.retry_after(request, userid)
            if wait is not None:
                raise Throttled(wait=wait, detail=_("Too many failed sign-in attempts."))
        user = recently_verified_user(userid, password)
        if user is None:
            # Hashes the password; a wrong one is counted by the throttling authentication backend.
            user, _unused = super().authenticate_credentials(userid, password, request)
            remember_verified(user, userid, password)
        return user, None
