"""How results are ranked, declared once for every backend.

A hit's score is its text relevance times the factor of every boost whose condition it matches:

- text relevance: matches in the title count above the short description, above the full description
  (``search.schema.TEXT_WEIGHTS``: PostgreSQL's weight classes A/B/C/D, ``FIELD_BOOSTS`` in Elasticsearch);
  with no text (``q`` empty or only field conditions), every hit's relevance is 1;
- ``BOOSTS``: self-paced runs, runs open for enrolment now, runs with a paid seat still enrollable and an
  upgrade deadline ahead go up; runs starting more than 45 days from now go down; program types are weighted.

Conditions are query-tree nodes (``search.query.nodes``), so each backend compiles them the way it compiles
any query: the database backend into ``CASE WHEN <condition> THEN factor ELSE 1 END`` products, the
Elasticsearch backend into ``function_score`` functions with ``filter`` + ``weight`` and ``score_mode:
multiply``. Ties are broken by ``aggregation_key`` then ``id`` so that paging is stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from search.query.nodes import And, Exists, Node, Not, Or, Range, Term

# Elasticsearch boosts of the default full-text fields (same order as the PostgreSQL weights).
FIELD_BOOSTS: dict[str, float] = {"A": 10.0, "B": 4.0, "C": 1.0, "D": 0.5}
# PostgreSQL ts_rank weights for classes {D, C, B, A} (ts_rank's argument order).
PG_WEIGHTS: tuple[float, float, float, float] = (0.05, 0.1, 0.4, 1.0)

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
        Boost("enrollable_now", enrollable_now, 1.3),
        Boost("paid_seat_enrollable", Term("has_enrollable_paid_seats", "true"), 1.2),
        Boost("upgrade_open", Term("is_current_and_still_upgradeable", "true"), 1.2),
        Boost("starts_far_ahead", Range("start", far, None, include_low=False), 0.5),
        *(
            Boost(f"program_type:{name}", And((Term("content_type", "program"), Term("type", name))), factor)
            for name, factor in PROGRAM_TYPE_FACTORS.items()
        ),
    )
