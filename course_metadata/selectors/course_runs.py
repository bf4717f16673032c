"""Course run reads: the domain rules (marketable, enrollable, active, availability) in SQL and in Python.

Each rule exists twice, side by side, so they cannot drift apart: a queryset method that filters in the
database, and a function that answers for one run from data already loaded, so serializers never query.
The functions read run rows (``RUN_FIELDS``, with ``seats`` attached by ``attach_seats``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from course_metadata.models import CourseRun, CourseRunStatus, DraftQuerySet, Seat
from course_metadata.resources.course_runs import RUN_COLUMNS
from dbkit.rows import AnyOf, FieldSpec, KeyedRows, Row, as_rows, values_of

# A run that starts within this window is "Starting Soon" rather than "Upcoming".
STARTING_SOON_WINDOW = dt.timedelta(days=60)

# Seat types a learner pays for (the free audit and honor tracks are not "paid seats").
PAID_SEAT_TYPES = frozenset({"verified", "professional", "no-id-professional", "credit"})

# course_run_statuses meta-values accepted by the course filter, besides the stored statuses.
IN_REVIEW_STATUSES = (CourseRunStatus.LEGAL_REVIEW, CourseRunStatus.INTERNAL_REVIEW)
ARCHIVED = "archived"


# A run row: its columns and its type, expected program type and video, as the run declaration's fields
# read them.
RUN_FIELDS: FieldSpec = RUN_COLUMNS

SEAT_FIELDS: FieldSpec = {
    "course_run_id": "course_run_id",
    "type_slug": "type__slug",
    "price": "price",
    "currency": "currency",
    "upgrade_deadline": "upgrade_deadline",
    "upgrade_deadline_override": "upgrade_deadline_override",
    "credit_provider": "credit_provider",
    "credit_hours": "credit_hours",
    "sku": "sku",
    "bulk_sku": "bulk_sku",
}


class Availability:
    CURRENT = "Current"
    STARTING_SOON = "Starting Soon"
    UPCOMING = "Upcoming"
    ARCHIVED = "Archived"


class CourseRunQuerySet(DraftQuerySet):
    """Named filters for the domain rules; each has a Python twin below."""

    def marketable(self) -> CourseRunQuerySet:
        """Official, published, with a marketing slug, a marketable run type (or none) and at least one seat."""
        return (
            self.filter(draft=False, status=CourseRunStatus.PUBLISHED)
            .exclude(slug="")
            .exclude(type__is_marketable=False)
            .filter(Exists(Seat.objects.filter(course_run=OuterRef("pk"))))
        )

    def enrollable(self, now: dt.datetime | None = None) -> CourseRunQuerySet:
        """Enrollment is open now (a missing bound does not limit it)."""
        now = now or timezone.now()
        return self.filter(Q(enrollment_start__isnull=True) | Q(enrollment_start__lte=now)).filter(
            Q(enrollment_end__isnull=True) | Q(enrollment_end__gte=now)
        )

    def active(self, now: dt.datetime | None = None) -> CourseRunQuerySet:
        """Not over: neither the run nor its enrollment has ended."""
        now = now or timezone.now()
        return self.filter(Q(end__isnull=True) | Q(end__gt=now)).filter(
            Q(enrollment_end__isnull=True) | Q(enrollment_end__gt=now)
        )

    def with_statuses(self, statuses: Iterable[str], now: dt.datetime | None = None) -> CourseRunQuerySet:
        """Visible (not hidden) runs in any of ``statuses``; also accepts the meta-statuses
        ``in_review`` (legal or internal review), ``unsubmitted`` (unpublished and not over) and
        ``archived`` (unpublished and over), as ``course_run_statuses`` reports them."""
        now = now or timezone.now()
        wanted = set(statuses)
        condition = Q(pk__in=[])
        if "in_review" in wanted:
            wanted.discard("in_review")
            wanted.update(IN_REVIEW_STATUSES)
        if "unsubmitted" in wanted:
            wanted.discard("unsubmitted")
            condition |= Q(status=CourseRunStatus.UNPUBLISHED) & (Q(end__isnull=True) | Q(end__gte=now))
        if ARCHIVED in wanted:
            wanted.discard(ARCHIVED)
            condition |= Q(status=CourseRunStatus.UNPUBLISHED, end__lt=now)
        if wanted:
            condition |= Q(status__in=wanted)
        return self.filter(condition, hidden=False)


def course_runs() -> CourseRunQuerySet:
    """Every course run row, drafts included: callers say which world they want (``official()``, ...)."""
    return CourseRunQuerySet(model=CourseRun)


SEATS_OF_RUNS = KeyedRows(
    lambda run_ids: values_of(
        Seat.objects.filter(AnyOf("course_run_id", run_ids)).order_by("type__name", "pk"), SEAT_FIELDS
    )
)


def attach_seats(runs: list[Row]) -> None:
    """Each run's seats (``run["seats"]``, by seat type name), in one query."""
    by_run: dict[int, list[Row]] = defaultdict(list)
    for seat in SEATS_OF_RUNS.fetch(run["pk"] for run in runs):
        by_run[seat["course_run_id"]].append(seat)
    for run in runs:
        run["seats"] = by_run.get(run["pk"], [])


