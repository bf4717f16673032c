"""HTTP for the loaders: one ``requests`` session, retries with backoff, OAuth2 client credentials, page walking.

A request is retried on connection errors, timeouts, 5xx, 429 and bodies that are not JSON (a proxy's HTML
error page, a response cut short); any other 4xx is final. What is still failing after the last attempt is
raised as :class:`FetchFailed`, which the loaders report for that page before going on with the next.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
DEFAULT_ATTEMPTS = 4
DEFAULT_BACKOFF = 1.0  # seconds before the second attempt; doubled for each further one
# A token this close to its expiry is renewed before use, so it does not expire in flight.
TOKEN_EXPIRY_MARGIN = 60.0


class FetchFailed(Exception):
    """A request that failed for good (after its retries, or with a final 4xx)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


def _retryable_status(status: int) -> bool:
    return status >= 500 or status == 429


@dataclass
class ClientCredentials:
    """OAuth2 client-credentials grant against the LMS, asking for a JWT; the token is kept until it expires."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)  # never in a log line or an error report (ADR 0072)
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self, session: requests.Session, timeout: float) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at - TOKEN_EXPIRY_MARGIN:
                self._token, lifetime = self._fetch(session, timeout)
                self._expires_at = self.clock() + lifetime
            return self._token

    def forget(self) -> None:
        """Drop the cached token (after a 401: it was revoked or the clock is off)."""
        with self._lock:
            self._token = None

    def _fetch(self, session: requests.Session, timeout: float) -> tuple[str, float]:
        data = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "token_type": "jwt",
        }
        try:
            response = session.post(self.token_url, data=data, timeout=timeout)
        except requests.RequestException as error:
            raise FetchFailed(self.token_url, f"could not get an access token: {error}") from error
        if response.status_code != 200:
            raise FetchFailed(
                self.token_url,
                f"the LMS refused the client credentials (HTTP {response.status_code}); "
                "check the partner's oauth2_client_id and oauth2_client_secret",
                status=response.status_code,
            )
        try:
            body = response.json()
            return str(body["access_token"]), float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as error:
            raise FetchFailed(self.token_url, "the token response is not an OAuth2 token") from error


def jwt_username(token: str) -> str | None:
    """The ``preferred_username`` claim of a JWT, read without verifying it (the LMS asks for it back)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    username = claims.get("preferred_username") if isinstance(claims, dict) else None
    return str(username) if username else None


