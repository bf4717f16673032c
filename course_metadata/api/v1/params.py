"""Query parameters of the read API: parsing (a 400 naming the parameter on bad input) and their OpenAPI docs.

Filters live in ``filters.py`` (django-filter, built on the parsers here); this module also holds the
flags that shape a response rather than filter it (``exclude_utm``, ``include_hidden_course_runs``, ...).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from course_metadata.models.partners import KEY_PART_RE

T = TypeVar("T")

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
FALSE_VALUES = frozenset({"0", "false", "no", "off"})

TIMESTAMP_FORMATS = (
    "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]], optionally with a zone (Z or ±HH:MM); without a zone the time is UTC"
)
# ISO 8601 calendar dates and times only (Python's fromisoformat alone would also take week dates etc.).
_TIMESTAMP_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|z|[+-]\d{2}:?\d{2})?)?$"
)
# A "+" in a query string decodes to a space: "...T10:00:00 02:00" was "...T10:00:00+02:00".
_SPACE_FOR_PLUS_RE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


# The largest value of a PostgreSQL bigint (and of an SQLite integer): ids and offsets past it match nothing
# and would make the database refuse the statement.
BIGINT_MAX = 2**63 - 1
# ASCII digits only: str.isdigit() also accepts "¹" or "٣", which int() then refuses or reads differently.
_DIGITS_RE = re.compile(r"[0-9]+")


class BadParameter(ValueError):
    """A query parameter value that cannot be used; the message says what is expected."""


def as_id(value: str) -> int | None:
    """``value`` as a database id (ASCII digits, within a bigint), or ``None`` when it cannot be one."""
    if not _DIGITS_RE.fullmatch(value):
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None


def _whole_number(value: str, *, minimum: int) -> int:
    number = as_id(value.strip())
    if number is None or number < minimum:
        raise BadParameter(
            _("'%(value)s' is not a whole number from %(minimum)s to %(BIGINT_MAX)s (digits only).")
            % {"value": value, "minimum": minimum, "BIGINT_MAX": BIGINT_MAX}
        )
    return number


def parse_positive_int(value: str) -> int:
    """A whole number from 1 up to a bigint (``page_size``, ``limit``)."""
    return _whole_number(value, minimum=1)


def parse_non_negative_int(value: str) -> int:
    """A whole number from 0 up to a bigint (``offset``)."""
    return _whole_number(value, minimum=0)


def parse_bool(value: str) -> bool | None:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case); empty means not given."""
    text = value.strip().lower()
    if not text:
        return None
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    raise BadParameter(_("'%(value)s' is not a boolean; use 1 or 0 (true/false also work).") % {"value": value})


def parse_timestamp(value: str) -> dt.datetime | None:
    text = _SPACE_FOR_PLUS_RE.sub(r"\1+\2", value.strip())
    if not text:
        return None
    parsed: dt.datetime | None = None
    if _TIMESTAMP_RE.match(text):
        try:
            parsed = dt.datetime.fromisoformat(text.replace("z", "Z"))
            # In UTC, as the database compares it (an offset can push a date past the calendar's ends).
            parsed = parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        except (ValueError, OverflowError):
            parsed = None
    if parsed is None:
        raise BadParameter(
            _("'%(value)s' is not a date or datetime; use %(TIMESTAMP_FORMATS)s.")
            % {"value": value, "TIMESTAMP_FORMATS": TIMESTAMP_FORMATS}
        )
    return parsed


def split_list(values: str | Iterable[str]) -> list[str]:
    """Comma-separated values (also repeated parameters), stripped, empty ones dropped, order kept."""
    if isinstance(values, str):
        values = [values]
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def parse_uuid_list(values: str | Iterable[str]) -> list[uuid.UUID]:
    parsed = []
    for item in split_list(values):
        try:
            parsed.append(uuid.UUID(item))
        except ValueError:
            raise BadParameter(_("'%(item)s' is not a UUID.") % {"item": item}) from None
    return parsed


def is_course_key(value: str) -> bool:
    org, plus, number = value.partition("+")
    return bool(plus and KEY_PART_RE.match(org) and KEY_PART_RE.match(number))


def _keys(values: str | Iterable[str]) -> list[str]:
    # Keys never contain spaces, so a space is a "+" that was not percent-encoded in the query string.
    return [key.replace(" ", "+") for key in split_list(values)]


def parse_course_key_list(values: str | Iterable[str]) -> list[str]:
    """Course keys (``edX+CS101``). A value of another shape matches nothing, as in the incumbent (whose
    clients send run keys or old-style keys here and expect no match rather than an error). A value holding a
    NUL character can match nothing and is dropped (the database would refuse it)."""
    return [key for key in _keys(values) if "\x00" not in key]


def parse_id_list(values: str | Iterable[str]) -> list[int]:
    """Database ids (``editors=3,5``)."""
    ids = []
    for item in split_list(values):
        number = as_id(item)
        if number is None:
            raise BadParameter(_("'%(item)s' is not an id (a whole number).") % {"item": item})
        ids.append(number)
    return ids


# Restriction types of runs the incumbent hides unless ``include_restricted`` names them. Lyceum models no
# restricted runs, so every run is listed whatever the value; the names are still checked.
RESTRICTION_TYPES = ("custom-b2b-enterprise", "custom-b2c")


