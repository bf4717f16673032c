"""Keeping catalog membership current: incrementally for changed documents, and rebuilt from scratch.

Incremental (``membership_apply``): a changed document is evaluated with the Python evaluator against
the catalogs the query index says it could belong to, never against every catalog. Rebuild
(``catalog_membership_rebuild``): the database evaluator computes a catalog's members in SQL and the
difference is written set-based, behind a guard against large swings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from catalog.models import Catalog, CatalogMembership, CatalogQueryIndex, ContentMetadata
from catalog.models.catalogs import parse_query_text
from catalog.query import Query
from catalog.selectors.matching import PreparedDocument, accepts, content_matching, encode_value, prepare
from catalog.services.content import StoredContent
from catalog.services.statements import delete_each, increment, insert_each, set_each
from dbkit.rows import AnyOf, KeyedRows

logger = logging.getLogger(__name__)


@dataclass
class MembershipStats:
    """What one incremental pass did; ``evaluations`` counts (catalog, document) pairs evaluated."""

    documents: int = 0
    evaluations: int = 0
    added: int = 0
    removed: int = 0
    updated: int = 0
    catalogs_bumped: set[int] = field(default_factory=set)

    def merge(self, other: MembershipStats) -> None:
        self.documents += other.documents
        self.evaluations += other.evaluations
        self.added += other.added
        self.removed += other.removed
        self.updated += other.updated
        self.catalogs_bumped |= other.catalogs_bumped


def catalogs_bump(catalog_ids: Iterable[int]) -> int:
    """Move the content_version of these catalogs on (their membership or a member's data changed)."""
    return increment(Catalog, "content_version", catalog_ids)


def document_index_values(document: Mapping[str, Any] | PreparedDocument) -> dict[str, list[str]]:
    """The document's values per field, encoded as the query index stores them."""
    return {
        name: sorted(encode_value(value) for value in values)
        for name, values in prepare(document).values.items()
        if values
    }


def _candidate_rows(fields: Any, values: Any) -> QuerySet:
    """Index entries on any of ``fields`` holding any of ``values`` (callers keep the exact pairs), and
    every unindexable catalog: (catalog, field, value, query as JSON text) rows."""
    # A subquery, not a join: one primary-key lookup per entry found, whatever the planner knows of the tables.
    query_text = Subquery(Catalog.objects.filter(pk=OuterRef("catalog_id")).values(text=Cast(F("query"), TextField())))
    indexed = CatalogQueryIndex.objects.filter(AnyOf("field", fields), AnyOf("value", values))
    unindexable = Catalog.objects.filter(query_unindexable=True).values(
        catalog_id=F("pk"),
        field_name=Value("", output_field=CharField()),
        field_value=Value("", output_field=TextField()),
        query_text=Cast(F("query"), TextField()),
    )
    return (
        indexed.values("catalog_id", field_name=F("field"), field_value=F("value"), query_text=query_text)
        .order_by()
        .union(unindexable.order_by(), all=True)
    )


# Compiled once: the consumer looks up candidates for every change.
_CANDIDATES = KeyedRows(_candidate_rows, lists=2)


def candidate_catalogs(
    documents: Sequence[PreparedDocument], chunk_size: int = 40
) -> tuple[list[set[int]], dict[int, Query]]:
    """For each document, the catalogs it could belong to (indexed ones it hits, and every unindexable
    one), and those catalogs' parsed queries: one query per ``chunk_size`` documents."""
    found: list[set[int]] = []
    queries: dict[int, Query] = {}
    for start in range(0, len(documents), chunk_size):
        chunk = [document_index_values(document) for document in documents[start : start + chunk_size]]
        wanted = {(name, value) for pairs in chunk for name, values in pairs.items() for value in values}
        rows = _CANDIDATES.fetch(sorted({name for name, _ in wanted}), sorted({value for _, value in wanted}))
        by_value: dict[tuple[str, str], set[int]] = defaultdict(set)
        everywhere: set[int] = set()
        for row in rows:
            catalog_id, name, value = row["catalog_id"], row["field_name"], row["field_value"]
            if not name:
                everywhere.add(catalog_id)
            elif (name, value) in wanted:
                by_value[(name, value)].add(catalog_id)
            else:
                continue  # a value wanted on another field
            if catalog_id not in queries:
                queries[catalog_id] = parse_query_text(row["query_text"])
        for pairs in chunk:
            catalogs = set(everywhere)
            for name, values in pairs.items():
                for value in values:
                    catalogs |= by_value.get((name, value), set())
            found.append(catalogs)
    return found, queries


def candidate_catalog_ids(document: Mapping[str, Any]) -> set[int]:
    """Indexed catalogs one document could belong to (the unindexable ones left out)."""
    unindexable = set(Catalog.objects.filter(query_unindexable=True).values_list("pk", flat=True))
    return candidate_catalogs([PreparedDocument(document)])[0][0] - unindexable


def membership_apply(
    *, stored: Sequence[StoredContent], removed: Mapping[int, Iterable[int]] | None = None, now: dt.datetime
) -> MembershipStats:
    """Bring the membership of these stored documents up to date; bump every catalog whose members changed.

    ``removed`` maps deleted documents to the catalogs they were in (their rows are already gone).
    """
    stats = MembershipStats(documents=len(stored))
    for catalog_ids in (removed or {}).values():
        catalog_ids = list(catalog_ids)
        stats.removed += len(catalog_ids)
        stats.catalogs_bumped.update(catalog_ids)
    if stored:
        _apply_stored(stored, stats, now)
    catalogs_bump(stats.catalogs_bumped)
    return stats


# The memberships of a few documents: compiled once, since the consumer asks for them on every change.
_MEMBERSHIPS = KeyedRows(
    lambda ids: (
        CatalogMembership.objects.filter(AnyOf("content_id", ids))
        .values("content_id", "catalog_id", "date_updated")
        .order_by()
    )
)


def _apply_stored(stored: Sequence[StoredContent], stats: MembershipStats, now: dt.datetime) -> None:
    prepared = [PreparedDocument(content.document) for content in stored]
    candidates, queries = candidate_catalogs(prepared)
    current: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
    for row in _MEMBERSHIPS.fetch(content.id for content in stored):
        current[row["content_id"]][row["catalog_id"]] = row["date_updated"]
    additions: list[tuple[int, int, dt.datetime, dt.datetime]] = []
    gone_pairs: list[tuple[int, int]] = []
    refreshed_dates: list[tuple[int, dt.datetime]] = []
    for content, document, catalog_ids in zip(stored, prepared, candidates, strict=True):
        should = set()
        for catalog_id in catalog_ids:
            query = queries.get(catalog_id)
            if query is None:
                continue  # deleted meanwhile
            stats.evaluations += 1
            if accepts(query, document):
                should.add(catalog_id)
        has = current.get(content.id, {})
        added, gone = should - has.keys(), has.keys() - should
        refreshed = {
            catalog_id
            for catalog_id in should & has.keys()
            if content.changed or has[catalog_id] != content.data_modified_timestamp
        }
        additions.extend((catalog_id, content.id, content.data_modified_timestamp, now) for catalog_id in sorted(added))
        gone_pairs.extend((catalog_id, content.id) for catalog_id in sorted(gone))
        if any(has[catalog_id] != content.data_modified_timestamp for catalog_id in refreshed):
            refreshed_dates.append((content.id, content.data_modified_timestamp))
        stats.added += len(added)
        stats.removed += len(gone)
        stats.updated += len(refreshed)
        stats.catalogs_bumped |= added | gone | refreshed
    delete_each(CatalogMembership, ["catalog", "content"], gone_pairs)
    # With its lost memberships deleted, every membership a document still has is one it should have:
    # each takes the document's data timestamp.
    set_each(CatalogMembership, "date_updated", "content", refreshed_dates)
    insert_each(CatalogMembership, ["catalog", "content", "date_updated", "created"], additions)


# --- rebuilding from scratch (the database evaluator) ----------------------------------------------


@dataclass
class RebuildReport:
    catalog_id: int
    uuid: str
    title: str
    before: int
    added: int
    removed: int
    refreshed: int
    refused: bool = False
    applied: bool = False

    @property
    def swing(self) -> float:
        return (self.added + self.removed) / self.before if self.before else float(self.added > 0)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.refreshed)


