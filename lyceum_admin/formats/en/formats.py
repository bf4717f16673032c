"""English display formats: ``2026-07-01 16:00`` instead of ``July 1, 2026, 4 p.m.`` (half the width in a list)."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
