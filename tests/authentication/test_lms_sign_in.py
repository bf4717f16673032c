"""Staff sign in to the admin through the LMS (OAuth2, edX backend), against a stand-in LMS over real HTTP."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from social_django.models import UserSocialAuth

CLIENT_ID = "lyceum-sso-key"
CLIENT_SECRET = "lyceum-sso-secret"


@dataclass
class StandInLms:
    """The LMS's OAuth2 provider as the edX backend uses it: authorize, then the code for a JWT access token."""

    url: str = ""
    # The claims of whoever signs in at the LMS next.
    claims: dict[str, Any] = field(default_factory=dict)
    signing_key: str = ""
    codes: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    # The query of each visit to the LMS's /logout (which ends the LMS session, then sends the browser on).
    logouts: list[dict[str, str]] = field(default_factory=list)

    def access_token(self, claims: dict[str, Any]) -> str:
        issuer = settings.JWT_AUTH["JWT_ISSUERS"][0]
        now = int(time.time())
        payload = {"iss": issuer["ISSUER"], "aud": issuer["AUDIENCE"], "iat": now, "exp": now + 300, **claims}
        return jwt.encode(payload, self.signing_key or issuer["SECRET_KEY"], algorithm="HS256")


def _handler(lms: StandInLms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def _send(self, status: int, body: dict[str, Any] | None = None, location: str | None = None) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            if parts.path == "/logout":
                # The LMS's logout: its session ends, and the browser goes to ``redirect_url`` if given.
                lms.logouts.append(query)
                return self._send(302, location=query["redirect_url"]) if "redirect_url" in query else self._send(200)
            if parts.path != "/oauth2/authorize":
                return self._send(404)
            if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                return self._send(400, {"error": "invalid_request"})
            code = secrets.token_urlsafe(16)
            lms.codes[code] = (dict(lms.claims), query["redirect_uri"])
            back = {"code": code, "state": query.get("state", "")}
            separator = "&" if "?" in query["redirect_uri"] else "?"
            return self._send(302, location=f"{query['redirect_uri']}{separator}{urlencode(back)}")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path != "/oauth2/access_token":
                return self._send(404)
            lms.token_requests.append(form)
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return self._send(401, {"error": "invalid_client"})
            claims, redirect_uri = lms.codes.pop(form.get("code", ""), ({}, None))
            if form.get("grant_type") != "authorization_code" or redirect_uri != form.get("redirect_uri"):
                return self._send(400, {"error": "invalid_grant"})
            token = lms.access_token(claims)
            return self._send(200, {"access_token": token, "token_type": "JWT", "expires_in": 300, "scope": "profile"})

    return Handler


@pytest.fixture(scope="module")
def lms_server() -> Iterator[StandInLms]:
    lms = StandInLms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lms))
    lms.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield lms
    server.shutdown()
    server.server_close()


@pytest.fixture
def lms(lms_server: StandInLms, settings: Any, db: None) -> StandInLms:
    settings.SOCIAL_AUTH_EDX_OAUTH2_KEY = CLIENT_ID
    settings.SOCIAL_AUTH_EDX_OAUTH2_SECRET = CLIENT_SECRET
    settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = lms_server.url
    settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = ""
    settings.LYCEUM_LMS_NAME = "Example Academy"
    lms_server.claims = {
        "preferred_username": "ada",
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "administrator": True,
        "superuser": False,
        "user_id": 7,
    }
    lms_server.signing_key = ""
    lms_server.codes.clear()
    lms_server.token_requests.clear()
    lms_server.logouts.clear()
    return lms_server


def authorize_at_lms(client: Client, lms: StandInLms, next_url: str = "/admin/") -> str:
    """Start the sign-in, let the stand-in LMS authorize it; the callback address (path and query)."""
    start = client.post("/login/edx-oauth2/", {"next": next_url})
    assert start.status_code == 302
    assert start["Location"].startswith(f"{lms.url}/oauth2/authorize?")
    at_lms = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_lms.status_code == 302, at_lms.text
    callback = urlsplit(at_lms.headers["Location"])
    assert callback.path == "/complete/edx-oauth2/"
    return f"{callback.path}?{callback.query}"


def signed_in_user(client: Client) -> User | None:
    user = client.get("/admin/").wsgi_request.user
    return user if user.is_authenticated else None


def test_the_login_page_offers_the_lms_only_when_configured(lms: StandInLms, settings: Any) -> None:
    page = Client().get("/admin/login/", {"next": "/admin/course_metadata/"}).content.decode()
    assert 'value="Sign in with Example Academy"' in page
    assert 'action="/login/edx-oauth2/"' in page
    assert 'name="next" value="/admin/course_metadata/"' in page
    assert 'name="password"' in page  # local accounts still sign in here

    settings.SOCIAL_AUTH_EDX_OAUTH2_KEY = ""
    assert "Sign in with" not in Client().get("/admin/login/").content.decode()


def test_a_sign_in_starts_only_from_a_form_of_this_site(lms: StandInLms) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.get("/login/edx-oauth2/").status_code == 405
    assert client.post("/login/edx-oauth2/", {"next": "/admin/"}).status_code == 403  # no CSRF token


