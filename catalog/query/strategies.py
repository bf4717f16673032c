"""Hypothesis strategies for valid catalog queries and content documents (tests only).

Queries and documents draw from one small shared VOCABULARY so that they often agree on a
value and the interesting branches (hits, misses, missing fields, boundaries) all happen.
A database-backed property test can create rows for every vocabulary value up front.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from hypothesis import strategies as st

from catalog.query.fields import AVAILABILITIES, CONTENT_TYPES, FIELDS, OPTIONS, FieldSpec, Kind
from catalog.query.parse import parse_query
from catalog.query.tree import Query

JSON = Any

_ORGS = ("edX", "MITx", "HarvardX")
_DATES = ("2023-09-01T00:00:00Z", "2024-01-15T12:30:00Z", "2024-06-01T00:00:00Z")

# Every field's values, written as the API writes them in documents.
VOCABULARY: Mapping[str, tuple[JSON, ...]] = {
    "content_type": CONTENT_TYPES,
    "partner": ("edx", "mitx"),
    "key": ("edX+CS101", "course-v1:edX+CS101+2T2024", "MITx+6.002x"),
    "aggregation_key": (
        "course:edX+CS101",
        "courserun:edX+CS101",
        "program:6f9f7a1e-4c2b-4d53-9a3e-2f0d8e1c5b7a",
    ),
    "uuid": ("6f9f7a1e-4c2b-4d53-9a3e-2f0d8e1c5b7a", "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"),
    "org": _ORGS,
    "organizations": _ORGS,
    "level_type": ("Introductory", "Intermediate", "Advanced"),
    "availability": AVAILABILITIES,
    "status": ("published", "unpublished", "active"),
    "pacing_type": ("instructor_paced", "self_paced"),
    "language": ("English", "Spanish"),
    "subjects": ("Computer Science", "Mathematics", "History"),
    "seat_types": ("audit", "verified", "professional"),
    "course_type": ("verified-audit", "audit", "professional"),
    "program_type": ("MicroMasters", "XSeries", "Professional Certificate"),
    "enterprise_subscription_inclusion": (True, False),
    "first_enrollable_paid_seat_price": (0, 49, 99.99, 300),
    "start": _DATES,
    "end": _DATES,
    "hidden": (True, False),
    "title": ("Intro to CS", "intro to cs", 'Data "Science": Basics'),
}

_BOOLEAN_SPELLINGS = {True: (True, "true", "True", "1", 1), False: (False, "false", "0", 0)}
_RANGES = ("gt", "gte", "lt", "lte")


def _spellings(spec: FieldSpec, value: JSON) -> tuple[JSON, ...]:
    """Ways a stored query may write one vocabulary value."""
    if spec.kind is Kind.NUMBER:
        return (value, str(value))
    if spec.kind is Kind.BOOLEAN:
        return _BOOLEAN_SPELLINGS[value]
    if spec.kind is Kind.DATETIME:
        # A bare date (midnight UTC) lands exactly on some vocabulary values and between others.
        return (value, value[:10])
    if spec.kind is Kind.UUID:
        return (value, value.upper(), value.replace("-", ""))
    if spec.choices:
        return (value, value.upper())
    return (value,)


# Strategies are built once per field: building them on every draw makes tests several times slower.
@cache
def query_value(spec: FieldSpec) -> st.SearchStrategy[JSON]:
    """One non-null vocabulary value for ``spec``, in any spelling a stored query may use."""
    return st.sampled_from([spelling for value in VOCABULARY[spec.name] for spelling in _spellings(spec, value)])


@cache
def _field_tests(spec: FieldSpec) -> st.SearchStrategy[tuple[str, JSON]]:
    single = query_value(spec) | st.none()
    any_or_none_of = single | st.lists(single, min_size=1, max_size=3)
    keys = [spec.name, *(f"{spec.name}__{lookup}" for lookup in ("exact", "not", "exclude"))]
    tests = [st.tuples(st.sampled_from(keys), any_or_none_of)]
    if spec.ordered:
        ranges = [f"{spec.name}__{lookup}" for lookup in _RANGES]
        tests.append(st.tuples(st.sampled_from(ranges), query_value(spec)))
    return st.one_of(tests)


def query_items() -> st.SearchStrategy[tuple[str, JSON]]:
    """One ``(key, value)`` test of the JSON query format."""
    return st.one_of([_field_tests(spec) for spec in FIELDS.values()])


def query_dicts(max_tests: int = 4) -> st.SearchStrategy[dict[str, JSON]]:
    """Valid JSON queries: a few tests (maybe several on one field) and maybe search options."""
    tests = st.lists(query_items(), max_size=max_tests, unique_by=lambda item: item[0]).map(dict)
    options = st.dictionaries(st.sampled_from(sorted(OPTIONS)), st.booleans(), max_size=2)
    return st.tuples(tests, options).map(lambda pair: {**pair[0], **pair[1]})


def queries(max_tests: int = 4) -> st.SearchStrategy[Query]:
    """Parsed queries over the vocabulary."""
    return query_dicts(max_tests).map(parse_query)


@cache
def document_value(spec: FieldSpec) -> st.SearchStrategy[JSON]:
    """A non-null value of ``spec`` as the API writes it (a list, possibly empty, if ``many``)."""
    values = VOCABULARY[spec.name]
    if spec.many:
        return st.lists(st.sampled_from(values), max_size=3, unique=True)
    if spec.kind is Kind.NUMBER:
        # Prices arrive as JSON numbers or as decimal strings, depending on the serializer.
        return st.sampled_from([spelling for value in values for spelling in (value, str(value))])
    return st.sampled_from(values)


def documents() -> st.SearchStrategy[dict[str, JSON]]:
    """Content documents: each field absent, null, or vocabulary value(s) in API form."""
    optional = {spec.name: document_value(spec) | document_value(spec) | st.none() for spec in FIELDS.values()}
    return st.fixed_dictionaries({}, optional=optional)
