"""What a run sells (seats) and a course sells (entitlements): the one sync both the loaders and the importer use.

A source lists a run's seats by their natural key (seat type, currency, credit provider); the run's seats
become exactly that list: new ones created, changed ones saved, unlisted ones deleted, equal ones left
alone (no statement). An entitlement is one per course and mode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from course_metadata.models import Course, CourseEntitlement, CourseRun, Seat, SeatType
from course_metadata.services.load_outcomes import (
    DELETED,
    FAILED,
    UNCHANGED,
    PageOutcomes,
    assign_changed,
    clean_row,
    row_write,
)

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

# New rows a caller inserts in bulk at the end of its page, each with its outcome label.
Pending = list[tuple[models.Model, str]]


@dataclass(frozen=True)
class SeatOffer:
    """One seat as a source lists it: its natural key and its values (attnames)."""

    seat_type: str
    currency: str
    credit_provider: str
    values: Mapping[str, Any]


def offer_write(
    *,
    kind: str,
    label: str,
    row: models.Model | None,
    build: Callable[[], models.Model],
    values: Mapping[str, Any],
    outcomes: PageOutcomes,
    pending: Pending | None = None,
    updated: Pending | None = None,
) -> bool:
    """Create (``build()``), update or leave one product row; whether it writes. New rows go to ``pending``
    and changed ones to ``updated`` when given (the caller writes them in bulk and reports them)."""
    if row is None and pending is not None:
        row = build()
        clean_row(row)
        pending.append((row, label))
        return True
    if row is not None and updated is not None:
        if assign_changed(row, values):
            clean_row(row)
            updated.append((row, label))
            return True
        outcomes.add(kind, label, UNCHANGED)
        return False
    _row, outcome = row_write(row, build, values)
    outcomes.add(kind, label, outcome)
    return outcome != UNCHANGED


def offer_problem(seat_types: Mapping[str, SeatType], slug: str, currency: str) -> str:
    """Why a seat or entitlement cannot be written ("" when it can)."""
    if slug not in seat_types:
        return f"unknown seat type {slug!r}; add it in the admin"
    if not CURRENCY_RE.match(currency):
        return f"unknown currency {currency!r}"
    return ""


def seat_natural_key(seat_types: Mapping[str, SeatType], offer: SeatOffer) -> tuple[int, str, str]:
    return (seat_types[offer.seat_type].pk, offer.currency, offer.credit_provider)


@dataclass(frozen=True)
class RunRef:
    """A run by primary key and key: all its new seats need, without reading the run's row (60 fields)."""

    pk: int
    key: str


def run_seats_sync(
    *,
    run: CourseRun | RunRef,
    offers: Sequence[SeatOffer],
    seat_types: Mapping[str, SeatType],
    outcomes: PageOutcomes,
    pending: Pending | None = None,
    updated: Pending | None = None,
    seats: Sequence[Seat] | None = None,
) -> bool:
    """Make ``run``'s seats exactly ``offers``; whether anything was written (or is pending).

    With ``pending`` and ``updated`` the new and changed seats are left to the caller's bulk writes; only
    the deletion of a seat no longer offered is a statement here. ``seats`` are the run's stored seats when
    the caller read them (required for a ``RunRef``), else ``run.seats.all()``.
    """
    if seats is None:
        if isinstance(run, RunRef):
            raise TypeError("a RunRef needs its stored seats")
        seats = list(run.seats.all())
    owner: dict[str, Any] = {"course_run": run} if isinstance(run, CourseRun) else {"course_run_id": run.pk}
    existing = {(seat.type_id, seat.currency, seat.credit_provider): seat for seat in seats}
    offered: set[tuple[int, str, str]] = set()
    changed = False
    for offer in offers:
        label = f"{run.key} {offer.seat_type} {offer.currency}"
        problem = offer_problem(seat_types, offer.seat_type, offer.currency)
        if problem:
            outcomes.add("seat", label, FAILED, problem)
            continue
        natural_key = seat_natural_key(seat_types, offer)
        offered.add(natural_key)
        seat_type = seat_types[offer.seat_type]

        def build(offer: SeatOffer = offer, seat_type: SeatType = seat_type) -> Seat:
            return Seat(
                **owner,
                type=seat_type,
                currency=offer.currency,
                credit_provider=offer.credit_provider,
                **offer.values,
            )

        changed |= offer_write(
            kind="seat",
            label=label,
            row=existing.get(natural_key),
            build=build,
            values=offer.values,
            outcomes=outcomes,
            pending=pending,
            updated=updated,
        )
    for natural_key, seat in existing.items():
        if natural_key not in offered:
            seat.delete()
            outcomes.add("seat", f"{run.key} {seat.type_id} {seat.currency}", DELETED)
            changed = True
    return changed


def course_entitlement_write(
    *,
    course: Course,
    mode: SeatType,
    entitlement: CourseEntitlement | None,
    values: Mapping[str, Any],
    label: str,
    outcomes: PageOutcomes,
    pending: Pending | None = None,
    updated: Pending | None = None,
) -> bool:
    """Create or update the course's entitlement for ``mode``; whether it writes (or is left to the caller's
    bulk writes, see ``offer_write``)."""
    return offer_write(
        kind="entitlement",
        label=label,
        row=entitlement,
        build=lambda: CourseEntitlement(course=course, mode=mode, **values),
        values=values,
        outcomes=outcomes,
        pending=pending,
        updated=updated,
    )
