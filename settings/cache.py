"""Django's Redis cache, but an unreachable Redis reads as an empty cache instead of failing the request.

Everything Lyceum keeps in the cache can be recomputed: failed-login counts and remembered Basic logins
(ADR 0070), and django-waffle's copies of its switches, which every permission check of a member of staff
reads (``publisher.restrict_internal_users``). With Django's own backend a Redis outage raised
``ConnectionError`` out of those reads: every course read or write by staff answered 500, and so would every
request once a DRF rate limit is configured. Here a read that cannot reach Redis is a miss (waffle then asks
the database), a write is dropped, and ``incr`` reports a missing key, as the cache API does for one that
expired (ADR 0075).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# At most one warning per process in this many seconds: an outage would otherwise log every cache call.
WARNING_INTERVAL_SECONDS = 60.0

T = TypeVar("T")


class FailSoftRedisCacheClient(RedisCacheClient):
    _last_warning = 0.0

    def _soft(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        try:
            return call()
        except UNREACHABLE:
            now = time.monotonic()
            if now - FailSoftRedisCacheClient._last_warning >= WARNING_INTERVAL_SECONDS:
                FailSoftRedisCacheClient._last_warning = now
                logger.warning("Cache unreachable (%s); carrying on without it.", operation, exc_info=True)
            return fallback

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        return self._soft("add", lambda: super(FailSoftRedisCacheClient, self).add(key, value, timeout), False)

    def get(self, key: Any, default: Any) -> Any:
        return self._soft("get", lambda: super(FailSoftRedisCacheClient, self).get(key, default), default)

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._soft("set", lambda: super(FailSoftRedisCacheClient, self).set(key, value, timeout), None)

    def touch(self, key: Any, timeout: Any) -> bool:
        return self._soft("touch", lambda: super(FailSoftRedisCacheClient, self).touch(key, timeout), False)

    def delete(self, key: Any) -> bool:
        return self._soft("delete", lambda: super(FailSoftRedisCacheClient, self).delete(key), False)

    def get_many(self, keys: Iterable[Any]) -> dict[Any, Any]:
        return self._soft("get_many", lambda: super(FailSoftRedisCacheClient, self).get_many(keys), {})

    def has_key(self, key: Any) -> bool:
        return self._soft("has_key", lambda: super(FailSoftRedisCacheClient, self).has_key(key), False)

    def incr(self, key: Any, delta: int) -> int:
        missing = object()
        result = self._soft("incr", lambda: super(FailSoftRedisCacheClient, self).incr(key, delta), missing)
        if result is missing:
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).")
        return result  # type: ignore[return-value]

    def set_many(self, data: Mapping[Any, Any], timeout: Any) -> None:
        self._soft("set_many", lambda: super(FailSoftRedisCacheClient, self).set_many(data, timeout), None)

    def delete_many(self, keys: Iterable[Any]) -> None:
        self._soft("delete_many", lambda: super(FailSoftRedisCacheClient, self).delete_many(keys), None)

    def clear(self) -> bool:
        return self._soft("clear", lambda: super(FailSoftRedisCacheClient, self).clear(), False)


class FailSoftRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` whose calls never raise because Redis is unreachable."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
