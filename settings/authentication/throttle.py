"""Failed-login throttling: after too many failures from one client or for one user name, refuse cheaply.

Counting lives in Django's cache (Redis in production, so every worker sees the same counts). A
throttled attempt is refused before any password is hashed: that refusal, not the count, is what keeps
a stream of wrong passwords from eating the CPU. The cache is an aid, not a dependency: if it cannot be
reached, attempts are neither counted nor refused, and logins work as they did without throttling.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

_PREFIX = "lyceum:auth-failures"


@dataclass(frozen=True)
class FailureLimits:
    """At most ``limit`` failures per ``window_seconds``; past that, refuse until the window has passed."""

    limit: int
    window_seconds: int


def limits() -> FailureLimits:
    return FailureLimits(
        limit=int(settings.LYCEUM_AUTH_FAILURE_LIMIT), window_seconds=int(settings.LYCEUM_AUTH_FAILURE_WINDOW)
    )


def client_address(request: Any) -> str:
    """The caller's address: ``REMOTE_ADDR``, or the entry our own proxies added to ``X-Forwarded-For``.

    A client can write anything into ``X-Forwarded-For``; only the entries appended by the
    ``LYCEUM_TRUSTED_PROXY_COUNT`` proxies in front of us can be believed, and the last of those names
    the address that connected to the outermost proxy.
    """
    meta = request.META
    proxies = int(settings.LYCEUM_TRUSTED_PROXY_COUNT)
    if proxies > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(meta.get("REMOTE_ADDR") or "unknown")


# An IPv6 subscriber is given a whole /64 and can pick a fresh address from it for every attempt.
IPV6_CLIENT_PREFIX = 64


def client_scope(address: str) -> str:
    """What failures are counted against: an IPv4 address, or the /64 network of an IPv6 one (ADR 0075)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)


def _scopes(request: Any, username: str | None) -> list[str]:
    scopes = ["client:" + client_scope(client_address(request))]
    if username:
        scopes.append("user:" + username)
    # Hashed: a key never holds a user name or address in clear, and any text makes a valid cache key.
    return [f"{_PREFIX}:{hashlib.sha256(scope.encode()).hexdigest()}" for scope in scopes]


def _cache() -> Any:
    return caches[settings.LYCEUM_AUTH_CACHE]


def retry_after(request: Any, username: str | None) -> int | None:
    """Seconds until ``request`` may try again to sign in as ``username``; None when it may now."""
    blocks = [key + ":blocked" for key in _scopes(request, username)]
    try:
        until = _cache().get_many(blocks).values()
    except Exception:  # the cache is an aid, see the module docstring
        logger.warning("Authentication throttle cache unreachable; not throttling.", exc_info=True)
        return None
    if not until:
        return None
    return max(1, math.ceil(max(until) - time.time()))


def record_failure(request: Any, username: str | None) -> None:
    """Count one failed attempt against the client and the user name; block those that reach the limit."""
    limit = limits()
    cache = _cache()
    try:
        for key in _scopes(request, username):
            failures = _increment(cache, key + ":count", limit.window_seconds)
            if failures >= limit.limit:
                cache.set(key + ":blocked", time.time() + limit.window_seconds, timeout=limit.window_seconds)
    except Exception:
        logger.warning("Authentication throttle cache unreachable; failure not counted.", exc_info=True)


def _increment(cache: Any, key: str, window_seconds: int) -> int:
    # The first failure opens the window; incr is atomic on Redis and under a lock in local memory.
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # the window closed between add and incr: this failure opens a new one
        cache.set(key, 1, timeout=window_seconds)
        return 1
