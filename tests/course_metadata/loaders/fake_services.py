"""A local stand-in for the LMS and e-commerce APIs, on a real socket, for the loader tests and the benchmark.

It serves the response shapes of the real services (the LMS's ``pagination`` object, DRF pages for
e-commerce), paginates what it is given, signs a JWT for the client-credentials grant, and can be told to
misbehave on given requests: answer 5xx, stall past the client's timeout, send a body that is not JSON, or
lose a page (the listing shrinks between two calls).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

LMS_COURSES = "/api/courses/v1/courses/"
ECOMMERCE_COURSES = "/api/v2/courses/"
ECOMMERCE_PRODUCTS = "/api/v2/products/"
TOKEN = "/oauth2/access_token"


def fake_jwt(username: str) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'preferred_username': username})}.signature"


@dataclass
class FakeServices:
    """What the server holds; tests change it between runs. ``faults[(path, page)]`` is consumed in order."""

    lms_runs: list[dict[str, Any]] = field(default_factory=list)
    ecommerce_courses: list[dict[str, Any]] = field(default_factory=list)
    entitlement_products: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[tuple[str, int], deque[str]] = field(default_factory=lambda: defaultdict(deque))
    stall_seconds: float = 1.0
    token_lifetime: int = 3600
    client_id: str = "lyceum-worker"
    client_secret: str = "s3cret"
    # Any other DRF listing (a course-discovery's), by path, and the bodies of OPTIONS requests by path.
    listings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # When set, GETs other than the LMS's must carry "Authorization: <this>" (a course-discovery's token).
    required_authorization: str | None = None
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    tokens_issued: int = 0
    base_url: str = ""

    def fail(self, path: str, page: int, *faults: str) -> None:
        """Make the next requests for ``path`` page ``page`` misbehave: "500", "503", "timeout", "garbage", "404"."""
        self.faults[(path, page)].extend(faults)

    def count(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        if urlparse(self.path).path != TOKEN:
            self._json(404, {"detail": "not found"})
            return
        if form.get("client_id") != [state.client_id] or form.get("client_secret") != [state.client_secret]:
            self._json(401, {"error": "invalid_client"})
            return
        state.tokens_issued += 1
        self._json(200, {"access_token": fake_jwt("lyceum_worker"), "expires_in": state.token_lifetime})

    def do_OPTIONS(self) -> None:
        state = self.server.state
        path = urlparse(self.path).path
        if path in state.options:
            self._json(200, state.options[path])
        else:
            self._json(404, {"detail": "not found"})

    def do_GET(self) -> None:
        state = self.server.state
        parsed = urlparse(self.path)
        authorization = self.headers.get("Authorization")
        required = state.required_authorization
        if parsed.path in state.listings and required is not None and authorization != required:
            self._json(401, {"detail": "Authentication credentials were not provided."})
            return
        query = parse_qs(parsed.query)
        state.requests.append((parsed.path, query))
        page = int(query.get("page", ["1"])[0])
        page_size = int(query.get("page_size", ["20"])[0])
        faults = state.faults.get((parsed.path, page))
        if faults:
            fault = faults.popleft()
            if fault == "timeout":
                time.sleep(state.stall_seconds)
                self._json(200, {"results": []})
                return
            if fault == "garbage":
                self._send(200, b'{"results": [{"id": "course-v1:broken', "application/json")
                return
            self._json(int(fault), {"detail": f"injected {fault}"})
            return
        if parsed.path == LMS_COURSES:
            self._lms_page(state.lms_runs, page, page_size)
        elif parsed.path == ECOMMERCE_COURSES:
            self._drf_page(state.ecommerce_courses, page, page_size, parsed.path)
        elif parsed.path == ECOMMERCE_PRODUCTS:
            self._drf_page(state.entitlement_products, page, page_size, parsed.path)
        elif parsed.path in state.listings:
            self._drf_page(state.listings[parsed.path], page, page_size, parsed.path)
        else:
            self._json(404, {"detail": "not found"})

    def _slice(self, items: list[dict[str, Any]], page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
        num_pages = max(1, -(-len(items) // page_size))
        return items[(page - 1) * page_size : page * page_size], num_pages

    def _lms_page(self, items: list[dict[str, Any]], page: int, page_size: int) -> None:
        results, num_pages = self._slice(items, page, page_size)
        if page > num_pages:
            self._json(404, {"detail": "Invalid page."})
            return
        base = f"{self.server.state.base_url}{LMS_COURSES}"
        self._json(
            200,
            {
                "results": results,
                "pagination": {
                    "next": f"{base}?page={page + 1}" if page < num_pages else None,
                    "previous": f"{base}?page={page - 1}" if page > 1 else None,
                    "count": len(items),
                    "num_pages": num_pages,
                },
            },
        )

    def _drf_page(self, items: list[dict[str, Any]], page: int, page_size: int, path: str) -> None:
        results, num_pages = self._slice(items, page, page_size)
        if page > num_pages:
            self._json(404, {"detail": "Invalid page."})
            return
        base = f"{self.server.state.base_url}{path}"
        self._json(
            200,
            {
                "count": len(items),
                "next": f"{base}?page={page + 1}" if page < num_pages else None,
                "previous": f"{base}?page={page - 1}" if page > 1 else None,
                "results": results,
            },
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FakeServices


@contextmanager
def serving(state: FakeServices) -> Iterator[FakeServices]:
    """Serve ``state`` on 127.0.0.1 (a free port) while the block runs; ``state.base_url`` says where."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-lms", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


