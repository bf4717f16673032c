"""Rules of a program computed from loaded rows: the program detail's derived fields (price ranges, staff,
subjects, languages...). They read rows completed by ``selectors.programs.complete_programs`` with the
courses' full nested data, and never query."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from course_metadata.selectors import course_runs as run_rules
from dbkit.rows import Row

_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


def weeks_to_complete_range(runs: Iterable[Row]) -> tuple[int | None, int | None]:
    """The least and greatest ``weeks_to_complete`` of the program's runs that state one."""
    weeks = [run["weeks_to_complete"] for run in runs if run["weeks_to_complete"] is not None]
    return (min(weeks), max(weeks)) if weeks else (None, None)


def ranked_subjects(courses: Iterable[Row]) -> list[Row]:
    """The courses' subjects: the most common first subject of a course, then the others by how many courses
    name them (ties in first-seen order). Each course row carries ``subject_rows`` in its order."""
    firsts: Counter[Any] = Counter()
    every: Counter[Any] = Counter()
    by_uuid: dict[Any, Row] = {}
    for course in courses:
        subjects = course["subject_rows"]
        if subjects:
            firsts[subjects[0]["uuid"]] += 1
        for subject in subjects:
            by_uuid.setdefault(subject["uuid"], subject)
            every[subject["uuid"]] += 1
    lead = [uuid for uuid, _ in firsts.most_common(1)]
    rest = [uuid for uuid, _ in every.most_common() if uuid not in lead]
    return [by_uuid[uuid] for uuid in (*lead, *rest)]


def program_staff(courses: Iterable[tuple[Row, list[Row]]], now: dt.datetime) -> list[Row]:
    """The staff of each course's advertised run (among all its listed runs), each person once, in order."""
    seen: dict[Any, Row] = {}
    for course, _ in courses:
        advertised = run_rules.advertised_course_run(course["runs"], now)
        for person in advertised["staff_rows"] if advertised is not None else ():
            seen.setdefault(person["uuid"], person)
    return list(seen.values())


def _replaces(selected: dict[str, Any], candidate: dict[str, Any], now: dt.datetime) -> bool:
    """Whether ``candidate``'s run, rather than ``selected``'s, prices a course: it has not ended and opened
    for enrollment later than the selected one (or has no enrollment start)."""
    started = candidate["run"]["enrollment_start"]
    return not run_rules.has_ended(candidate["run"], now) and (
        started is None or ((selected["run"]["enrollment_start"] or _EPOCH) < started < now)
    )


def price_ranges(
    courses: Iterable[tuple[Row, list[Row]]], applicable: Sequence[str], now: dt.datetime
) -> list[dict[str, Any]]:
    """Per currency: the least and greatest price of the seats (of each course's canonical run, unless the
    program excludes it) and entitlements whose type counts towards the program, and the price of taking
    every course once (an entitlement, else the seat chosen by ``_replaces``)."""
    counted = set(applicable)
    prices: dict[str, list[Decimal]] = defaultdict(list)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for course, runs in courses:
        chosen: dict[str, dict[str, Any]] = {}
        canonical = course["canonical_course_run_key"]
        for run in runs:
            if run["key"] != canonical:
                continue
            for seat in run["seats"]:
                if seat["type_slug"] not in counted:
                    continue
                prices[seat["currency"]].append(seat["price"])
                candidate = {"price": seat["price"], "run": run}
                current = chosen.get(seat["currency"])
                if current is None or _replaces(current, candidate, now):
                    chosen[seat["currency"]] = candidate
        for entitlement in course["entitlement_rows"]:
            if entitlement["mode"] not in counted:
                continue
            price = Decimal(entitlement["price"])
            prices[entitlement["currency"]].append(price)
            chosen[entitlement["currency"]] = {"price": price, "run": None}
        for currency, product in chosen.items():
            totals[currency] += Decimal(product["price"])
    return [
        {
            "currency": currency,
            "min": float(min(map(Decimal, values))),
            "max": float(max(map(Decimal, values))),
            "total": float(totals[currency]),
        }
        for currency, values in prices.items()
    ]


def languages(runs: Iterable[Row]) -> list[str]:
    """The content languages of the program's runs, sorted."""
    return sorted({run["content_language"] for run in runs if run["content_language"]})


def transcript_languages(runs: Iterable[Row]) -> list[str]:
    return sorted({code for run in runs for code in run["transcript_languages"] or ()})


def topics(courses: Iterable[Row]) -> list[str]:
    return sorted({row["name"] for course in courses for row in course["topic_rows"]})


__all__ = [
    "languages",
    "price_ranges",
    "program_staff",
    "ranked_subjects",
    "topics",
    "transcript_languages",
    "weeks_to_complete_range",
]
