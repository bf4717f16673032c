"""Refreshing content documents and their membership after content changes, deletions or the clock.

One path for every trigger: the change-log consumer (``content_changes_apply``), the periodic clock
task (``content_refresh_due``) and the full document rebuild (``content_rebuild_all``) all rebuild
documents from official rows, store them, and bring membership up to date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from catalog.models import ContentMetadata, ContentType
from catalog.selectors.content_rows import course_ids_of_runs, load_content_rows, official_course_ids
from catalog.selectors.documents import build_documents, course_documents, pathway_documents, program_documents
from catalog.services.content import COURSE_TYPES, content_remove, content_store, existing_rows
from catalog.services.membership import MembershipStats, catalogs_bump, membership_apply
from course_metadata.changelog.feed import Change
from course_metadata.models import LearnerPathway, Program
from dbkit.rows import chunked


def content_refresh(
    *,
    course_ids: Iterable[int] = (),
    program_ids: Iterable[int] = (),
    pathway_ids: Iterable[int] = (),
    now: dt.datetime,
    chunk_size: int = 200,
) -> MembershipStats:
    """Rebuild the documents of these courses (with their runs and the programs containing them),
    programs and pathways; drop those whose objects are gone; update their catalogs' membership."""
    stats = MembershipStats()
    course_set = sorted(set(course_ids))
    program_set = sorted(set(program_ids))
    pathway_set = sorted(set(pathway_ids))
    rounds = max(1, -(-max(len(course_set), len(program_set), len(pathway_set)) // chunk_size))
    with transaction.atomic():
        for index in range(rounds):
            part = slice(index * chunk_size, (index + 1) * chunk_size)
            stats.merge(_refresh(course_set[part], program_set[part], pathway_set[part], now))
    return stats


def _refresh(
    course_ids: list[int], program_ids: list[int], pathway_ids: list[int], now: dt.datetime
) -> MembershipStats:
    rows = load_content_rows(course_ids=course_ids, program_ids=program_ids, programs_of_courses=True)
    items = [*build_documents(rows, course_ids=course_ids, now=now), *pathway_documents(pathway_ids)]
    programs = {*program_ids, *(program.pk for program in rows.programs)}
    # Everything stored for these objects (a course's runs included), read once: what to update, and what
    # vanished (a deleted run, or an object that is gone or no longer official).
    existing = existing_rows(course_ids=course_ids, program_ids=programs, pathway_ids=pathway_ids)
    built = {(item.content_type, item.object_id) for item in items}
    vanished = [row["id"] for key, row in existing.items() if key not in built]
    stored = content_store(items=items, now=now, existing=existing)
    removed = content_remove(content_ids=vanished)
    return membership_apply(stored=stored, removed=removed, now=now)


def content_changes_apply(*, changes: Sequence[Change], now: dt.datetime) -> MembershipStats:
    """The change-log consumer's work: refresh what the official changes in ``changes`` touch.

    A run's document embeds its course, a course's aggregates its runs and a program's aggregates its
    courses' runs, so any of them refreshes the whole course (runs included) and its programs. A learner
    pathway's document holds its own fields only: it refreshes just that document (a deleted pathway's
    document goes, as any object's that is gone).
    """
    course_ids: set[int] = set()
    run_ids: set[int] = set()
    program_ids: set[int] = set()
    pathway_ids: set[int] = set()
    for change in changes:
        if change.draft:
            continue
        if change.object_type == "course":
            course_ids.add(change.object_id)
        elif change.object_type == "courserun":
            run_ids.add(change.object_id)
        elif change.object_type == "program":
            program_ids.add(change.object_id)
        elif change.object_type == ContentType.LEARNER_PATHWAY:
            pathway_ids.add(change.object_id)
    run_courses = {change.course_uuid for change in changes if change.object_type == "courserun" and not change.draft}
    course_uuids = {change.uuid for change in changes if change.object_type == "course" and not change.draft}
    if run_ids and not run_courses <= course_uuids:
        # Runs whose course is not in the batch: the course from the run's document (which also knows the
        # course of a deleted run), else from the database.
        documented = dict(
            ContentMetadata.objects.filter(content_type=ContentType.COURSE_RUN, object_id__in=run_ids).values_list(
                "object_id", "course_id"
            )
        )
        course_ids.update(course_id for course_id in documented.values() if course_id is not None)
        course_ids |= course_ids_of_runs(run_ids - documented.keys())
    if not (course_ids or program_ids or pathway_ids):
        return MembershipStats()
    return content_refresh(course_ids=course_ids, program_ids=program_ids, pathway_ids=pathway_ids, now=now)


def content_refresh_due(*, now: dt.datetime, chunk_size: int = 200) -> MembershipStats:
    """Refresh content whose computed fields (availability, price) changed as time passed ``next_boundary``."""
    due = ContentMetadata.objects.filter(next_boundary__lte=now).values_list("content_type", "object_id", "course_id")
    course_ids: set[int] = set()
    program_ids: set[int] = set()
    for content_type, object_id, course_id in due:
        if content_type in COURSE_TYPES and course_id is not None:
            course_ids.add(course_id)
        elif content_type == ContentType.PROGRAM:
            program_ids.add(object_id)
    stats = MembershipStats()
    # One transaction per chunk: a long backlog (after downtime) is worked off in bounded steps.
    for batch in chunked(sorted(course_ids), chunk_size):
        stats.merge(content_refresh(course_ids=batch, now=now))
    for batch in chunked(sorted(program_ids), chunk_size):
        stats.merge(content_refresh(program_ids=batch, now=now))
    return stats


@dataclass
class ContentRebuildReport:
    created_or_changed: int = 0
    unchanged: int = 0
    removed: int = 0


def content_rebuild_all(
    *, now: dt.datetime, chunk_size: int = 500, progress: Callable[[int], None] | None = None
) -> ContentRebuildReport:
    """Rebuild every document from the official rows and delete documents of objects that are gone.

    Membership is not evaluated here: run ``catalog_membership_rebuild`` for every catalog afterwards.
    Catalogs that lose members to deleted documents have their version bumped.
    """
    report = ContentRebuildReport()
    seen: set[int] = set()

    def store(items: list) -> None:
        with transaction.atomic():
            for content in content_store(items=items, now=now):
                seen.add(content.id)
                if content.changed:
                    report.created_or_changed += 1
                else:
                    report.unchanged += 1

    for batch in chunked(official_course_ids(), chunk_size):
        store(course_documents(batch, now=now))
        if progress is not None:
            progress(len(batch))
    for batch in chunked(Program.objects.order_by("pk").values_list("pk", flat=True), chunk_size):
        store(program_documents(batch, now=now))
    for batch in chunked(LearnerPathway.objects.order_by("pk").values_list("pk", flat=True), chunk_size):
        store(pathway_documents(batch))
    gone = [
        pk for pk in ContentMetadata.objects.values_list("pk", flat=True).iterator(chunk_size=5000) if pk not in seen
    ]
    with transaction.atomic():
        removed = content_remove(content_ids=gone)
        catalogs_bump(catalog_id for catalog_ids in removed.values() for catalog_id in catalog_ids)
    report.removed = len(gone)
    return report