def _stale_members(members: QuerySet[CatalogMembership]) -> QuerySet[CatalogMembership]:
    return members.exclude(date_updated=F("content__data_modified_timestamp"))


def _wanted(matching: QuerySet[ContentMetadata]) -> tuple[str, tuple[Any, ...]]:
    """The SQL of the documents a catalog should hold, as (w_id, w_ts) rows."""
    rows = matching.order_by().annotate(w_id=F("pk"), w_ts=F("data_modified_timestamp")).values_list("w_id", "w_ts")
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def _compare(catalog_id: int, matching: QuerySet[ContentMetadata]) -> tuple[int, int, int, int]:
    """(members, to add, to remove, members with a stale date) in one statement that evaluates the
    catalog's query once (a CTE), on PostgreSQL and SQLite alike."""
    wanted, params = _wanted(matching)
    table = connection.ops.quote_name(CatalogMembership._meta.db_table)
    statement = f"""
        WITH wanted AS ({wanted}),
             held AS (SELECT content_id, date_updated FROM {table} WHERE catalog_id = %s)
        SELECT
            (SELECT COUNT(*) FROM held),
            (SELECT COUNT(*) FROM wanted LEFT JOIN held ON held.content_id = wanted.w_id
                WHERE held.content_id IS NULL),
            (SELECT COUNT(*) FROM held LEFT JOIN wanted ON wanted.w_id = held.content_id
                WHERE wanted.w_id IS NULL),
            (SELECT COUNT(*) FROM held JOIN wanted ON wanted.w_id = held.content_id
                WHERE held.date_updated <> wanted.w_ts)
    """
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, catalog_id))
        before, added, removed, stale = cursor.fetchone()
    return before, added, removed, stale