# --- payloads shaped like the real services' ------------------------------------------------------------


def lms_run(org: str, number: str, run: str, **overrides: Any) -> dict[str, Any]:
    """One item of the LMS courses API listing."""
    key = f"course-v1:{org}+{number}+{run}"
    body = {
        "blocks_url": f"https://lms.example.org/api/courses/v2/blocks/?course_id={key}",
        "effort": None,
        "end": "2030-06-30T00:00:00Z",
        "enrollment_start": "2029-12-01T00:00:00Z",
        "enrollment_end": "2030-02-01T00:00:00Z",
        "id": key,
        "course_id": key,
        "media": {
            "banner_image": {"uri": f"/asset-v1:{org}+{number}+{run}+type@asset+block@banner.jpg"},
            "course_image": {"uri": f"/asset-v1:{org}+{number}+{run}+type@asset+block@images_course_image.jpg"},
            "course_video": {"uri": None},
            "image": {
                "raw": f"https://lms.example.org/asset-v1:{org}+{number}+{run}+type@asset+block@course.jpg",
                "small": f"https://lms.example.org/asset-v1:{org}+{number}+{run}+type@thumbnail+block@course.jpg",
                "large": f"https://lms.example.org/asset-v1:{org}+{number}+{run}+type@asset+block@course.jpg",
            },
        },
        "name": f"{org} {number}: a course",
        "number": number,
        "org": org,
        "short_description": f"What {org} {number} teaches.",
        "start": "2030-01-01T00:00:00Z",
        "start_display": "Jan. 1, 2030",
        "start_type": "timestamp",
        "pacing": "instructor",
        "mobile_available": True,
        "hidden": False,
        "invitation_only": False,
        "license": "all-rights-reserved",
    }
    body.update(overrides)
    return body


def _product(certificate_type: str | None, price: str, currency: str, sku: str, **extra: Any) -> dict[str, Any]:
    attrs = [{"name": "certificate_type", "value": certificate_type}] if certificate_type else []
    attrs += [{"name": name, "value": value} for name, value in extra.pop("attributes", {}).items()]
    return {
        "structure": "child",
        "expires": extra.pop("expires", None),
        "attribute_values": attrs,
        "is_available_to_buy": True,
        "stockrecords": [{"price_currency": currency, "price_excl_tax": price, "partner_sku": sku}],
    }


def ecommerce_course(key: str, *, verified_price: str | None = "49.00", currency: str = "USD") -> dict[str, Any]:
    """One item of e-commerce's course listing with ``include_products``: a parent and its child seats."""
    sku = key.split(":")[-1].replace("+", "")
    products = [
        {"structure": "parent", "price": None, "expires": None, "attribute_values": [], "stockrecords": []},
        _product(None, "0.00", currency, f"A{sku}"),
    ]
    if verified_price is not None:
        products.append(_product("verified", verified_price, currency, f"V{sku}", expires="2030-05-01T00:00:00Z"))
    return {"id": key, "name": key, "verification_deadline": None, "type": "verified", "products": products}


def entitlement_product(
    course_uuid: str, *, price: str = "99.00", mode: str = "verified", sku: str = ""
) -> dict[str, Any]:
    """One item of e-commerce's product listing for the "Course Entitlement" class."""
    return {
        "id": abs(hash(course_uuid)) % 100000,
        "product_class": "Course Entitlement",
        "title": f"Course {course_uuid}",
        "price": price,
        "structure": "standalone",
        "attribute_values": [
            {"name": "certificate_type", "value": mode},
            {"name": "UUID", "value": course_uuid},
        ],
        "stockrecords": [
            {"price_currency": "USD", "price_excl_tax": price, "partner_sku": sku or f"E{course_uuid[:8]}"}
        ],
    }