def run_rows(runs: QuerySet[CourseRun]) -> list[Row]:
    """The rows of ``runs`` (already filtered and ordered) with their seats."""
    rows = as_rows(values_of(runs, RUN_FIELDS))
    attach_seats(rows)
    return rows


# --- the same rules for one loaded run -------------------------------------------------------------


def has_ended(course_run: Row, now: dt.datetime) -> bool:
    return course_run["end"] is not None and course_run["end"] < now


def is_enrollable(course_run: Row, now: dt.datetime) -> bool:
    start, end = course_run["enrollment_start"], course_run["enrollment_end"]
    return (start is None or start <= now) and (end is None or end >= now)


def is_active(course_run: Row, now: dt.datetime) -> bool:
    return (course_run["end"] is None or course_run["end"] > now) and (
        course_run["enrollment_end"] is None or course_run["enrollment_end"] > now
    )


def is_marketable(course_run: Row) -> bool:
    """A run of no type counts as a marketable type."""
    return bool(
        not course_run["draft"]
        and course_run["status"] == CourseRunStatus.PUBLISHED
        and course_run["slug"]
        and course_run["type_is_marketable"] is not False
        and course_run["seats"]
    )


def is_marketable_external(course_run: Row, external_url: str | None, now: dt.datetime) -> bool:
    """A run of a product sold outside the platform (its course's additional metadata names an external
    page, ``external_url``) that is published and not over."""
    return bool(
        external_url
        and not course_run["draft"]
        and course_run["status"] == CourseRunStatus.PUBLISHED
        and not has_ended(course_run, now)
    )


def availability(course_run: Row, now: dt.datetime) -> str:
    """Archived once it has ended; Current once it has started; Starting Soon within 60 days; else Upcoming.

    A run without a start date that has not ended is Upcoming.
    """
    if has_ended(course_run, now):
        return Availability.ARCHIVED
    start = course_run["start"]
    if start is not None and start <= now:
        return Availability.CURRENT
    if start is not None and start - now < STARTING_SOON_WINDOW:
        return Availability.STARTING_SOON
    return Availability.UPCOMING


def reported_status(course_run: Row, now: dt.datetime) -> str:
    """The status ``course_run_statuses`` lists: an unpublished run that is over is ``archived``."""
    if course_run["status"] == CourseRunStatus.UNPUBLISHED and has_ended(course_run, now):
        return ARCHIVED
    return course_run["status"]


def course_run_statuses(runs: Iterable[Row], now: dt.datetime) -> list[str]:
    """Sorted distinct statuses of the visible (not hidden) runs."""
    return sorted({reported_status(run, now) for run in runs if not run["hidden"]})


def _seat_deadline(seat: Row) -> dt.datetime | None:
    return seat["upgrade_deadline_override"] or seat["upgrade_deadline"]