def test_a_staff_member_signs_in_through_the_lms_and_lands_on_the_admin(lms: StandInLms) -> None:
    client = Client()
    done = client.get(authorize_at_lms(client, lms, next_url="/admin/course_metadata/"))

    assert done.status_code == 302 and done["Location"] == "/admin/course_metadata/"
    user = User.objects.get(username="ada")
    assert (user.email, user.first_name, user.last_name) == ("ada@example.com", "Ada", "Lovelace")
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert UserSocialAuth.objects.get(user=user).provider == "edx-oauth2"
    assert signed_in_user(client) == user
    assert client.get("/admin/").status_code == 200
    # The code went to the token endpoint with the client's credentials, server to server, once.
    [token_request] = lms.token_requests
    assert token_request["client_secret"] == CLIENT_SECRET and token_request["grant_type"] == "authorization_code"


def test_an_existing_user_is_found_by_username_and_follows_the_lms_claims(lms: StandInLms) -> None:
    User.objects.create_user(username="ada", email="old@example.com", is_staff=True, is_superuser=True)
    lms.claims.update(administrator=False, superuser=False, email="ada@lms.example.com")
    client = Client()
    client.get(authorize_at_lms(client, lms))

    user = User.objects.get(username="ada")
    assert User.objects.filter(username__startswith="ada").count() == 1
    assert user.email == "ada@lms.example.com"
    assert (user.is_staff, user.is_superuser) == (False, False)  # no longer an LMS administrator
    assert client.get("/admin/").status_code == 302  # signed in, but not staff: the admin refuses

    lms.claims.update(administrator=True, superuser=True)
    client = Client()
    client.get(authorize_at_lms(client, lms))
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)


def test_a_callback_with_a_state_this_session_did_not_issue_signs_nobody_in(lms: StandInLms) -> None:
    client = Client()
    callback = authorize_at_lms(client, lms)
    forged = callback.replace("state=", "state=forged")
    answer = client.get(forged)

    assert answer.status_code == 302 and answer["Location"] == settings.SOCIAL_AUTH_LOGIN_ERROR_URL
    assert signed_in_user(client) is None
    assert lms.token_requests == []  # the code was never exchanged
    assert not User.objects.filter(username="ada").exists()


def test_a_callback_in_another_browser_signs_nobody_in(lms: StandInLms) -> None:
    callback = authorize_at_lms(Client(), lms)
    other = Client()
    answer = other.get(callback)
    assert answer.status_code == 302 and answer["Location"] == settings.SOCIAL_AUTH_LOGIN_ERROR_URL
    assert signed_in_user(other) is None


@pytest.mark.parametrize("next_url", ["https://evil.example/admin/", "//evil.example/", "///evil.example/"])
def test_next_never_leaves_the_site(lms: StandInLms, next_url: str) -> None:
    client = Client()
    done = client.get(authorize_at_lms(client, lms, next_url=next_url))
    assert done.status_code == 302
    assert done["Location"] == settings.SOCIAL_AUTH_LOGIN_REDIRECT_URL


def test_an_access_token_signed_with_another_key_is_refused(lms: StandInLms) -> None:
    lms.signing_key = "not-the-lms-signing-key"
    client = Client()
    answer = client.get(authorize_at_lms(client, lms))

    assert answer.status_code == 302 and answer["Location"] == settings.SOCIAL_AUTH_LOGIN_ERROR_URL
    assert signed_in_user(client) is None
    assert not User.objects.filter(username="ada").exists()


def test_local_accounts_still_sign_in_with_a_password(lms: StandInLms) -> None:
    User.objects.create_user(username="local-editor", password="a-local-password", is_staff=True)
    client = Client()
    answer = client.post(
        "/admin/login/?next=/admin/", {"username": "local-editor", "password": "a-local-password", "next": "/admin/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    assert signed_in_user(client).username == "local-editor"  # type: ignore[union-attr]
    assert "settings.authentication.backends.ThrottledModelBackend" in settings.AUTHENTICATION_BACKENDS


def test_signing_out_of_the_admin_after_an_lms_sign_in_signs_out_of_the_lms_too(lms: StandInLms) -> None:
    client = Client()
    client.get(authorize_at_lms(client, lms))
    assert signed_in_user(client) is not None
    assert 'action="/admin/logout/"' in client.get("/admin/").content.decode()  # the "Log out" button

    answer = client.post("/admin/logout/")

    assert answer.status_code == 302
    assert answer["Location"].startswith(f"{lms.url}/logout?")
    assert signed_in_user(client) is None  # the admin session ended before the browser left
    # The LMS ends its session and sends the browser back to the admin's login page.
    at_lms = requests.get(answer["Location"], allow_redirects=False, timeout=10)
    assert lms.logouts == [{"client_id": CLIENT_ID, "redirect_url": "http://testserver/admin/login/"}]
    assert at_lms.status_code == 302 and at_lms.headers["Location"] == "http://testserver/admin/login/"


def test_the_lms_is_asked_at_the_address_browsers_reach_it(lms: StandInLms, settings: Any) -> None:
    client = Client()
    client.get(authorize_at_lms(client, lms))
    settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = "https://lms.example.com"
    answer = client.post("/admin/logout/")
    assert answer["Location"].startswith("https://lms.example.com/logout?client_id=")


def test_a_local_account_signs_out_of_lyceum_only(lms: StandInLms) -> None:
    User.objects.create_user(username="local-editor", password="a-local-password", is_staff=True)
    client = Client()
    client.login(username="local-editor", password="a-local-password")
    answer = client.post("/admin/logout/")
    assert answer.status_code == 200 and "Logged out" in answer.content.decode()
    assert signed_in_user(client) is None
    assert lms.logouts == []


def test_a_get_of_the_logout_page_signs_nobody_out(lms: StandInLms) -> None:
    client = Client()
    client.get(authorize_at_lms(client, lms))
    assert client.get("/admin/logout/").status_code == 405
    assert signed_in_user(client) is not None
