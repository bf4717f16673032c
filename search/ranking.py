"""How results are ranked, declared once for every backend.

A hit's score is its text relevance times the factor of every boost whose condition it matches:

- text relevance is a strict tier (``TIERS``): a hit with one of the words in its title (weight class A of
  ``search.schema.TEXT_WEIGHTS``) scores ``100``, else with one in its short description or subtitle (class B)
  ``10``, else in any other text (classes C and D) ``1``; a hit matching none of the words (the query's field
  conditions selected it) ``UNMATCHED``. With no text (``q`` empty or only field conditions) every hit's
  relevance is 1. Tiers are an order, not a measure: how often a word occurs, or how many of the words
  match, does not count. Each tier is ten times the next and the boosts together never move a hit by that
  much (``boost_spread``; a test holds it), so every title match ranks above every description match and
  within a tier the boosts decide. This lets the database backend take a page from the (small) set of
  title matches without scoring every match (ADR 0092);
- ``boosts``: self-paced runs, runs open for enrolment now, runs with a paid seat still enrollable and an
  upgrade deadline ahead go up; runs starting more than 45 days from now go down; program types are weighted.
  A boost whose condition does not depend on the request's time is ``static``: the database backend
  multiplies those once per document when it is written.

Every backend computes the same numbers: the database backend with one text-match condition per tier (on
PostgreSQL, words of the title and of class B in columns of their own), Elasticsearch with a ``dis_max`` of
``constant_score`` queries (one per tier, its factor as boost) beside a ``match_all`` (which adds 1 to every
score there, leaving the order unchanged).

Conditions are query-tree nodes (``search.query.nodes``), so each backend compiles them the way it compiles
any query: the database backend into ``CASE WHEN <condition> THEN factor ELSE 1 END`` products, the
Elasticsearch backend into ``function_score`` functions with ``filter`` + ``weight`` and ``score_mode:
multiply``. Ties are broken by ``aggregation_key`` then ``id`` so that paging is stable.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from search import schema
from search.query.nodes import And, Exists, Node, Not, Or, Range, Term


@dataclass(frozen=True)
class Tier:
    name: str
    classes: frozenset[str]  # weight classes of search.schema.TEXT_WEIGHTS
    factor: float


# Best first; a hit's tier is the first whose classes hold one of the words.
TIERS: tuple[Tier, ...] = (
    Tier("title", frozenset({"A"}), 100.0),
    Tier("short_description", frozenset({"B"}), 10.0),
    Tier("other_text", frozenset({"C", "D"}), 1.0),
)
UNMATCHED = 0.1

FAR_FUTURE_DAYS = 45

PROGRAM_TYPE_FACTORS: dict[str, float] = {
    "MicroMasters": 1.6,
    "Professional Certificate": 1.4,
    "XSeries": 1.2,
    "Masters": 1.2,
}


@dataclass(frozen=True)
class Boost:
    name: str
    condition: Node
    factor: float
    static: bool = True  # the condition reads stored values only, not the request's time
    group: str = ""  # boosts of one group exclude each other (a program has one type)


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat()


def _missing(field: str) -> Node:
    return Not(Exists(field))


def boosts(now: datetime.datetime) -> tuple[Boost, ...]:
    """The ranking boosts as of ``now`` (dates in conditions are fixed per request)."""
    today = _iso(now)
    far = _iso(now + datetime.timedelta(days=FAR_FUTURE_DAYS))
    enrollable_now = And(
        (
            Term("content_type", "courserun"),
            Or((_missing("enrollment_start"), Range("enrollment_start", None, today))),
            Or((_missing("enrollment_end"), Range("enrollment_end", today, None))),
        )
    )
    return (
        Boost("self_paced", Term("pacing_type", "self_paced"), 1.5),
        Boost("enrollable_now", enrollable_now, 1.3, static=False),
        Boost("paid_seat_enrollable", Term("has_enrollable_paid_seats", "true"), 1.2),
        Boost("upgrade_open", Term("is_current_and_still_upgradeable", "true"), 1.2),
        Boost("starts_far_ahead", Range("start", far, None, include_low=False), 0.5, static=False),
        *(
            Boost(
                f"program_type:{name}",
                And((Term("content_type", "program"), Term("type", name))),
                factor,
                group="program_type",
            )
            for name, factor in PROGRAM_TYPE_FACTORS.items()
        ),
    )


def tier_fields(tier: Tier) -> tuple[str, ...]:
    """The default full-text fields whose matches put a hit in ``tier``."""
    return tuple(name for name, weight in schema.TEXT_WEIGHTS.items() if weight in tier.classes)


def boost_spread(now: datetime.datetime) -> float:
    """The largest ratio between two hits' boost products: below the ratio of neighbouring tiers."""
    highest: dict[str, float] = {}
    lowest: dict[str, float] = {}
    for index, boost in enumerate(boosts(now)):
        group = boost.group or f"#{index}"
        highest[group] = max(highest.get(group, 1.0), boost.factor)
        lowest[group] = min(lowest.get(group, 1.0), boost.factor)
    return math.prod(highest.values()) / math.prod(lowest.values())
