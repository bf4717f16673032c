"""Text as the search layer stores and matches it: HTML stripped, accents folded, split into words.

Both database backends store folded text and fold query words the same way, so ``Genève`` finds
``geneve`` and the reverse (Elasticsearch's ``asciifolding`` filter does the same there).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from course_metadata.api.v1.serializers.common import dt_string

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower-cased, accents removed (``É`` → ``e``)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def plain(value: Any) -> str:
    """A field value as folded plain text (lists joined by newlines, HTML tags removed)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(plain(item) for item in value)
    text = str(value)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return fold(text)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_NOW = re.compile(r"^now(?:([+-])(\d+)([dhm]))?(?:/d)?$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class BadValue(ValueError):
    """A value that does not fit its field (``start:tomorrow``); the API answers 400 with this message."""


def date_value(raw: str, *, now: dt.datetime | None = None, end_of_day: bool = False) -> str:
    """A date in a query (ISO date or date-time, or ``now``/``now+60d``) in the stored form."""
    text = raw.strip()
    match = _NOW.match(text)
    if match:
        moment = now or timezone.now()
        if match.group(1):
            delta = dt.timedelta(**{_UNITS[match.group(3)]: int(match.group(2))})
            moment = moment + delta if match.group(1) == "+" else moment - delta
        return str(dt_string(moment))
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
    except ValueError:
        raise BadValue(
            _("%(raw)r is not a date (use YYYY-MM-DD, an ISO 8601 date-time, or now+Nd)") % {"raw": raw}
        ) from None
    return str(dt_string(moment))


def number_value(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise BadValue(_("%(raw)r is not a number") % {"raw": raw}) from None


def boolean_value(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise BadValue(_("%(raw)r is not a boolean (use true or false)") % {"raw": raw})