def parse_restriction_types(values: str | Iterable[str]) -> list[str]:
    types = split_list(values)
    for item in types:
        if item not in RESTRICTION_TYPES:
            raise BadParameter(
                _("'%(item)s' is not one of: %(restriction_types)s.")
                % {"item": item, "restriction_types": ", ".join(RESTRICTION_TYPES)}
            )
    return types


def is_course_run_key(value: str) -> bool:
    try:
        CourseKey.from_string(value)
    except InvalidKeyError:
        return False
    return True


def parse_course_run_key_list(values: str | Iterable[str]) -> list[str]:
    keys = _keys(values)
    for key in keys:
        if not is_course_run_key(key):
            raise BadParameter(
                _("'%(key)s' is not a course run key; expected course-v1:ORG+NUMBER+RUN.") % {"key": key}
            )
    return keys


def query_param(request: Request, name: str, parse: Callable[[str], T]) -> T | None:
    """A parsed query parameter (``None`` when absent); bad input is a 400 naming the parameter."""
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return parse(value)
    except BadParameter as error:
        raise ValidationError({name: [str(error)]}) from None


def flag(request: Request, name: str) -> bool:
    """A boolean query parameter, false when absent."""
    return bool(query_param(request, name, parse_bool))


def check_accepted(request: Request, accepted: Iterable[OpenApiParameter]) -> None:
    """Parse every parameter an endpoint accepts without using it here (a 400 names a bad value): flags whose
    meaning needs nothing from Lyceum, such as ``include_retired_run_types`` with no type retired."""
    for parameter in accepted:
        name = parameter.name
        if name == "include_restricted":
            query_param(request, name, parse_restriction_types)
        elif name in ("fields", "omit", "language_code"):
            continue
        else:
            flag(request, name)


# --- OpenAPI documentation of the flags ----------------------------------------------------------------


def _flag(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, OpenApiParameter.QUERY, description=description)


EDITABLE = _flag(
    "editable",
    "1: serve the rows Publisher edits (the draft where one exists, else the official row), limited to what "
    "the caller may edit. Only for Publisher users (staff, legal reviewers, organization members); others get "
    "403. Lists every run of those courses, ignoring the run flags.",
)
EXCLUDE_UTM = _flag("exclude_utm", "1: marketing URLs without utm_source/utm_medium tracking parameters.")
INCLUDE_HIDDEN_COURSE_RUNS = _flag("include_hidden_course_runs", "1: also list hidden runs (left out by default).")
MARKETABLE_COURSE_RUNS_ONLY = _flag(
    "marketable_course_runs_only",
    "1: list only marketable runs (published, with a marketing slug, a marketable run type and a seat) that "
    "are not over (neither the run nor its enrollment has ended).",
)
MARKETABLE_ENROLLABLE_COURSE_RUNS_WITH_ARCHIVED = _flag(
    "marketable_enrollable_course_runs_with_archived",
    "1: list only marketable runs whose enrollment is open now, even if the run itself has ended.",
)
PUBLISHED_COURSE_RUNS_ONLY = _flag("published_course_runs_only", "1: list only published runs.")
UUIDS_ONLY = _flag("uuids_only", "1: answer with the UUIDs of every matching program (a plain list, not paginated).")
USE_FULL_COURSE_SERIALIZER = _flag(
    "use_full_course_serializer", "1: describe each course of a program as the courses endpoint does."
)
INCLUDE_DELETED_PROGRAMS = _flag("include_deleted_programs", "1: also list deleted programs in `programs`.")
INCLUDE_UNPUBLISHED_PROGRAMS = _flag(
    "include_unpublished_programs", "1: also list unpublished programs in a run's `programs`."
)
INCLUDE_RETIRED_PROGRAMS = _flag("include_retired_programs", "1: also list retired programs in a run's `programs`.")
INCLUDE_RETIRED_RUN_TYPES = _flag(
    "include_retired_run_types",
    "1: also list runs of retired run types. Lyceum retires no run type, so every run is listed either way.",
)
INCLUDE_RETIRED_COURSE_TYPES = _flag(
    "include_retired_course_types",
    "1: also list courses of retired course types. Lyceum retires no course type, so every course is listed "
    "either way.",
)
INCLUDE_RESTRICTED = OpenApiParameter(
    "include_restricted",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description=f"Comma-separated restriction types of runs to list too ({', '.join(RESTRICTION_TYPES)}). Lyceum "
    "models no restricted runs, so every run is listed either way; other values are a 400.",
)
FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Comma-separated fields to keep in each object (top level; `courses.key` keeps a nested "
    "object's field). An unknown field is a 400.",
)
OMIT = OpenApiParameter(
    "omit",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Comma-separated fields to leave out of each object. An unknown field is a 400.",
)
LANGUAGE_CODE = OpenApiParameter(
    "language_code",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Language of the names. Lyceum keeps one language, so the names are the same whatever the value.",
)
COURSE_RUN_IDS = OpenApiParameter(
    "course_run_ids",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="Comma-separated course run keys to check.",
)
COURSE_KEYS = OpenApiParameter(
    "course_keys", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Comma-separated course keys."
)
PROGRAM_UUIDS = OpenApiParameter(
    "program_uuids", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Comma-separated program UUIDs."
)
COURSE_LOOKUP = OpenApiParameter(
    "key_or_uuid", OpenApiTypes.STR, OpenApiParameter.PATH, description="Course key (edX+CS101) or UUID."
)