def first_enrollable_paid_seat_price(course_run: Row, now: dt.datetime) -> int | float | None:
    """Price of the first paid seat still on sale, while enrollment is open; ``None`` otherwise."""
    if not is_enrollable(course_run, now):
        return None
    for seat in course_run["seats"]:
        deadline = _seat_deadline(seat)
        if seat["type_slug"] in PAID_SEAT_TYPES and seat["price"] > 0 and (deadline is None or deadline > now):
            return _number(seat["price"])
    return None


def _number(price: Decimal) -> int | float:
    return int(price) if price == price.to_integral_value() else float(price)


# Highest-value track first: a run offering credit is a "credit" run, and so on.
_LEGACY_TYPES: Sequence[tuple[str, frozenset[str]]] = (
    ("credit", frozenset({"credit"})),
    ("professional", frozenset({"professional", "no-id-professional"})),
    ("verified", frozenset({"verified"})),
    ("honor", frozenset({"honor"})),
    ("audit", frozenset({"audit"})),
)


def legacy_type(course_run: Row) -> str | None:
    """The run's old-style type (``verified``, ``audit``, ...) named after its most valuable seat."""
    seat_types = {seat["type_slug"] for seat in course_run["seats"]}
    for name, slugs in _LEGACY_TYPES:
        if seat_types & slugs:
            return name
    return None


def estimated_hours(course_run: Row) -> float:
    """Weeks times the mean of the minimum and maximum weekly effort; 0 when either is unknown."""
    effort = (course_run["min_effort"] or 0) + (course_run["max_effort"] or 0)
    weeks = course_run["weeks_to_complete"] or 0
    return effort / 2 * weeks if effort and weeks else 0


def advertised_course_run(runs: Iterable[Row], now: dt.datetime) -> Row | None:
    """The run marketing should point at, among the marketable runs:

    1. enrollable and already started: the one that started last;
    2. enrollable and not started: the one starting soonest;
    3. otherwise: the one that starts last.
    """
    started_open: list[Row] = []
    upcoming_open: list[Row] = []
    others: list[Row] = []
    for run in runs:
        if not is_marketable(run):
            continue
        if is_enrollable(run, now):
            (started_open if run["start"] is None or run["start"] <= now else upcoming_open).append(run)
        else:
            others.append(run)
    if started_open:
        return max(started_open, key=lambda run: (run["start"] or dt.datetime.min.replace(tzinfo=dt.UTC), run["pk"]))
    if upcoming_open:
        return min(upcoming_open, key=lambda run: (run["start"], run["pk"]))
    if others:
        return max(others, key=lambda run: (run["start"] or dt.datetime.min.replace(tzinfo=dt.UTC), run["pk"]))
    return None


def time_thresholds(course_run: Row) -> list[dt.datetime]:
    """Instants at which this run's computed fields (availability, enrollable, price...) may change
    without its data changing; conditional responses use them so a 304 never hides such a change."""
    instants = [course_run["end"], course_run["enrollment_start"], course_run["enrollment_end"]]
    if course_run["start"] is not None:
        instants += [course_run["start"], course_run["start"] - STARTING_SOON_WINDOW]
    for seat in course_run["seats"]:
        instants.append(_seat_deadline(seat))
    return [instant for instant in instants if instant is not None]


def listed_course_runs(*, editable_courses: QuerySet | None = None) -> CourseRunQuerySet:
    """Runs served by the course run endpoints, as models: official ones, or the editable rows (drafts where
    they exist) of ``editable_courses``. ``courses.course_run_list`` reads them as rows."""
    if editable_courses is None:
        return course_runs().official()
    return course_runs().editable().filter(course__in=editable_courses)


__all__ = [
    "RUN_FIELDS",
    "SEAT_FIELDS",
    "STARTING_SOON_WINDOW",
    "Availability",
    "CourseRunQuerySet",
    "advertised_course_run",
    "attach_seats",
    "availability",
    "course_run_statuses",
    "course_runs",
    "estimated_hours",
    "first_enrollable_paid_seat_price",
    "has_ended",
    "is_active",
    "is_enrollable",
    "is_marketable",
    "is_marketable_external",
    "legacy_type",
    "listed_course_runs",
    "reported_status",
    "run_rows",
    "time_thresholds",
]
