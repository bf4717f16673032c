"""The configured search backend: ``settings.SEARCH_BACKEND`` is ``"database"`` (default), ``"elasticsearch"`` or ``"opensearch"``."""

from __future__ import annotations

import functools
import importlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.backends.base import SearchBackend

BACKENDS = {
    "database": "search.backends.database:DatabaseBackend",
    "elasticsearch": "search.backends.elasticsearch:ElasticsearchBackend",
    "opensearch": "search.backends.elasticsearch:OpenSearchBackend",
}


@functools.cache
def _backend(name: str) -> SearchBackend:
    try:
        path = BACKENDS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND (LYCEUM_SEARCH_BACKEND) is {name!r}; set it to one of: {', '.join(BACKENDS)}"
        ) from None
    module, cls = path.split(":")
    backend: SearchBackend = getattr(importlib.import_module(module), cls)()
    return backend


def get_backend() -> SearchBackend:
    return _backend(settings.SEARCH_BACKEND)


def reset_backend() -> None:
    """Forget the constructed backend (tests that change SEARCH_BACKEND)."""
    _backend.cache_clear()
