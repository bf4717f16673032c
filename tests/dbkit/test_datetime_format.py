"""Datetimes render exactly as DRF renders them: ISO 8601 in UTC with a ``Z``, microseconds only if any."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from dbkit.json_values import format_datetime

ZONES: list[dt.tzinfo] = [
    dt.UTC,
    zoneinfo.ZoneInfo("UTC"),
    zoneinfo.ZoneInfo("Europe/Paris"),
    dt.timezone(dt.timedelta(hours=-5)),
]
EARLIEST, LATEST = dt.datetime(1000, 1, 2), dt.datetime(9998, 12, 30)
DATETIMES = st.one_of(
    st.datetimes(EARLIEST, LATEST),  # naive: taken as UTC
    st.datetimes(EARLIEST, LATEST, timezones=st.sampled_from(ZONES)),
)


def drf_style(value: dt.datetime) -> str:
    """DRF's own rule (rest_framework.fields.DateTimeField with the default format), for naive-as-UTC values."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text = value.astimezone(dt.UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


@given(DATETIMES)
def test_matches_drf(value: dt.datetime) -> None:
    assert format_datetime(value) == drf_style(value)


def test_examples() -> None:
    assert format_datetime(None) is None
    assert format_datetime(dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)) == "2024-05-01T09:30:00Z"
    assert format_datetime(dt.datetime(2024, 5, 1, 9, 30, 0, 1500)) == "2024-05-01T09:30:00.001500Z"
    paris = dt.datetime(2024, 5, 1, 11, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    assert format_datetime(paris) == "2024-05-01T09:30:00Z"
