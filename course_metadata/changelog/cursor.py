"""Positions in the change log, and the opaque cursor strings clients pass back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_CURSOR_RE = re.compile(r"^(\d{1,19})\.(\d{1,19})$")


class InvalidCursor(ValueError):
    """A cursor string that is not of the form this service hands out."""


@dataclass(frozen=True, order=True)
class Position:
    """(transaction id, entry id): the order the log is read in. ``START`` is before every entry."""

    txid: int
    entry_id: int

    def __str__(self) -> str:
        return f"{self.txid}.{self.entry_id}"

    @property
    def is_start(self) -> bool:
        return self == START

    @classmethod
    def parse(cls, cursor: str) -> Position:
        match = _CURSOR_RE.match(cursor.strip())
        if match is None:
            raise InvalidCursor(
                _(
                    "%(cursor)r is not a change-log cursor; pass a next_cursor value from an earlier response (or leave `after` out to start from the beginning)."
                )
                % {"cursor": cursor}
            )
        return cls(int(match.group(1)), int(match.group(2)))


START = Position(0, 0)
