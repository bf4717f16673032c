"""settings.sessions: Django's database sessions read through a compiled query (ADR 0042)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from settings.sessions import SessionStore

pytestmark = pytest.mark.django_db


def stored_session(**data: object) -> str:
    """A session saved by Django's own database store, as logins and the read API benchmark save them."""
    store = db.SessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_the_settings_use_this_store() -> None:
    assert django_settings.SESSION_ENGINE == "settings.sessions"


def test_reads_what_the_database_store_saved_in_one_query() -> None:
    key = stored_session(user="42", flag=True)

    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(key).load()

    assert loaded == {"user": "42", "flag": True}
    assert loaded == db.SessionStore(key).load()
    assert len(queries.captured_queries) == 1


def test_an_expired_session_is_empty_and_forgets_its_key() -> None:
    key = stored_session(user="42")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    store = SessionStore(key)

    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.parametrize("key", ["nosuchsessionkeyatall12345", None])
def test_an_unknown_or_missing_key_is_an_empty_session(key: str | None) -> None:
    store = SessionStore(key)

    assert store.load() == {}
    assert store.session_key is None


def test_saving_and_deleting_stay_djangos() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    assert key is not None and SessionStore(key).load() == {"answer": 42}

    store.delete()

    assert SessionStore(key).load() == {}
