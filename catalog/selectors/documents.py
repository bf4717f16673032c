"""Content documents built from official rows, set-based: a fixed number of queries per chunk of objects.

A document holds the catalog query fields of one course, course run, program or learner pathway (see
docs/decisions/0060-catalog-membership.rst for how each is derived) plus a few display fields the CSV
export reads. Computed fields (availability, first_enrollable_paid_seat_price) come from the read API's
rules in course_metadata.selectors.course_runs, so a document never disagrees with the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from catalog.models.content import ContentType
from catalog.selectors.content_rows import CHUNK, ContentRows, load_content_rows
from course_metadata.api.v1.serializers.common import language_name
from course_metadata.models import LearnerPathway
from course_metadata.selectors import course_runs as rules
from dbkit.rows import Row, chunked

# Best first: a course is as available as its most available run.
AVAILABILITY_RANK = {
    rules.Availability.CURRENT: 0,
    rules.Availability.STARTING_SOON: 1,
    rules.Availability.UPCOMING: 2,
    rules.Availability.ARCHIVED: 3,
}


@dataclass
class ContentItem:
    """A freshly built document and what identifies it; catalog.services.content stores it."""

    content_type: str
    object_id: int
    content_key: str
    uuid: UUID | None
    document: dict[str, Any]
    data_modified_timestamp: dt.datetime
    next_boundary: dt.datetime | None
    parent_key: str = ""
    course_id: int | None = None


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def _time_facts(runs: Sequence[Row], now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(last instant that passed, next instant to come) at which the runs' computed fields change."""
    instants = [instant for run in runs for instant in rules.time_thresholds(run)]
    passed = [instant for instant in instants if instant <= now]
    coming = [instant for instant in instants if instant > now]
    return max(passed, default=None), min(coming, default=None)


def _latest(*instants: dt.datetime | None) -> dt.datetime:
    return max(instant for instant in instants if instant is not None)


def _run_org(key: str) -> str:
    """The org part of ``course-v1:ORG+NUMBER+RUN`` (keys are validated when runs are saved)."""
    return key.split(":", 1)[-1].split("+", 1)[0]


def _visible(runs: Iterable[Row]) -> list[Row]:
    return [run for run in runs if not run.hidden]


def _best_availability(runs: Sequence[Row], now: dt.datetime) -> str | None:
    found = [rules.availability(run, now) for run in runs]
    return min(found, key=AVAILABILITY_RANK.__getitem__) if found else None


def _representative(runs: Sequence[Row], now: dt.datetime) -> Row | None:
    """The run a course's start, end, pacing and price are read from: the advertised run, else the
    most available one (the latest starting among equals)."""
    advertised = rules.advertised_course_run(runs, now)
    if advertised is not None or not runs:
        return advertised
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return min(
        runs, key=lambda run: (AVAILABILITY_RANK[rules.availability(run, now)], -(run.start or epoch).timestamp())
    )


def _price(runs: Sequence[Row], first: Row | None, now: dt.datetime) -> Any:
    for run in [first, *runs] if first is not None else runs:
        price = rules.first_enrollable_paid_seat_price(run, now)
        if price is not None:
            return price
    return None


def _languages(runs: Iterable[Row]) -> list[str]:
    return sorted({name for run in runs if (name := language_name(run.content_language))})


def _seat_types(runs: Iterable[Row]) -> list[str]:
    return sorted({seat.type_slug for run in runs for seat in run.seats})


def course_run_document(run: Row, course: Row, now: dt.datetime) -> ContentItem:
    language = language_name(run.content_language)
    passed, coming = _time_facts([run], now)
    document = {
        "content_type": ContentType.COURSE_RUN.value,
        "partner": course.partner_code,
        "key": run.key,
        "aggregation_key": f"courserun:{course.key}",
        "uuid": str(run.uuid),
        "org": _run_org(run.key),
        "organizations": sorted(course.organizations),
        "level_type": course.level_type_name,
        "availability": rules.availability(run, now),
        "status": run.status,
        "pacing_type": run.pacing_type,
        "language": [language] if language else [],
        "subjects": course.subjects,
        "seat_types": _seat_types([run]),
        "course_type": course.type_slug,
        "enterprise_subscription_inclusion": run.enterprise_subscription_inclusion,
        "first_enrollable_paid_seat_price": rules.first_enrollable_paid_seat_price(run, now),
        "start": _iso(run.start),
        "end": _iso(run.end),
        "hidden": run.hidden,
        "title": run.title_override or course.title,
        # Display fields (not query fields) for the CSV export.
        "course": course.key,
        "course_title": course.title,
        "enrollment_start": _iso(run.enrollment_start),
        "enrollment_end": _iso(run.enrollment_end),
    }
    return ContentItem(
        content_type=ContentType.COURSE_RUN,
        object_id=run.pk,
        content_key=run.key,
        uuid=run.uuid,
        document=document,
        # A run's representation embeds its course's data, so the course's changes are its changes too.
        data_modified_timestamp=_latest(run.data_modified_timestamp, course.data_modified_timestamp, passed),
        next_boundary=coming,
        parent_key=course.key,
        course_id=course.pk,
    )