class ApiClient:
    """GETs JSON from one service with retries; authenticates with a bearer/JWT token or client credentials."""

    def __init__(
        self,
        *,
        credentials: ClientCredentials | None = None,
        token: str | None = None,
        token_scheme: str = "JWT",
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.session = session or requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.credentials = credentials
        self.static_token = token
        self.token_scheme = token_scheme
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        self.requests_made = 0

    def access_token(self) -> str | None:
        if self.credentials is not None:
            return self.credentials.token(self.session, self.timeout)
        return self.static_token

    def _headers(self) -> dict[str, str]:
        token = self.access_token()
        return {"Authorization": f"{self.token_scheme} {token}"} if token else {}

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """The decoded JSON body of GET ``url``; raises FetchFailed once retries are exhausted."""
        last = "no attempt made"
        status: int | None = None
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self.requests_made += 1
            try:
                response = self.session.get(url, params=params, headers=self._headers(), timeout=self.timeout)
            except requests.Timeout:
                last, status = f"timed out after {self.timeout:g} s", None
                continue
            except requests.ConnectionError as error:
                last, status = f"connection failed ({error.__class__.__name__})", None
                continue
            status = response.status_code
            if status == 401 and self.credentials is not None and attempt == 0:
                self.credentials.forget()
                last = "HTTP 401"
                continue
            if _retryable_status(status):
                last = f"HTTP {status}"
                continue
            if status >= 400:
                raise FetchFailed(response.url, f"HTTP {status}", status=status)
            try:
                return response.json()
            except ValueError:
                last = "the body is not valid JSON"
                continue
        raise FetchFailed(url, f"{last} (after {self.attempts} attempts)", status=status)


@dataclass
class Page:
    """One page of a listing: its number, its results, and how many pages the listing said it had."""

    number: int
    results: list[dict[str, Any]]
    num_pages: int
    count: int | None


@dataclass
class PageFailure:
    number: int
    url: str
    reason: str


def _pagination(body: Any, page_size: int) -> tuple[list[dict[str, Any]], int, int | None]:
    """(results, page count, item count) of a DRF page or an LMS page (``pagination`` object)."""
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ValueError("the page has no 'results' list")
    results = [item for item in body["results"] if isinstance(item, dict)]
    pagination = body.get("pagination")
    meta: dict[str, Any] = pagination if isinstance(pagination, dict) else body
    count = meta.get("count")
    num_pages = meta.get("num_pages")
    if not isinstance(num_pages, int):
        num_pages = max(1, -(-count // page_size)) if isinstance(count, int) else 1 if not meta.get("next") else 2**31
    return results, num_pages, count if isinstance(count, int) else None


def walk_pages(client: ApiClient, url: str, params: dict[str, Any], *, page_size: int) -> Iterator[Page | PageFailure]:
    """Yield each page of a paginated listing in turn (one page in memory), or a PageFailure for a page lost.

    Pages are asked for by number, so a page that fails does not stop the walk: the next one is asked for.
    The page count comes from the first page; a later page answering 404 means the listing shrank while it was
    read (its items may have moved to pages already read), which is reported as a failure of that page.
    """
    number, num_pages = 1, 1
    while number <= num_pages:
        query = {**params, "page": number, "page_size": page_size}
        try:
            body = client.get_json(url, query)
            results, listed_pages, count = _pagination(body, page_size)
        except FetchFailed as error:
            if number == 1 or error.status != 404:
                reason = error.reason
            else:
                reason = "the page disappeared (HTTP 404): the listing shrank while it was read; run again"
            yield PageFailure(number, error.url, reason)
            if number == 1:
                return  # without the first page there is no page count to go on with
            number += 1
            continue
        except ValueError as error:
            yield PageFailure(number, url, str(error))
            if number == 1:
                return
            number += 1
            continue
        if number == 1:
            num_pages = listed_pages
        yield Page(number, results, num_pages, count)
        if not results:
            break
        number += 1


def join(base: str, path: str) -> str:
    """``base`` (with or without a trailing slash) followed by ``path``."""
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


_DONE = object()


def prefetched(pages: Iterator[Page | PageFailure]) -> Generator[Page | PageFailure, None, None]:
    """``pages`` with the next one fetched in a thread while the caller writes the current one.

    At most one page waits (memory stays one page ahead); the thread does only HTTP, never the database.
    An exception raised while fetching is raised here, where the caller would have seen it. When the
    caller stops early the thread stops after the page it is fetching.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(item: Any) -> bool:
        """Wait for room; False when the caller has stopped."""
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                handoff.put(item, timeout=0.1)
                return True
        return False

    def fetch() -> None:
        try:
            for page in pages:
                if not hand_over(page):
                    return
            hand_over(_DONE)
        except BaseException as error:  # handed to the caller, who raises it
            hand_over(error)

    thread = threading.Thread(target=fetch, name="loader-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            handoff.get_nowait()  # frees a producer blocked on a full queue
        thread.join()


def batched_pages(pages: Iterator[Page | PageFailure], items: int) -> Iterator[tuple[list[Page], list[PageFailure]]]:
    """Consecutive pages grouped until they hold at least ``items`` results, with the failures met on the way.

    The loaders write a group in one transaction: the statements per write are constant, so fewer, larger
    writes cost fewer round trips than one per HTTP page, while memory stays bounded by ``items``.
    """
    group: list[Page] = []
    failures: list[PageFailure] = []
    held = 0
    for page in pages:
        if isinstance(page, Page):
            group.append(page)
            held += len(page.results)
        else:
            failures.append(page)
        if held >= items:
            yield group, failures
            group, failures, held = [], [], 0
    if group or failures:
        yield group, failures
