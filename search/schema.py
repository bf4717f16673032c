"""The searchable fields: one registry every backend, the query parser and the API validate against.

Names are course-discovery's search-index field names, so query strings written for it (catalog queries,
``course_runs/contains/?query=``, enterprise clients' ``search/all/`` filters) keep their meaning.

A field's ``kind`` says how a leaf of the query tree (``search.query.nodes``) matches it:

- ``TEXT``: analysed tokens (English stemming, case- and accent-insensitive). When ``raw`` is set the field
  also has an exact form (course-discovery's ``.raw`` sub-field) used for facets, term filters and sorting.
- ``KEYWORD``: the whole value, exactly (case-sensitive), like Elasticsearch's ``keyword`` type.
- ``NUMBER`` / ``DATE`` / ``BOOLEAN``: compared as such; dates are ISO 8601 strings in documents and queries.

Documents (``search.documents``) carry every field applicable to their content type as a top-level key of
their stored body; multi-valued fields as lists (possibly empty), the others as a value or None.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class Kind(enum.Enum):
    TEXT = "text"
    KEYWORD = "keyword"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"


# Content types, as course-discovery names them in ``content_type`` (the model name, lower-cased).
COURSE = "course"
COURSE_RUN = "courserun"
PROGRAM = "program"
PERSON = "person"
LEARNER_PATHWAY = "learnerpathway"
CONTENT_TYPES: tuple[str, ...] = (COURSE, COURSE_RUN, PROGRAM, PERSON, LEARNER_PATHWAY)
ALL = frozenset(CONTENT_TYPES)
COURSES = frozenset({COURSE, COURSE_RUN})


@dataclass(frozen=True)
class SearchField:
    """One searchable field.

    ``content_types``: the document types that carry it. ``multi``: a list of values in some content type (a course lists its runs' starts where a run has one);
    matching treats a single value as a list of one. ``raw``: a TEXT field
    that also has an exact (keyword) form. ``facet``: counts may be asked for it. ``sortable``: ``ordering``
    may name it (single-valued, or the minimum of a multi-valued date such as a course's ``start``).
    """

    name: str
    kind: Kind
    content_types: frozenset[str]
    multi: bool = False
    raw: bool = False
    facet: bool = False
    sortable: bool = False


def _f(
    name: str,
    kind: Kind,
    types: Iterable[str],
    *,
    multi: bool = False,
    raw: bool = False,
    facet: bool = False,
    sortable: bool = False,
) -> SearchField:
    return SearchField(name, kind, frozenset(types), multi=multi, raw=raw, facet=facet, sortable=sortable)


T, K, N, D, B = Kind.TEXT, Kind.KEYWORD, Kind.NUMBER, Kind.DATE, Kind.BOOLEAN
C, R, P, PE, LP = COURSE, COURSE_RUN, PROGRAM, PERSON, LEARNER_PATHWAY

FIELDS: tuple[SearchField, ...] = (
    # Every document.
    _f("aggregation_key", K, ALL, sortable=True),
    _f("aggregation_uuid", K, ALL),
    _f("content_type", K, ALL, facet=True),
    _f("uuid", K, ALL),
    _f("partner", T, ALL, raw=True),
    _f("organizations", T, ALL, multi=True, raw=True, facet=True),
    _f("text", T, ALL),
    _f("start", D, ALL, multi=True, sortable=True),  # a course lists its runs' starts
    # Courses, runs, programs and pathways.
    _f("title", T, {C, R, P, LP}, sortable=True),
    _f("published", B, {R, P, LP}),
    _f("skill_names", K, {C, R, P, LP}, multi=True),
    _f("topics", K, COURSES, multi=True),
    # Courses and runs.
    _f("key", T, COURSES, raw=True, sortable=True),
    _f("short_description", T, COURSES),
    _f("full_description", T, COURSES),
    _f("authoring_organizations", T, {C, R, P}, multi=True, raw=True),
    _f("authoring_organization_uuids", K, {C, R, P}, multi=True),
    _f("sponsoring_organizations", T, COURSES, multi=True, raw=True),
    _f("subjects", T, COURSES, multi=True, raw=True, facet=True),
    _f("subject_uuids", K, {C, R, P}, multi=True),
    _f("level_type", T, COURSES, raw=True, facet=True),
    _f("org", T, COURSES, raw=True),
    _f("seat_types", K, {C, R, P}, multi=True, facet=True),
    _f("first_enrollable_paid_seat_price", N, COURSES, facet=True),
    _f("image_url", K, COURSES),
    _f("outcome", T, COURSES),
    # Courses (run values gathered over the course's visible runs).
    _f("availability", T, COURSES, multi=True, raw=True),
    _f("course_runs", K, {C}, multi=True),
    _f("end", D, COURSES, multi=True),
    _f("end_date", D, {C}),
    _f("course_ends", T, {C}, raw=True),
    _f("enrollment_start", D, COURSES, multi=True),
    _f("enrollment_end", D, COURSES, multi=True),
    _f("languages", K, {C}, multi=True),
    _f("modified", D, {C}),
    _f("prerequisites", K, {C}, multi=True, facet=True),
    _f("status", K, {C, R, P, LP}, multi=True, facet=True),
    _f("course_type", K, {C}, facet=True),
    _f("enterprise_subscription_inclusion", B, {C}, facet=True),
    _f("external_course_marketing_type", K, {C}, facet=True),
    _f("product_source", K, {C}, facet=True),
    _f("card_image_url", K, {C, P}),
    # Course runs.
    _f("course_key", K, {R}),
    _f("number", K, {R}),
    _f("announcement", D, {R}),
    _f("go_live_date", D, {R}),
    _f("has_enrollable_seats", B, {R}),
    _f("has_enrollable_paid_seats", B, {R}),
    _f("is_active", B, {R}, facet=True),
    _f("is_enrollable", B, {R}),
    _f("is_current_and_still_upgradeable", B, {R}),
    _f("paid_seat_enrollment_end", D, {R}),
    _f("hidden", B, {R, P}),
    _f("language", T, {R, P}, multi=True, raw=True, facet=True),
    _f("transcript_languages", T, {R}, multi=True, raw=True, facet=True),
    _f("pacing_type", K, {R}, facet=True),
    _f("mobile_available", B, {R}, facet=True),
    _f("min_effort", N, {R}),
    _f("max_effort", N, {R}),
    _f("weeks_to_complete", N, {R}),
    _f("license", K, {R}),
    _f("slug", K, {R}),
    _f("marketing_url", K, {R, P}),
    _f("staff_uuids", K, {R, P}, multi=True),
    _f("staff", T, {R}, multi=True),  # staff full names
    _f("program_types", K, {R}, multi=True),
    _f("type", T, {R, P}, raw=True, facet=True),  # a run's legacy seat type; a program's type name
    _f("run_type", K, {R}),
    # Programs.
    _f("subtitle", T, {P}),
    _f("credit_backing_organizations", T, {P}, multi=True, raw=True),
    _f("weeks_to_complete_min", N, {P}),
    _f("weeks_to_complete_max", N, {P}),
    _f("min_hours_effort_per_week", N, {P}),
    _f("max_hours_effort_per_week", N, {P}),
    _f("is_program_eligible_for_one_click_purchase", B, {P}),
    _f("excluded_from_search", B, {P}),
    _f("excluded_from_seo", B, {P}),
    _f("course_run_statuses", K, {P}, multi=True),
    # People.
    _f("full_name", T, {PE}, sortable=True),
    _f("bio", T, {PE}),
    _f("position", T, {PE}, multi=True),
    # Learner pathways.
    _f("overview", T, {P, LP}),
    _f("visible_via_association", B, {LP}),
    _f("created", D, {LP}),
)

BY_NAME: Mapping[str, SearchField] = {field.name: field for field in FIELDS}

# Names course-discovery's API accepts for a field under another name (facets and filters).
ALIASES: Mapping[str, str] = {"active": "is_active", "enrollment_mode": "type"}

# The default full-text fields (a bare word, ``field is None``) and their weights: PostgreSQL's tsvector
# classes A > B > C > D; Elasticsearch boosts in the same order (``search.ranking`` holds the numbers).
TEXT_WEIGHTS: Mapping[str, str] = {
    "title": "A",
    "full_name": "A",
    "short_description": "B",
    "subtitle": "B",
    "full_description": "C",
    "overview": "C",
    "bio": "C",
    "text": "D",
}

# Fields matched on whole values, kept apart from the long texts by the database backend: every field that is
# not text, and the exact (``.raw``) form of the text fields that have one.
STRUCTURED: frozenset[str] = frozenset(f.name for f in FIELDS if f.kind is not Kind.TEXT or f.raw)

# Fields typeahead matches by word prefix (search/typeahead/ builds Prefix nodes on them).
TYPEAHEAD_FIELDS: tuple[str, ...] = ("title",)


class UnknownField(ValueError):
    """A field name that is not in the registry (the API answers 400 naming it)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown search field {name!r}")
        self.name = name


def field(name: str) -> SearchField:
    """The field named ``name`` (or one of its aliases); UnknownField otherwise."""
    found = BY_NAME.get(ALIASES.get(name, name))
    if found is None:
        raise UnknownField(name)
    return found


RAW_SUFFIX = ".raw"


def resolve(name: str) -> tuple[SearchField, bool]:
    """``(field, exact)`` for a name in a query: ``organizations.raw`` (course-discovery's keyword sub-field of
    a text field) is the field matched on whole values; a plain name is the field as its kind says."""
    if name.endswith(RAW_SUFFIX) and name not in ALIASES:
        found = field(name[: -len(RAW_SUFFIX)])
        if not found.raw:
            raise UnknownField(name)
        return found, True
    found = field(name)
    return found, found.kind is not Kind.TEXT


def fields_of(content_types: Iterable[str]) -> tuple[SearchField, ...]:
    """The fields any of ``content_types`` carries, in registry order."""
    wanted = set(content_types)
    return tuple(f for f in FIELDS if f.content_types & wanted)


def facet_fields(content_types: Iterable[str]) -> tuple[SearchField, ...]:
    return tuple(f for f in fields_of(content_types) if f.facet)
