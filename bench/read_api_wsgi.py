"""The Lyceum WSGI application with an ``X-Query-Count`` response header, for bench_read_api only.

Counting happens around the whole request (authentication, permissions, view, serialization), so the
figure is every SQL statement the request cost. Never used outside the benchmark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.db import connection

django_application = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    queries = 0

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def start_with_count(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        # Django calls start_response once the view has returned, so every query has run by now.
        return start_response(status, [*headers, ("X-Query-Count", str(queries))], exc_info)

    with connection.execute_wrapper(count):
        return django_application(environ, start_with_count)