def course_document(course: Row, now: dt.datetime) -> ContentItem:
    runs = _visible(course.runs)
    first = _representative(runs, now)
    passed, coming = _time_facts(runs, now)
    document = {
        "content_type": ContentType.COURSE.value,
        "partner": course.partner_code,
        "key": course.key,
        "aggregation_key": f"course:{course.key}",
        "uuid": str(course.uuid),
        "org": course.key.split("+", 1)[0],
        "organizations": sorted(course.organizations),
        "level_type": course.level_type_name,
        "availability": _best_availability(runs, now),
        "status": "published" if any(run.status == "published" for run in runs) else "unpublished",
        "pacing_type": first.pacing_type if first is not None else None,
        "language": _languages(runs),
        "subjects": course.subjects,
        "seat_types": _seat_types(runs),
        "course_type": course.type_slug,
        "enterprise_subscription_inclusion": course.enterprise_subscription_inclusion,
        "first_enrollable_paid_seat_price": _price(runs, first, now),
        "start": _iso(first.start) if first is not None else None,
        "end": _iso(first.end) if first is not None else None,
        "hidden": False,
        "title": course.title,
        "course_run_keys": [run.key for run in runs],
    }
    return ContentItem(
        content_type=ContentType.COURSE,
        object_id=course.pk,
        content_key=course.key,
        uuid=course.uuid,
        document=document,
        data_modified_timestamp=_latest(course.data_modified_timestamp, passed),
        next_boundary=coming,
        course_id=course.pk,
    )


def build_documents(rows: ContentRows, *, course_ids: Iterable[int], now: dt.datetime) -> list[ContentItem]:
    """Documents of the courses among ``course_ids`` (with their runs) and of every program in ``rows``.

    Courses loaded only because a program contains them get no documents of their own here.
    """
    items: list[ContentItem] = []
    for pk in sorted(set(course_ids)):
        course = rows.courses.get(pk)
        if course is None:
            continue  # deleted, or not official
        items.append(course_document(course, now))
        items.extend(course_run_document(run, course, now) for run in course.runs)
    for program in rows.programs:
        courses = [rows.courses[pk] for pk in program.course_ids if pk in rows.courses]
        items.append(program_document(program, courses, program.excluded_run_ids, now))
    return items


def course_documents(course_ids: Iterable[int], *, now: dt.datetime) -> list[ContentItem]:
    """Documents of the official courses among ``course_ids`` and of all their official runs."""
    items: list[ContentItem] = []
    for batch in chunked(sorted(set(course_ids)), CHUNK):
        items += build_documents(load_content_rows(course_ids=batch), course_ids=batch, now=now)
    return items


def program_documents(program_ids: Iterable[int], *, now: dt.datetime) -> list[ContentItem]:
    """Documents of the programs among ``program_ids``, aggregated over their courses' runs."""
    items: list[ContentItem] = []
    for batch in chunked(sorted(set(program_ids)), CHUNK):
        items += build_documents(load_content_rows(program_ids=batch), course_ids=(), now=now)
    return items


def program_document(program: Row, courses: Sequence[Row], excluded: set[int], now: dt.datetime) -> ContentItem:
    runs = [run for course in courses for run in _visible(course.runs) if run.pk not in excluded]
    passed, coming = _time_facts(runs, now)
    subjects = {subject for course in courses for subject in course.subjects}
    if program.primary_subject_name:
        subjects.add(program.primary_subject_name)
    override = language_name(program.language_override) if program.language_override else None
    document = {
        "content_type": ContentType.PROGRAM.value,
        "partner": program.partner_code,
        "key": str(program.uuid),
        "aggregation_key": f"program:{program.uuid}",
        "uuid": str(program.uuid),
        "org": program.organizations[0] if program.organizations else None,
        "organizations": sorted(program.organizations),
        "level_type": program.level_type_name,
        "availability": _best_availability(runs, now),
        "status": program.status,
        "language": [override] if override else _languages(runs),
        "subjects": sorted(subjects),
        "seat_types": _seat_types(runs),
        "program_type": program.type_name,
        "enterprise_subscription_inclusion": program.enterprise_subscription_inclusion,
        "hidden": program.hidden,
        "title": program.title,
        "course_keys": [course.key for course in courses],
    }
    return ContentItem(
        content_type=ContentType.PROGRAM,
        object_id=program.pk,
        content_key=str(program.uuid),
        uuid=program.uuid,
        document=document,
        data_modified_timestamp=_latest(program.data_modified_timestamp, passed),
        next_boundary=coming,
    )


def pathway_documents(pathway_ids: Iterable[int]) -> list[ContentItem]:
    """Documents of learner pathways (offered only to catalogs whose query includes learner pathways)."""
    items: list[ContentItem] = []
    fields = ("pk", "uuid", "title", "status", "data_modified_timestamp", "partner__short_code")
    for batch in chunked(sorted(set(pathway_ids)), CHUNK):
        for pk, uuid, title, status, data_modified, partner in (
            LearnerPathway.objects.filter(pk__in=batch).order_by("pk").values_list(*fields)
        ):
            document = {
                "content_type": ContentType.LEARNER_PATHWAY.value,
                "partner": partner,
                "key": str(uuid),
                "aggregation_key": f"learnerpathway:{uuid}",
                "uuid": str(uuid),
                "status": status,
                "title": title,
            }
            items.append(
                ContentItem(
                    content_type=ContentType.LEARNER_PATHWAY,
                    object_id=pk,
                    content_key=str(uuid),
                    uuid=uuid,
                    document=document,
                    # Moved by change tracking when the pathway, a step or a node changes.
                    data_modified_timestamp=data_modified,
                    next_boundary=None,
                )
            )
    return items
