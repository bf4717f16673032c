"""A field table shaped like the search schema's, for tests of the query language on its own."""

from __future__ import annotations

from search.query.fields import FieldKind, FieldTable

K = FieldKind

TABLE = FieldTable(
    kinds={
        "title": K.TEXT,
        "short_description": K.TEXT,
        "staff": K.TEXT,
        "org": K.KEYWORD,
        "key": K.KEYWORD,
        "aggregation_key": K.KEYWORD,
        "content_type": K.KEYWORD,
        "seat_types": K.KEYWORD,
        "first_enrollable_paid_seat_price": K.NUMBER,
        "weeks_to_complete": K.NUMBER,
        "start": K.DATE,
        "hidden": K.BOOLEAN,
    },
    default_fields=("title", "short_description", "staff"),
    aliases={"id": "aggregation_key", "price": "first_enrollable_paid_seat_price"},
)
