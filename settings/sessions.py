"""Django's database sessions, read with a query compiled once (``SESSION_ENGINE``; see ADR 0042).

Every request that carries a session cookie reads its session. Django's ``db`` backend builds and
compiles the same ORM query each time, which on a detail read costs more than the database spends on it;
this store reads the same table through a ``KeyedRows`` query and checks the expiry date in Python.
Everything else (saving, rotating, deleting, clearing expired sessions) is Django's own.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from dbkit.rows import AnyOf, KeyedRows

SESSIONS_BY_KEY = KeyedRows(
    lambda keys: Session.objects.filter(AnyOf("session_key", keys)).values("session_key", "session_data", "expire_date")
)


class SessionStore(db.SessionStore):
    """The ``db`` session store with a compiled read; sessions are stored exactly as ``db`` stores them."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        rows = SESSIONS_BY_KEY.fetch([key]) if key else []
        if not rows or rows[0]["expire_date"] <= timezone.now():
            # Missing or expired: as Django's store, forget the key so that a new session gets a new one.
            self._session_key = None
            return None
        return Session(**rows[0])
