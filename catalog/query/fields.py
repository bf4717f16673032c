"""The fields a catalog query may test, and the one place their values are normalized."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

# A normalized value: what query values and content values are both turned into before
# they are compared, by the Python evaluator and (through the tree) the database evaluator.
Value = str | Decimal | datetime | bool

# Decimal() on its own also accepts "1_000", "NaN" and non-ASCII digits; stored filters and
# documents never mean those, so numbers must look like plain JSON/decimal literals.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
# datetime.fromisoformat() also takes "20240101" and week dates; insist on YYYY-MM-DD first.
_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}([T ].*)?", re.ASCII)
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


class Kind(StrEnum):
    """How a field's values are read and compared."""

    STRING = "string"  # exact, case-sensitive (see FieldSpec.choices for the exception)
    UUID = "uuid"  # canonical lowercase hyphenated text, so any spelling of a UUID matches
    NUMBER = "number"  # Decimal: stored prices compare exactly, with no float rounding
    DATETIME = "datetime"  # aware UTC datetime
    BOOLEAN = "boolean"


@dataclass(frozen=True, repr=False)
class FieldSpec:
    """One queryable field of content metadata.

    ``name`` is both the query key and the key read from a content document. ``many`` says the
    content may hold several values (a list); an ``exact`` test then passes when any element
    matches, and a database evaluator must treat the field as a to-many relation. List elements
    that are objects (as the course API returns subjects) are read through ``item_key``.
    ``choices`` is a closed vocabulary: values outside it are rejected when a query is parsed,
    and values in it are matched case-insensitively by canonicalizing them to its spelling.
    """

    name: str
    kind: Kind
    many: bool = False
    item_key: str | None = None
    choices: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # Specs are registry entries; naming the entry keeps Query reprs and test failures short.
        return f"FIELDS[{self.name!r}]"

    @property
    def ordered(self) -> bool:
        """Whether range lookups (gt, gte, lt, lte) make sense on this field."""
        return self.kind in (Kind.NUMBER, Kind.DATETIME)

    def normalize(self, raw: object) -> Value:
        """Turn a raw query or content value into this field's comparable form.

        Raises ValueError with a short reason when the value cannot be read as this kind.
        Callers that have a query key wrap it into a QueryError; the evaluator treats an
        unreadable content value as missing.
        """
        value = _NORMALIZERS[self.kind](raw)
        if self.choices and isinstance(value, str):
            canonical = {choice.casefold(): choice for choice in self.choices}.get(value.casefold())
            if canonical is None:
                raise ValueError(
                    _("%(value)r is not one of %(choices)s") % {"value": value, "choices": ", ".join(self.choices)}
                )
            return canonical
        return value


def _as_string(raw: object) -> str:
    if not isinstance(raw, str):
        raise ValueError(_("%(raw)r is not a string") % {"raw": raw})
    return raw


def _as_uuid(raw: object) -> str:
    if isinstance(raw, uuid.UUID):
        return str(raw)
    try:
        return str(uuid.UUID(_as_string(raw)))
    except ValueError:
        raise ValueError(_("%(raw)r is not a UUID") % {"raw": raw}) from None


def _as_number(raw: object) -> Decimal:
    # bool is an int subclass, but `true` as a price is a mistake, not 1.
    if isinstance(raw, bool):
        raise ValueError(_("%(raw)r is not a number") % {"raw": raw})
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        # Through str() so 99.99 stays 99.99 instead of its binary expansion.
        number = Decimal(str(raw))
    elif isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
        number = Decimal(raw.strip())
    else:
        raise ValueError(_("%(raw)r is not a number") % {"raw": raw})
    if not number.is_finite():
        raise ValueError(_("%(raw)r is not a finite number") % {"raw": raw})
    return number


def _as_datetime(raw: object) -> datetime:
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, str) and _DATE_PREFIX.fullmatch(raw.strip()):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(_("%(raw)r is not an ISO date or datetime") % {"raw": raw}) from None
    else:
        raise ValueError(_("%(raw)r is not an ISO date or datetime") % {"raw": raw})
    # Naive means UTC: that is how the platform's APIs write times without an offset.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def normalize_boolean(raw: object) -> bool:
    """Read a boolean written as true/false, "true"/"false", "1"/"0" or 1/0 (also for options)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(_("%(raw)r is not a boolean (true, false, 1 or 0)") % {"raw": raw})


_NORMALIZERS: Mapping[Kind, Callable[[object], Value]] = {
    Kind.STRING: _as_string,
    Kind.UUID: _as_uuid,
    Kind.NUMBER: _as_number,
    Kind.DATETIME: _as_datetime,
    Kind.BOOLEAN: normalize_boolean,
}

CONTENT_TYPES = ("course", "courserun", "program", "learnerpathway")
AVAILABILITIES = ("Current", "Starting Soon", "Upcoming", "Archived")

FIELDS: Mapping[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("content_type", Kind.STRING, choices=CONTENT_TYPES),
        FieldSpec("partner", Kind.STRING),
        FieldSpec("key", Kind.STRING),
        FieldSpec("aggregation_key", Kind.STRING),
        FieldSpec("uuid", Kind.UUID),
        FieldSpec("org", Kind.STRING),
        FieldSpec("organizations", Kind.STRING, many=True, item_key="key"),
        FieldSpec("level_type", Kind.STRING),
        FieldSpec("availability", Kind.STRING, choices=AVAILABILITIES),
        FieldSpec("status", Kind.STRING),
        FieldSpec("pacing_type", Kind.STRING),
        FieldSpec("language", Kind.STRING, many=True, item_key="name"),
        FieldSpec("subjects", Kind.STRING, many=True, item_key="name"),
        FieldSpec("seat_types", Kind.STRING, many=True, item_key="slug"),
        FieldSpec("course_type", Kind.STRING),
        FieldSpec("program_type", Kind.STRING),
        FieldSpec("enterprise_subscription_inclusion", Kind.BOOLEAN),
        FieldSpec("first_enrollable_paid_seat_price", Kind.NUMBER),
        FieldSpec("start", Kind.DATETIME),
        FieldSpec("end", Kind.DATETIME),
        FieldSpec("hidden", Kind.BOOLEAN),
        FieldSpec("title", Kind.STRING),
    )
}

# Search options that stored enterprise filters carry next to the field tests. They are
# validated as booleans and kept on Query.options; they are not tests on the content.
OPTIONS: frozenset[str] = frozenset({"include_learner_pathways", "exclude_expired_course_run"})