def _insert_members(catalog_id: int, matching: QuerySet[ContentMetadata], now: dt.datetime) -> int:
    """INSERT ... SELECT the documents the catalog should hold, in one statement (no rows through Python)."""
    wanted, params = _wanted(matching)
    quote = connection.ops.quote_name
    table = quote(CatalogMembership._meta.db_table)
    columns = ", ".join(quote(name) for name in ("catalog_id", "content_id", "date_updated", "created"))
    created = DateTimeField().get_db_prep_value(now, connection)
    # WHERE keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT %s, wanted.w_id, wanted.w_ts, %s FROM ({wanted}) AS wanted "
        "WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (catalog_id, created, *params))
        return cursor.rowcount


def catalog_membership_rebuild(
    *, catalog: Catalog, dry_run: bool = False, force: bool = False, now: dt.datetime | None = None
) -> RebuildReport:
    """Recompute ``catalog``'s members with the database evaluator and write the difference.

    Refuses (reports ``refused`` and writes nothing) when the catalog has at least
    CATALOG_REBUILD_GUARD_MIN_SIZE members and adding plus removing would change more than
    CATALOG_REBUILD_MAX_SWING of them, unless ``force``: a broken upstream must not wipe catalogs.
    """
    now = now or timezone.now()
    matching = content_matching(catalog.parsed_query)
    members = CatalogMembership.objects.filter(catalog_id=catalog.pk)
    if not dry_run and not members.exists():
        # Nothing to remove, refresh or guard: one INSERT ... SELECT, which counts what it adds.
        with transaction.atomic():
            added = _insert_members(catalog.pk, matching, now)
            if added:
                catalogs_bump([catalog.pk])
        return RebuildReport(catalog.pk, str(catalog.uuid), catalog.title, 0, added, 0, 0, applied=bool(added))
    report = RebuildReport(catalog.pk, str(catalog.uuid), catalog.title, *_compare(catalog.pk, matching))
    swing_limit = settings.CATALOG_REBUILD_MAX_SWING * report.before
    if report.before >= settings.CATALOG_REBUILD_GUARD_MIN_SIZE and report.added + report.removed > swing_limit:
        report.refused = not force
    if dry_run or report.refused or not report.changed:
        return report
    with transaction.atomic():
        # Serializes rebuilds of one catalog; the consumer's version bump waits for this transaction.
        Catalog.objects.select_for_update().filter(pk=catalog.pk).values_list("pk").get()
        if report.removed:
            members.exclude(Exists(matching.filter(pk=OuterRef("content_id")))).delete()
        if report.added:
            _insert_members(catalog.pk, matching, now)
        if report.refreshed:
            _stale_members(members).update(
                date_updated=Subquery(
                    ContentMetadata.objects.filter(pk=OuterRef("content_id")).values("data_modified_timestamp")[:1]
                )
            )
        catalogs_bump([catalog.pk])
    report.applied = True
    return report
